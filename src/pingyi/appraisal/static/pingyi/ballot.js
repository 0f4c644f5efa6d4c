/* pingyi — the phone ballot (评议票), the page's entry module. ES modules, ES2017 inside (old
 * Android WebViews, the WeChat browser), no build step; CSP: no inline script. By concern:
 * ballot/state.js (state, what the phone keeps), check.js (rules, no DOM), render.js (what
 * the voter sees), edit.js (the voter's edits), net.js (the only fetch), submit.js, card.js;
 * shared/dom.js, shared/i18n.js. The service worker (/b/sw.js) keeps them all offline. */
import { $, h, ready } from './shared/dom.js';
import { gettext } from './shared/i18n.js';
import { openCard, onCodeSubmit, secretFromHash } from './ballot/card.js';
import { changed, onChange, onClick, onInput } from './ballot/edit.js';
import { onRankClick, onRankEdited, onRankPointerDown } from './ballot/rank.js';
import { banner, confirmStep, fitBar, goTo, otherCard, showCodeForm } from './ballot/render.js';
import { CONF, S, URLS, store } from './ballot/state.js';
import { onConfirm, onSubmitClick } from './ballot/submit.js';

function keepOffline() {
  // The service worker (/b/sw.js, scope /b/) keeps this page, its modules and style for a
  // reload without network. Browsers offer it only in a secure context (HTTPS, localhost).
  if (!URLS.sw || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  try {
    navigator.serviceWorker.register(URLS.sw).catch(function () { /* the page works without */ });
  } catch (e) { /* old WebView */ }
}

function languageSwitch() {
  const bar = $('lang');
  if (!bar || !CONF.languages) return;
  (CONF.languages || []).forEach(function (lang) {
    const current = lang[0] === CONF.language;
    bar.appendChild(h('button', {
      type: 'button', lang: lang[0], className: 'lang-btn', 'aria-pressed': current ? 'true' : 'false', disabled: current,
      text: lang[1], onclick: function () {
        document.cookie = (CONF.languageCookie || 'django_language') + '=' + encodeURIComponent(lang[0]) + '; path=/; max-age=31536000; samesite=lax';
        location.reload();
      },
    }));
  });
}

function start() {
  keepOffline();
  languageSwitch();
  $('code-form').addEventListener('submit', onCodeSubmit);
  $('code-resume').addEventListener('click', function () {
    const secret = store.get('localStorage', 'card');
    if (secret) openCard(secret);
  });
  $('loading-retry').addEventListener('click', function () { if (S.retryNow) S.retryNow(); });
  $('retry').addEventListener('click', function () { if (S.retryNow) S.retryNow(); });
  $('other-card').addEventListener('click', otherCard);
  $('receipt-other').addEventListener('click', otherCard);
  $('submit').addEventListener('click', onSubmitClick);
  $('confirm-yes').addEventListener('click', onConfirm);
  $('confirm-no').addEventListener('click', function () { confirmStep(false); $('submit').focus(); });
  $('bar-reason').addEventListener('click', function () { goTo(S.target); });
  const tracks = $('tracks');
  tracks.addEventListener('input', onInput);
  tracks.addEventListener('click', onClick);
  tracks.addEventListener('change', onChange);
  onRankEdited(changed);
  tracks.addEventListener('click', onRankClick);
  tracks.addEventListener('pointerdown', onRankPointerDown);
  window.addEventListener('offline', function () { if (!S.sending) banner('warn', gettext('You are offline. Your scores are kept on this phone.')); });
  window.addEventListener('online', function () { banner('', ''); if (S.retryNow) S.retryNow(); });
  window.addEventListener('resize', fitBar);
  window.addEventListener('hashchange', function () { if (location.hash.length > 1) location.reload(); });

  const secret = secretFromHash() || store.get('sessionStorage', 'card') || store.get('localStorage', 'card');
  if (secret) openCard(secret);
  else showCodeForm(null);
}

ready(start);
