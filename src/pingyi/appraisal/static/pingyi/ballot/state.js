/* The phone ballot's state, its configuration (#ballot-config) and what this phone keeps:
 * the card, its draft (every change, one draft per card), its lookup, a queued ballot. */
import { readJSON } from '../shared/dom.js';

export const CONF = readJSON('ballot-config');
export const URLS = CONF.urls || {};
export const ABSTAIN_VALUE = '__abstain__';
export const CODE_RE = /^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{10}$/;
export const AUTO_RETRIES = 6;
export const TIMEOUT_MS = 20000;
const PREFIX = 'pingyi.ballot.';

export const S = {
  secret: null,   // the card's token or typed code (never in a URL)
  key: null,      // storage key derived from it
  card: null,     // the lookup answer
  tracks: [],     // [{key, name, rubric, index, units: [{key, name, presenter, slides, order, bound, index}]}]
  marks: {},      // marks[track][unit] = {a: true} | {g: gradeKey} | {c: {criterion: text}} (a with c kept) | {r: rank}
  sending: false,
  confirming: false,
  retryNow: null,
  refused: null,  // {track, unit} the server named in a 422
  target: null,   // where the bar's reason leads
};

export function markOf(trackKey, unitKey) {
  const byTrack = S.marks[trackKey] || (S.marks[trackKey] = {});
  return byTrack[unitKey] || (byTrack[unitKey] = {});
}

// --- storage on the holder's own phone -------------------------------------------------------

export const store = {
  get: function (area, key) {
    try { return window[area].getItem(PREFIX + key); } catch (e) { return null; }
  },
  set: function (area, key, value) {
    try { window[area].setItem(PREFIX + key, value); return true; } catch (e) { return false; }
  },
  del: function (area, key) {
    try { window[area].removeItem(PREFIX + key); } catch (e) { /* storage unavailable */ }
  },
  getJSON: function (area, key) {
    const text = store.get(area, key);
    if (!text) return null;
    try { return JSON.parse(text); } catch (e) { return null; }
  },
};

export async function cardKey(secret) {
  // A SHA-256 of the card's secret where the browser offers it (secure contexts), else the
  // secret itself: the draft lives on the holder's own phone either way.
  try {
    if (window.crypto && window.crypto.subtle && window.TextEncoder) {
      const digest = await window.crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret));
      return Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ('0' + b.toString(16)).slice(-2);
      }).join('');
    }
  } catch (e) { /* fall back below */ }
  return 'card-' + secret;
}

export function rememberSecret(secret) {
  store.set('sessionStorage', 'card', secret);
  store.set('localStorage', 'card', secret);
}

export function forgetSecret() {
  store.del('sessionStorage', 'card');
  store.del('localStorage', 'card');
}

// --- the draft ---------------------------------------------------------------------------------

/** Put this card's kept marks back into S.marks (only known tracks, units and criteria). */
export function restoreDraft() {
  S.marks = {};
  const draft = store.getJSON('localStorage', 'draft.' + S.key);
  if (!draft || !draft.marks) return false;
  let restored = false;
  S.tracks.forEach(function (track) {
    const saved = draft.marks[track.key] || {};
    track.units.forEach(function (unit) {
      const m = saved[unit.key];
      if (!m || unit.bound) return;
      const clean = {};
      if (m.a) clean.a = true;
      if (typeof m.g === 'string') clean.g = m.g;
      if (typeof m.r === 'number' && m.r >= 1) clean.r = m.r;
      if (m.c && typeof m.c === 'object') {
        clean.c = {};
        (track.rubric.criteria || []).forEach(function (c) {
          if (typeof m.c[c.key] === 'string') clean.c[c.key] = m.c[c.key];
        });
      }
      if (clean.a || clean.g || clean.c || clean.r) {
        S.marks[track.key] = S.marks[track.key] || {};
        S.marks[track.key][unit.key] = clean;
        restored = true;
      }
    });
  });
  return restored;
}

/** Keep S.marks as this card's draft; false when the browser cannot store it. */
export function saveDraft() {
  return store.set('localStorage', 'draft.' + S.key, JSON.stringify({ v: 1, marks: S.marks, at: Date.now() }));
}
