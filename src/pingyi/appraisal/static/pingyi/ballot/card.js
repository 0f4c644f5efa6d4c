/* The card: its secret from the address's fragment or the typed code, then its lookup (or,
 * with no network, this phone's copy of it) and the ballot, notice or receipt it leads to.
 *
 * The card's secret arrives in the fragment (#token), which browsers never send to a server;
 * it is moved out of the address bar at once and only ever travels in POST bodies. */
import { $ } from '../shared/dom.js';
import { gettext } from '../shared/i18n.js';
import { AUTO_RETRIES, CODE_RE, S, URLS, cardKey, forgetSecret, rememberSecret, store } from './state.js';
import { backoff, getJSON, postJSON, wait } from './net.js';
import { toHalfWidth } from './check.js';
import { banner, buildTracks, loading, notice, otherCard, renderBallot, setHeader, showCodeForm, showReceipt } from './render.js';
import { submit } from './submit.js';

export function secretFromHash() {
  const raw = location.hash ? location.hash.replace(/^#/, '') : '';
  if (!raw) return null;
  // Out of the address bar at once: no screenshot, bookmark or shared link carries it.
  try { history.replaceState(null, '', location.pathname + location.search); } catch (e) { /* old WebView */ }
  let secret = raw;
  try { secret = decodeURIComponent(raw); } catch (e) { secret = raw; }
  secret = secret.trim();
  const code = normaliseCode(secret);
  return code || secret || null;
}

function normaliseCode(text) {
  const cleaned = toHalfWidth(text).replace(/[\s\-_－—]/g, '').toUpperCase();
  return CODE_RE.test(cleaned) ? cleaned : null;
}

export function onCodeSubmit(event) {
  event.preventDefault();
  let text = $('code-input').value || '';
  if (text.indexOf('#') >= 0) text = text.slice(text.indexOf('#') + 1);  // a pasted card link
  text = text.trim();
  const code = normaliseCode(text);
  let secret = code;
  if (!secret && text.length > 16 && /^[A-Za-z0-9_-]+$/.test(text)) secret = text;  // a pasted token
  if (!secret) {
    showCodeForm(gettext('A card code has 10 letters and digits, like ABCDE-FGHJK. Please check it.'));
    return;
  }
  $('code-input').value = '';
  openCard(secret);
}

export async function openCard(secret) {
  S.secret = secret;
  S.refused = null;
  rememberSecret(secret);
  S.key = await cardKey(secret);
  const kept = store.getJSON('localStorage', 'receipt.' + S.key);
  if (kept && kept.receipt) {
    showReceipt(kept);
    return;
  }
  // This card's lookup as last answered, kept on this phone under the hash of its secret:
  // with no network (a hall's Wi-Fi down, the page reloaded from the service worker) the
  // ballot opens from it, and the draft and a queued ballot with it.
  const offline = store.getJSON('localStorage', 'lookup.' + S.key);
  let answer = null;
  let fromPhone = false;
  for (let attempt = 0; answer === null; attempt += 1) {
    loading(attempt ? gettext('No connection. Trying again…') : gettext('Opening your ballot…'), attempt > 0);
    try {
      answer = await postJSON(URLS.lookup, JSON.stringify({ token: secret }));
    } catch (e) {
      if (offline && offline.card && offline.card.spec) {
        answer = { status: 200, data: offline.card };
        fromPhone = true;
      } else if (attempt >= AUTO_RETRIES) {
        loading(gettext('Cannot reach the server. Check the network, then try again.'), true);
        await new Promise(function (resolve) { S.retryNow = resolve; });
        attempt = -1;
      } else {
        await wait(backoff(attempt), function (left) {
          $('loading-text').textContent = gettext('No connection. Trying again in %(seconds)s s…', { seconds: left });
        });
      }
    }
  }
  if (answer.status !== 200) {
    store.del('localStorage', 'lookup.' + S.key);
    forgetSecret();
    showCodeForm(gettext('This ballot card is not valid. Check the code and try again.'));
    return;
  }
  S.card = answer.data;
  if (!fromPhone) store.set('localStorage', 'lookup.' + S.key, JSON.stringify({ v: 1, card: S.card, running: offline ? offline.running : null }));
  const event = S.card.event || {};
  const pending = store.get('localStorage', 'pending.' + S.key);
  const panel = (S.card.spec.panels || []).filter(function (p) { return p.key === S.card.panel; })[0];
  setHeader(event.name, [panel ? panel.name : S.card.panel, event.held_on].filter(Boolean).join(' · '));
  if (S.card.used && !pending) {
    notice('refused', gettext('This card has already been used'),
      gettext('Each ballot card votes once. If you voted with it on another phone, the receipt was shown there.'),
      [{ label: gettext('Use another card'), run: otherCard }]);
    return;
  }
  if ((event.state === 'closed' || event.state === 'published') && !pending) {
    notice('info', gettext('Voting has closed'), gettext('This appraisal no longer takes ballots. Thank you.'),
      [{ label: gettext('Use another card'), run: otherCard }]);
    return;
  }
  let running = null;
  if (event.state === 'open' && URLS.presentations && !fromPhone) {
    running = await getJSON(URLS.presentations + encodeURIComponent(event.key));
    if (running) {
      store.set('localStorage', 'lookup.' + S.key, JSON.stringify({ v: 1, card: S.card, running: running }));
    }
  }
  if (!running && offline && offline.running && offline.running.event === event.key) running = offline.running;
  buildTracks(S.card, running);
  renderBallot();
  if (fromPhone) {
    banner('warn', gettext('You are offline. Your scores are kept on this phone.'));
  } else if (event.state !== 'open') {
    banner('info', gettext('Voting has not opened yet. You can fill in your scores now: they are kept on this phone, and you can submit once voting opens.'));
  }
  if (pending) submit(pending);
}
