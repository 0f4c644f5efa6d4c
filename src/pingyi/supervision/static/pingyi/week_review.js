// The leaders' fast review (weekly/<week>/review/): keys 1–4 pick 好/较好/一般/差, Enter saves
// and goes to the next report, J / K move to the next / previous one. Typing in the comment
// box is never taken for a key (Enter there is a new line; Ctrl+Enter saves). Without this
// script the page is an ordinary form.
(function () {
  "use strict";
  var form = document.querySelector("form.review-form");
  if (!form) return;
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.metaKey || event.isComposing) return;
    var target = event.target;
    var typing = target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" && target.type === "text");
    if (typing) {
      if (event.key === "Enter" && event.ctrlKey) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (event.ctrlKey) return;
    var radio = form.querySelector('input[data-key="' + event.key + '"]');
    if (radio) {
      event.preventDefault();
      radio.checked = true;
      radio.focus();
      return;
    }
    if (event.key === "Enter" && !(target && (target.tagName === "A" || target.tagName === "BUTTON"))) {
      event.preventDefault();
      form.requestSubmit();
      return;
    }
    var key = event.key.toLowerCase();
    if (key === "j" || key === "k") {
      var link = document.querySelector('a[data-move="' + key + '"]');
      if (link) { event.preventDefault(); window.location.assign(link.href); }
    }
  });
})();
