/* What the voter sees: the screens (loading, code, notice, ballot, receipt), the header, the
 * submit bar, and the ballot itself — tracks in running order, one card per unit, controls kept
 * in step with S.marks, and refresh(), which paints every status from check.js. */
import { $, clear, h, show } from '../shared/dom.js';
import { gettext } from '../shared/i18n.js';
import { decimals, evaluate, fixed, percent } from './check.js';
import { ABSTAIN_VALUE, S, forgetSecret, markOf, restoreDraft, store } from './state.js';
import { normalizeRanks, paintRank, rankNote, renderRankTrack } from './rank.js';

const SCREENS = ['loading', 'code-screen', 'notice', 'ballot', 'receipt'];

export function fitBar() {
  // The fixed submit bar changes height (reason, status, confirmation): keep the page's end
  // (the last unit, the footer) scrollable above it.
  const bar = $('bar');
  document.body.style.paddingBottom = bar && !bar.hidden ? (bar.offsetHeight + 16) + 'px' : '';
}

export function syncBar() {
  const status = $('bar-status');
  show($('bar-reason-wrap'), !S.sending && !S.confirming && status.hidden);
  fitBar();
}

export function screen(name) {
  SCREENS.forEach(function (id) { show($(id), id === name); });
  show($('bar'), name === 'ballot');
  show($('other-card'), name === 'ballot');
  fitBar();
}

export function loading(text, retry) {
  screen('loading');
  $('loading-text').textContent = text;
  show($('loading-retry'), !!retry);
}

export function notice(kind, title, text, actions) {
  screen('notice');
  const box = $('notice');
  box.className = 'notice notice-' + kind;
  $('notice-title').textContent = title;
  $('notice-text').textContent = text || '';
  const bar = $('notice-actions');
  clear(bar);
  (actions || []).forEach(function (action) {
    bar.appendChild(h('button', { type: 'button', className: action.primary ? 'btn primary' : 'btn', text: action.label, onclick: action.run }));
  });
  const heading = $('notice-title');
  heading.setAttribute('tabindex', '-1');
  heading.focus();
}

export function setHeader(title, meta) {
  $('event-name').textContent = title || gettext('Appraisal ballot');
  $('event-meta').textContent = meta || '';
  show($('event-meta'), !!meta);
  document.title = (title || gettext('Appraisal ballot')) + ' · ' + gettext('pingyi');
}

export function banner(kind, text) {
  const box = $('banner');
  box.className = 'banner banner-' + kind;
  box.textContent = text;
  show(box, !!text);
}

export function lock(locked) {
  $('ballot-fields').disabled = locked;
  $('ballot').classList.toggle('locked', locked);
}

export function confirmStep(on) {
  S.confirming = on;
  show($('confirm'), on);
  show($('submit'), !on && !S.sending);
  syncBar();
  if (on) $('confirm-yes').focus();
}

export function barStatus(text, kind, retry) {
  const el = $('bar-status');
  el.textContent = text || '';
  el.className = 'bar-status' + (kind ? ' ' + kind : '');
  show(el, !!text);
  show($('retry'), !!retry);
  syncBar();
}

export function showCodeForm(error) {
  setHeader(null, null);
  screen('code-screen');
  const input = $('code-input');
  const message = $('code-error');
  message.textContent = error || '';
  show(message, !!error);
  input.setAttribute('aria-invalid', error ? 'true' : 'false');
  const stored = store.get('localStorage', 'card');
  show($('code-resume'), !!stored && !error);
  input.focus();
}

export function otherCard() {
  forgetSecret();
  S.secret = S.key = S.card = null;
  showCodeForm(null);
}

export function showReceipt(kept) {
  if (kept.event) setHeader(kept.event, kept.panel || '');
  $('receipt-code').textContent = kept.receipt;
  screen('receipt');
  const heading = $('receipt-title');
  heading.setAttribute('tabindex', '-1');
  heading.focus();
}

// --- the ballot --------------------------------------------------------------------------------

/** S.tracks from the card's lookup, the units in the running order when there is one. */
export function buildTracks(card, running) {
  const order = {};
  const extra = {};
  ((running && running.presentations) || []).forEach(function (p) {
    order[p.track + '\u0000' + p.unit] = p.order;
    extra[p.track + '\u0000' + p.unit] = p;
  });
  S.tracks = card.spec.tracks.map(function (track, ti) {
    const units = track.units.map(function (unit, ui) {
      const id = track.key + '\u0000' + unit.key;
      const more = extra[id] || {};
      return {
        key: unit.key,
        name: unit.name,
        presenter: more.presenter || unit.presenter || null,
        slides: more.slides || null,
        order: order[id] === undefined ? 100000 + ui : order[id],
        bound: card.bound_unit === unit.key,
        index: ui,
      };
    });
    units.sort(function (a, b) { return a.order - b.order || a.index - b.index; });
    units.forEach(function (unit, position) { unit.position = position + 1; });
    return { key: track.key, name: track.name, rubric: track.rubric, units: units, index: ti };
  });
}

function rubricNote(track) {
  const r = track.rubric;
  const parts = [];
  if (r.kind === 'ranking') return rankNote(track);
  if (r.kind === 'criteria') {
    parts.push(gettext('Score every criterion; steps of %(step)s.', { step: r.step || 1 }));
  } else {
    parts.push(gettext('Choose one grade for every unit.'));
    if (r.top_grade_max_share !== undefined && r.top_grade_max_share !== null) {
      parts.push(gettext('At most %(share)s of the units graded may be given %(grade)s.', {
        share: percent(r.top_grade_max_share), grade: r.grades[0].name,
      }));
    }
  }
  if (r.abstain) parts.push(gettext('Choose “Don’t know” for a unit you cannot judge.'));
  return parts.join(' ');
}

export function unitId(track, unit) { return 'u-' + track.index + '-' + unit.index; }

function renderUnit(track, unit) {
  const id = unitId(track, unit);
  const headId = id + '-name';
  const head = h('div', { className: 'unit-head' }, [
    h('span', { className: 'order', 'aria-hidden': 'true', text: String(unit.position) }),
    h('h3', { id: headId, className: 'unit-name', tabindex: '-1', text: unit.name }),
    h('span', { className: 'badge', id: id + '-badge', 'aria-hidden': 'true' }),
  ]);
  const meta = [];
  if (unit.presenter) meta.push(h('span', { text: gettext('Presenter: %(name)s', { name: unit.presenter }) }));
  if (unit.slides) {
    meta.push(h('a', {
      href: unit.slides, target: '_blank', rel: 'noopener', className: 'slides',
      'aria-label': gettext('Slides of %(unit)s', { unit: unit.name }), text: gettext('Slides'),
    }));
  }
  const kids = [head];
  if (meta.length) kids.push(h('p', { className: 'meta' }, meta));
  if (unit.bound) {
    kids.push(h('p', { className: 'bound-note', text: gettext('Your own unit (not appraised)') }));
    return h('li', { className: 'unit bound', id: id, 'aria-labelledby': headId }, kids);
  }
  const r = track.rubric;
  if (r.kind === 'criteria') {
    r.criteria.forEach(function (c, ci) {
      const inputId = id + '-c' + ci;
      const errId = inputId + '-err';
      kids.push(h('div', { className: 'crit' }, [
        h('label', { for: inputId, className: 'crit-label' }, [
          h('span', { text: c.name }),
          h('span', { className: 'max', text: gettext('max %(max)s', { max: c.max }) }),
        ]),
        h('div', { className: 'stepper' }, [
          h('button', {
            type: 'button', className: 'step', 'data-act': 'dec', 'data-t': track.index, 'data-u': unit.index, 'data-c': ci,
            'aria-label': gettext('Decrease %(item)s of %(unit)s', { item: c.name, unit: unit.name }), text: '−',
          }),
          h('input', {
            id: inputId, type: 'text', inputmode: 'decimal', autocomplete: 'off', enterkeyhint: 'next',
            className: 'score', 'data-t': track.index, 'data-u': unit.index, 'data-c': ci,
            'aria-describedby': errId, placeholder: '0–' + c.max,
            'aria-label': gettext('%(unit)s, %(item)s, 0 to %(max)s', { unit: unit.name, item: c.name, max: c.max }),
          }),
          h('button', {
            type: 'button', className: 'step', 'data-act': 'inc', 'data-t': track.index, 'data-u': unit.index, 'data-c': ci,
            'aria-label': gettext('Increase %(item)s of %(unit)s', { item: c.name, unit: unit.name }), text: '+',
          }),
        ]),
        h('p', { className: 'err', id: errId, 'aria-live': 'polite' }),
      ]));
    });
    kids.push(h('p', { className: 'total', id: id + '-total', 'aria-live': 'polite' }));
    if (r.abstain) {
      kids.push(h('label', { className: 'abstain-toggle' }, [
        h('input', { type: 'checkbox', className: 'abstain', 'data-t': track.index, 'data-u': unit.index }),
        h('span', { text: gettext('Don’t know') }),
      ]));
    }
  } else {
    const name = 'g-' + track.index + '-' + unit.index;
    const options = r.grades.map(function (g) {
      return h('label', { className: 'grade' }, [
        h('input', { type: 'radio', name: name, value: g.key, 'data-t': track.index, 'data-u': unit.index }),
        h('span', { text: g.name }),
      ]);
    });
    if (r.abstain) {
      options.push(h('label', { className: 'grade grade-abstain' }, [
        h('input', { type: 'radio', name: name, value: ABSTAIN_VALUE, 'data-t': track.index, 'data-u': unit.index }),
        h('span', { text: gettext('Don’t know') }),
      ]));
    }
    kids.push(h('div', { className: 'grades', role: 'radiogroup', 'aria-labelledby': headId }, options));
  }
  return h('li', { className: 'unit', id: id, 'aria-labelledby': headId }, kids);
}

export function renderBallot() {
  const root = $('tracks');
  clear(root);
  S.tracks.forEach(function (track) {
    const statusId = 'track-' + track.index + '-status';
    root.appendChild(h('section', { className: 'track', id: 'track-' + track.index, 'aria-labelledby': 'track-' + track.index + '-name' }, [
      h('div', { className: 'track-status' }, [
        h('div', { className: 'track-line' }, [
          h('h2', { id: 'track-' + track.index + '-name', text: track.name }),
          h('div', { className: 'counters', id: statusId, 'aria-live': 'polite', 'aria-atomic': 'true' }, [
            h('span', { className: 'counter progress', id: statusId + '-progress' }),
            h('span', { className: 'counter quota', id: statusId + '-quota', hidden: true }),
          ]),
        ]),
        h('p', { className: 'track-msg', id: statusId + '-msg', role: 'alert' }),
      ]),
      h('p', { className: 'rubric-note', text: rubricNote(track) }),
      track.rubric.kind === 'ranking'
        ? renderRankTrack(track)
        : h('ol', { className: 'units' }, track.units.map(function (unit) { return renderUnit(track, unit); })),
    ]));
  });
  const restored = restoreDraft();
  syncControls();
  screen('ballot');
  banner('', '');
  $('saved').textContent = restored ? gettext('Your earlier scores on this phone were restored.') : '';
  lock(false);
  refresh();
}

function syncControls() {
  S.tracks.forEach(function (track) {
    if (track.rubric.kind === 'ranking') { normalizeRanks(track); paintRank(track); return; }
    track.units.forEach(function (unit) { if (!unit.bound) syncUnit(track, unit); });
  });
}

/** The unit's inputs as S.marks has them (after a restore, a stepper, a refused grade). */
export function syncUnit(track, unit) {
  if (track.rubric.kind === 'ranking') { paintRank(track); return; }
  const m = markOf(track.key, unit.key);
  const el = $(unitId(track, unit));
  if (track.rubric.kind === 'criteria') {
    track.rubric.criteria.forEach(function (c, ci) {
      const input = $(unitId(track, unit) + '-c' + ci);
      const text = m.c && m.c[c.key] !== undefined ? m.c[c.key] : '';
      if (input.value !== text) input.value = text;
      input.disabled = !!m.a;
    });
    el.querySelectorAll('button.step').forEach(function (b) { b.disabled = !!m.a; });
    const box = el.querySelector('input.abstain');
    if (box) box.checked = !!m.a;
  } else {
    const value = m.a ? ABSTAIN_VALUE : (m.g || '');
    el.querySelectorAll('input[type=radio]').forEach(function (radio) { radio.checked = radio.value === value; });
  }
}

/** Evaluate the ballot and paint every status: units, track counters, the submit bar. */
export function refresh() {
  const result = evaluate();
  result.tracks.forEach(function (entry) {
    const track = entry.track;
    const summary = entry.summary;
    track.units.forEach(function (unit) {
      if (unit.bound || track.rubric.kind === 'ranking') return;
      const st = entry.statuses[unit.key];
      const el = $(unitId(track, unit));
      el.classList.toggle('done', st.state === 'done');
      el.classList.toggle('bad', st.state === 'bad');
      el.classList.toggle('abstained', !!st.abstain);
      el.classList.toggle('refused', !!(S.refused && S.refused.track === track.key && S.refused.unit === unit.key));
      $(unitId(track, unit) + '-badge').textContent = st.state === 'done' ? (st.abstain ? gettext('Don’t know') : '✓') : '';
      if (track.rubric.kind === 'criteria') {
        track.rubric.criteria.forEach(function (c, ci) {
          const input = $(unitId(track, unit) + '-c' + ci);
          const problem = st.errors ? st.errors[c.key] : null;
          input.setAttribute('aria-invalid', problem ? 'true' : 'false');
          const err = $(unitId(track, unit) + '-c' + ci + '-err');
          if (err.textContent !== (problem || '')) err.textContent = problem || '';
        });
        const total = $(unitId(track, unit) + '-total');
        const max = track.rubric.criteria.reduce(function (sum, c) { return sum + c.max; }, 0);
        total.textContent = st.state === 'done' && !st.abstain
          ? gettext('Total %(total)s of %(max)s', { total: fixed(st.total, decimals(track.rubric.step || 1)), max: fixed(max, 2) })
          : '';
      }
    });
    const base = 'track-' + track.index + '-status';
    const progress = $(base + '-progress');
    progress.textContent = track.rubric.kind === 'ranking'
      ? gettext('Ranked %(done)s/%(total)s', { done: summary.done, total: summary.total })
      : gettext('Scored %(done)s/%(total)s', { done: summary.done, total: summary.total });
    progress.classList.toggle('complete', summary.done === summary.total);
    const quota = $(base + '-quota');
    if (summary.limit !== null) {
      show(quota, true);
      quota.textContent = track.rubric.grades[0].name + ' ' + summary.top + '/' + summary.limit;
      quota.setAttribute('aria-label', gettext('%(grade)s given %(count)s times, at most %(limit)s', {
        grade: track.rubric.grades[0].name, count: summary.top, limit: summary.limit,
      }));
      quota.classList.toggle('full', summary.top === summary.limit);
      quota.classList.toggle('over', summary.over);
    }
    $('track-' + track.index).classList.toggle('over', summary.over);
  });
  const reason = $('bar-reason');
  reason.textContent = result.ok ? gettext('All units are scored. Check, then submit.') : result.reason;
  reason.classList.toggle('ready', result.ok);
  S.target = result.target;
  reason.disabled = !result.target;
  if (!S.sending) {
    $('submit').disabled = !result.ok;
    if (!result.ok && S.confirming) confirmStep(false);
  }
  fitBar();
  return result;
}

/** Scroll to and focus a unit (its first input) or a track (its heading). */
export function goTo(target) {
  if (!target) return;
  const el = target.unit ? $(unitId(target.track, target.unit)) : $('track-' + target.track.index);
  if (!el) return;
  el.scrollIntoView({ block: 'center' });
  const focusable = target.unit ? el.querySelector('input:not([disabled]), button.pick, h3') : el.querySelector('h2');
  if (focusable) {
    if (focusable.tagName === 'H2') focusable.setAttribute('tabindex', '-1');
    try { focusable.focus({ preventScroll: true }); } catch (e) { focusable.focus(); }
  }
}
