/* The voter's edits: typed scores, the steppers, grades, "don't know" (event delegation on
 * #tracks); each change is kept as a draft and the statuses refreshed. */
import { $ } from '../shared/dom.js';
import { gettext } from '../shared/i18n.js';
import { decimals, fixed, parseScore, percent, trackSummary, unitStatus } from './check.js';
import { ABSTAIN_VALUE, S, markOf, saveDraft } from './state.js';
import { barStatus, refresh, syncUnit } from './render.js';

function trackMessage(track, text) {
  const el = $('track-' + track.index + '-status-msg');
  el.textContent = text || '';
  if (text) {
    clearTimeout(el.timer);
    el.timer = setTimeout(function () { el.textContent = ''; }, 6000);
  }
}

export function changed(track, unit) {
  if (S.refused && S.refused.track === track.key && S.refused.unit === unit.key) S.refused = null;
  if (!S.sending) barStatus('', '', false);
  noteSaved(saveDraft());
  refresh();
}

function pad(n) { return (n < 10 ? '0' : '') + n; }

function noteSaved(ok) {
  const now = new Date();
  $('saved').textContent = ok
    ? gettext('Saved on this phone at %(time)s', { time: pad(now.getHours()) + ':' + pad(now.getMinutes()) + ':' + pad(now.getSeconds()) })
    : gettext('This browser cannot keep a draft: do not close the page before you submit.');
}

function unitFrom(el) {
  const track = S.tracks[Number(el.getAttribute('data-t'))];
  if (!track) return null;
  const unit = track.units.filter(function (u) { return u.index === Number(el.getAttribute('data-u')); })[0];
  return unit ? { track: track, unit: unit } : null;
}

export function onInput(event) {
  const el = event.target;
  if (!el.classList || !el.classList.contains('score')) return;
  const where = unitFrom(el);
  if (!where) return;
  const c = where.track.rubric.criteria[Number(el.getAttribute('data-c'))];
  const m = markOf(where.track.key, where.unit.key);
  m.c = m.c || {};
  m.c[c.key] = el.value;
  changed(where.track, where.unit);
}

export function onClick(event) {
  const button = event.target.closest ? event.target.closest('button.step') : null;
  if (!button || button.disabled) return;
  const where = unitFrom(button);
  if (!where) return;
  const r = where.track.rubric;
  const c = r.criteria[Number(button.getAttribute('data-c'))];
  const m = markOf(where.track.key, where.unit.key);
  m.c = m.c || {};
  const step = r.step || 1;
  const places = decimals(step);
  const top = Math.floor(c.max / step + 1e-9) * step;
  const p = parseScore(m.c[c.key]);
  const dir = button.getAttribute('data-act') === 'inc' ? 1 : -1;
  let value;
  if (p.empty || p.bad) value = dir > 0 ? top : top - step;   // start near the top: most scores are high
  else value = (Math.round(p.value / step) + dir) * step;
  value = Math.max(0, Math.min(top, value));
  m.c[c.key] = fixed(value, places);
  syncUnit(where.track, where.unit);
  changed(where.track, where.unit);
}

export function onChange(event) {
  const el = event.target;
  const where = unitFrom(el);
  if (!where) return;
  const track = where.track;
  const unit = where.unit;
  const m = markOf(track.key, unit.key);
  if (el.classList.contains('abstain')) {
    if (el.checked) m.a = true; else delete m.a;
    syncUnit(track, unit);
  } else if (el.type === 'radio') {
    if (el.value === ABSTAIN_VALUE) {
      S.marks[track.key][unit.key] = { a: true };
    } else {
      const r = track.rubric;
      const q = r.top_grade_max_share;
      if (el.value === r.grades[0].key && q !== undefined && q !== null && m.g !== el.value) {
        // Would this first grade break the quota? Count the others and the units to be graded.
        const statuses = {};
        track.units.forEach(function (u) { statuses[u.key] = unitStatus(track, u); });
        statuses[unit.key] = { state: 'done', grade: el.value };
        const summary = trackSummary(track, statuses);
        if (summary.over) {
          syncUnit(track, unit);
          const quota = $('track-' + track.index + '-status-quota');
          quota.classList.remove('flash');
          void quota.offsetWidth;  // restart the animation
          quota.classList.add('flash');
          trackMessage(track, gettext('At most %(limit)s units here may be given %(grade)s (%(share)s of the units graded). Choose another grade for %(unit)s, or change one already given.', {
            limit: summary.limit, grade: r.grades[0].name, share: percent(q), unit: unit.name,
          }));
          return;
        }
      }
      S.marks[track.key][unit.key] = { g: el.value };
    }
    trackMessage(track, '');
  }
  changed(track, unit);
}
