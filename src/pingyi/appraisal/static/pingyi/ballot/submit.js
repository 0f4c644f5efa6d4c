/* Submitting: confirm, send with retries (the identical body, which the server answers with
 * the same receipt), queue while offline, then the receipt or the server's refusal. */
import { $, show } from '../shared/dom.js';
import { gettext } from '../shared/i18n.js';
import { backoff, isOffline, postJSON, wait } from './net.js';
import { parseScore } from './check.js';
import { AUTO_RETRIES, S, URLS, markOf, store } from './state.js';
import { barStatus, confirmStep, goTo, lock, notice, otherCard, refresh, showReceipt, syncBar } from './render.js';

function buildBody() {
  const scores = [];
  S.tracks.forEach(function (track) {
    const r = track.rubric;
    const units = track.units.slice().sort(function (a, b) { return a.index - b.index; });
    units.forEach(function (unit) {
      if (unit.bound) return;
      const m = markOf(track.key, unit.key);
      if (m.a && r.abstain) {
        scores.push({ track: track.key, unit: unit.key, item: 'abstain', value: null });
      } else if (r.kind === 'ranking') {
        scores.push({ track: track.key, unit: unit.key, item: 'rank', value: m.r });
      } else if (r.kind === 'grades') {
        scores.push({ track: track.key, unit: unit.key, item: 'grade', value: m.g });
      } else {
        r.criteria.forEach(function (c) {
          scores.push({ track: track.key, unit: unit.key, item: c.key, value: parseScore(m.c[c.key]).value });
        });
      }
    });
  });
  return JSON.stringify({ token: S.secret, scores: scores });
}

export function onSubmitClick() {
  if (S.sending) return;
  const result = refresh();
  if (!result.ok) { goTo(result.target); return; }
  confirmStep(true);
}

export function onConfirm() {
  confirmStep(false);
  if (!refresh().ok) return;
  submit(buildBody());
}

export async function submit(body) {
  S.sending = true;
  store.set('localStorage', 'pending.' + S.key, body);  // a reload resumes with the same body
  lock(true);
  confirmStep(false);
  $('submit').disabled = true;
  show($('submit'), false);
  let answer = null;
  for (let attempt = 0; answer === null; attempt += 1) {
    if (isOffline()) {
      // Queued: kept on this phone (pending) and sent the moment the network is back (the
      // "online" event), or when the voter taps "Retry now".
      barStatus(gettext('You are offline: your ballot is queued on this phone and will be sent when the network is back.'), 'queued', true);
      await new Promise(function (resolve) { S.retryNow = resolve; });
      S.retryNow = null;
      attempt = 0;
    }
    barStatus(attempt ? gettext('Sending again…') : gettext('Sending your ballot…'), 'busy', false);
    try {
      answer = await postJSON(URLS.ballots, body);
    } catch (e) {
      if (isOffline()) {
        attempt = -1;  // queued at the top of the loop
      } else if (attempt + 1 >= AUTO_RETRIES) {
        barStatus(gettext('Not sent: no connection. Your scores are kept on this phone. Try again when the network is back.'), 'error', true);
        await new Promise(function (resolve) { S.retryNow = resolve; });
        attempt = -1;
      } else {
        await wait(backoff(attempt), function (left) {
          barStatus(gettext('Not sent yet: no connection. Retrying in %(seconds)s s (attempt %(attempt)s)…', { seconds: left, attempt: attempt + 2 }), 'error', true);
        });
      }
    }
  }
  S.sending = false;
  show($('submit'), true);
  syncBar();
  if (answer.status === 201 && answer.data.receipt) {
    const kept = {
      receipt: answer.data.receipt,
      event: S.card && S.card.event ? S.card.event.name : '',
      panel: $('event-meta').textContent,
    };
    store.set('localStorage', 'receipt.' + S.key, JSON.stringify(kept));
    store.del('localStorage', 'draft.' + S.key);
    store.del('localStorage', 'pending.' + S.key);
    store.del('localStorage', 'lookup.' + S.key);
    barStatus('', '', false);
    showReceipt(kept);
    return;
  }
  store.del('localStorage', 'pending.' + S.key);
  refused(answer);
}

function refused(answer) {
  const data = answer.data || {};
  if (answer.status === 409) {
    lock(true);
    barStatus('', '', false);
    notice('refused', gettext('This card has already been used'),
      gettext('This card was used for another ballot, so this one was not accepted. Each ballot card votes once.'),
      [{ label: gettext('Use another card'), run: otherCard }]);
    return;
  }
  lock(false);
  refresh();
  if (answer.status === 403 && data.code === 'voting_not_open') {
    barStatus(gettext('Voting is not open at the moment. Your scores are kept on this phone: submit again when voting opens.'), 'error', false);
    return;
  }
  if (answer.status === 403) {
    barStatus(gettext('This ballot card is not valid. Check the code and try again.'), 'error', false);
    return;
  }
  if (answer.status === 422 && data.unit) {
    S.refused = { track: data.track, unit: data.unit };
    refresh();
    const track = S.tracks.filter(function (tr) { return tr.key === data.track; })[0];
    const unit = track ? track.units.filter(function (u) { return u.key === data.unit; })[0] : null;
    if (track && unit) goTo({ track: track, unit: unit });
  }
  barStatus(gettext('The ballot was not accepted: %(reason)s', { reason: data.detail || gettext('a rule was broken.') }), 'error', false);
}
