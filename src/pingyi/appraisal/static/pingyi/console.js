/* pingyi meeting console: confirmations, live counts, connection and state notices.
 * Uses PingyiLive from screen.js (loaded first) and the JSON island #live-config. */
(function () {
  "use strict";
  var root = document.getElementById("console");
  if (!root) return;
  var config = window.PingyiLive.readConfig();
  var T = config.strings;

  // Confirmations for the buttons that change the meeting (no inline handlers: CSP).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.dataset.confirm || T.confirm)) e.preventDefault();
    });
  });

  function setCell(row, field, value) {
    var cell = row && row.querySelector('[data-field="' + field + '"]');
    if (cell && cell.textContent !== value) {
      cell.textContent = value;
      if (field === "cast") {
        cell.classList.remove("bump");
        void cell.offsetWidth; // restart the highlight animation
        cell.classList.add("bump");
      }
    }
  }

  function quorum(row, met) {
    var cell = row && row.querySelector('[data-field="quorum"]');
    if (!cell) return;
    cell.textContent = "";
    if (met === null || met === undefined) { cell.textContent = "—"; return; }
    var span = document.createElement("span");
    span.className = met ? "ok" : "warn";
    span.textContent = met ? "✓ " + T.quorum_met : T.quorum_not_met;
    cell.appendChild(span);
  }

  function applyCounts(c) {
    var table = document.getElementById("counts");
    c.panels.forEach(function (p) {
      var row = table.querySelector('tr[data-panel="' + p.key + '"]');
      setCell(row, "expected", p.expected === null ? "—" : String(p.expected));
      setCell(row, "issued", String(p.issued));
      setCell(row, "cast", String(p.cast));
      quorum(row, p.quorum_met);
    });
    var total = table.querySelector('tr[data-panel="_total"]');
    setCell(total, "expected", c.expected === null ? "—" : String(c.expected));
    setCell(total, "issued", String(c.issued));
    setCell(total, "cast", String(c.cast));
    var stamp = document.getElementById("counts-updated");
    if (stamp) stamp.textContent = T.updated + " " + new Date().toLocaleTimeString();
  }

  function applyState(s) {
    var badge = document.getElementById("state-badge");
    if (s.state !== root.dataset.state || (s.rehearsal ? "1" : "0") !== root.dataset.rehearsal) {
      badge.className = "state-badge state-" + s.state;
      badge.textContent = T["state_" + s.state] || s.state;
      var notice = document.getElementById("state-notice");
      notice.textContent = T.state_changed + " ";
      var link = document.createElement("a");
      link.href = window.location.pathname;
      link.textContent = T.reload;
      notice.appendChild(link);
      notice.hidden = false;
    }
  }

  function status(s) {
    var pill = document.getElementById("live-pill");
    pill.dataset.status = s;
    pill.textContent = s === "live" ? "● " + T.connected : T.reconnecting;
  }

  function start() {
    window.PingyiLive.connect(config, { counts: applyCounts, state: applyState, status: status });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
