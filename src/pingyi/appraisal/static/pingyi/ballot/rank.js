/* A ranking track (季观摩, the Jining method): the evaluator orders the units by tapping them
 * in order (1st, 2nd, …), with "undo" and "clear"; a ranked unit moves with the ↑/↓ buttons
 * (keyboard) or by dragging its handle (pointer events). S.marks[track][unit] = {r: rank};
 * the ranks on a ballot are always 1…(number ranked): every action keeps them so. */
import { $, clear, h } from '../shared/dom.js';
import { gettext } from '../shared/i18n.js';
import { S, markOf } from './state.js';

const history = {};  // per track key: earlier orders, for "undo" (this page only)

function number(value) { return String(Number(value.toFixed(6))); }

/** The units still to rank (not bound) in running order, and the ranked ones in rank order. */
export function orderOf(track) {
  const ranked = [];
  const pool = [];
  track.units.forEach(function (unit) {
    if (unit.bound) return;
    const m = markOf(track.key, unit.key);
    if (typeof m.r === 'number') ranked.push(unit); else pool.push(unit);
  });
  ranked.sort(function (a, b) { return markOf(track.key, a.key).r - markOf(track.key, b.key).r; });
  return { ranked: ranked, pool: pool };
}

function setOrder(track, units) {
  track.units.forEach(function (unit) { if (!unit.bound) delete markOf(track.key, unit.key).r; });
  units.forEach(function (unit, i) { markOf(track.key, unit.key).r = i + 1; });
}

/** Ranks kept on the phone made 1…m again (a draft of another running order, say). */
export function normalizeRanks(track) { setOrder(track, orderOf(track).ranked); }

function remember(track) {
  const stack = history[track.key] || (history[track.key] = []);
  stack.push(orderOf(track).ranked.map(function (u) { return u.key; }));
  if (stack.length > 200) stack.shift();
}

function points(track, rank) {
  const r = track.rubric;
  return number(Number(r.first === undefined ? 100 : r.first) - Number(r.step === undefined ? 3 : r.step) * (rank - 1));
}

export function rankNote(track) {
  const r = track.rubric;
  return gettext('Tap the units in order, the best first: 1st %(first)s points, each next rank %(step)s less. Move a unit with ↑ ↓ or drag it by ⠿.', {
    first: points(track, 1), step: number(Number(r.step === undefined ? 3 : r.step)),
  });
}

function ids(track) {
  const base = 'rank-' + track.index;
  return { ranked: base + '-ranked', pool: base + '-pool', live: base + '-live', undo: base + '-undo', clear: base + '-clear' };
}

/** The ranking track's body: the tools, the ranked list, the units to tap. */
export function renderRankTrack(track) {
  const id = ids(track);
  const bound = track.units.filter(function (u) { return u.bound; })[0];
  return h('div', { className: 'rank-body' }, [
    h('div', { className: 'rank-tools' }, [
      h('button', { type: 'button', className: 'btn', id: id.undo, 'data-rank': 'undo', 'data-t': track.index, text: gettext('Undo') }),
      h('button', { type: 'button', className: 'btn', id: id.clear, 'data-rank': 'clear', 'data-t': track.index, text: gettext('Clear') }),
    ]),
    h('p', { className: 'sr-only', id: id.live, 'aria-live': 'polite' }),
    h('h3', { className: 'rank-head', id: id.ranked + '-h', text: gettext('Your order') }),
    h('ol', { className: 'ranked', id: id.ranked, 'aria-labelledby': id.ranked + '-h' }),
    h('h3', { className: 'rank-head', id: id.pool + '-h', text: gettext('Still to rank: tap the next one') }),
    h('ul', { className: 'pool', id: id.pool, 'aria-labelledby': id.pool + '-h' }),
    bound ? h('p', { className: 'bound-note', text: gettext('%(unit)s is your own unit: it is not ranked.', { unit: bound.name }) }) : null,
  ]);
}

function unitLabel(unit) {
  return unit.presenter ? unit.name + ' · ' + unit.presenter : unit.name;
}

/** Draw both lists from S.marks. */
export function paintRank(track) {
  const id = ids(track);
  const order = orderOf(track);
  const list = $(id.ranked);
  const pool = $(id.pool);
  if (!list || !pool) return;
  clear(list);
  clear(pool);
  const last = order.ranked.length;
  order.ranked.forEach(function (unit, i) {
    const rank = i + 1;
    list.appendChild(h('li', { className: 'ranked-unit', id: 'u-' + track.index + '-' + unit.index, 'data-t': track.index, 'data-u': unit.index }, [
      h('span', { className: 'rank-no', text: String(rank) }),
      h('span', { className: 'rank-name' }, [
        h('span', { className: 'rank-unit', text: unit.name }),
        unit.presenter ? h('span', { className: 'rank-project', text: unit.presenter }) : null,
        h('span', { className: 'rank-points', text: gettext('%(points)s points', { points: points(track, rank) }) }),
      ]),
      h('span', { className: 'rank-move' }, [
        h('button', {
          type: 'button', className: 'move', 'data-rank': 'up', 'data-t': track.index, 'data-u': unit.index, disabled: rank === 1,
          'aria-label': gettext('Move %(unit)s up (now %(rank)s)', { unit: unit.name, rank: rank }), text: '↑',
        }),
        h('button', {
          type: 'button', className: 'move', 'data-rank': 'down', 'data-t': track.index, 'data-u': unit.index, disabled: rank === last,
          'aria-label': gettext('Move %(unit)s down (now %(rank)s)', { unit: unit.name, rank: rank }), text: '↓',
        }),
        h('span', { className: 'drag', 'aria-hidden': 'true', title: gettext('Drag to move'), text: '⠿' }),
      ]),
    ]));
  });
  const next = order.ranked.length + 1;
  order.pool.forEach(function (unit) {
    pool.appendChild(h('li', { id: 'u-' + track.index + '-' + unit.index }, [
      h('button', {
        type: 'button', className: 'pick', 'data-rank': 'pick', 'data-t': track.index, 'data-u': unit.index,
        'aria-label': gettext('Rank %(unit)s %(rank)s', { unit: unitLabel(unit), rank: next }),
      }, [
        h('span', { className: 'pick-name', text: unit.name }),
        unit.presenter ? h('span', { className: 'rank-project', text: unit.presenter }) : null,
      ]),
    ]));
  });
  $(id.undo).disabled = !(history[track.key] && history[track.key].length);
  $(id.clear).disabled = !order.ranked.length;
}

function say(track, text) { $(ids(track).live).textContent = text; }

function whereOf(el) {
  const track = S.tracks[Number(el.getAttribute('data-t'))];
  if (!track || track.rubric.kind !== 'ranking') return null;
  const u = el.getAttribute('data-u');
  const unit = u === null ? null : track.units.filter(function (x) { return x.index === Number(u); })[0];
  return { track: track, unit: unit || null };
}

function focusAfter(track, act, unit) {
  const id = ids(track);
  let target = null;
  if (act === 'pick') target = $(id.pool).querySelector('button.pick') || $('submit');
  else if (act === 'up' || act === 'down') {
    const li = $('u-' + track.index + '-' + unit.index);
    target = li && li.querySelector('button[data-rank="' + act + '"]:not([disabled])');
    if (!target && li) target = li.querySelector('button.move:not([disabled])');
  } else target = $(id.pool).querySelector('button.pick') || $(id.undo);
  if (target && !target.disabled) target.focus();
}

// What an edit of the order sets off (edit.js's `changed`: the draft, the bar, the checks),
// handed in by ballot.js so that this module imports nothing above it (no import circle).
let changed = function () {};

/** ballot.js: the function to call after each edit of an order. */
export function onRankEdited(callback) {
  changed = callback;
}

function edited(track, act, unit) {
  paintRank(track);
  if (unit) changed(track, unit); else changed(track, track.units[0]);
  focusAfter(track, act, unit);
}

/** Taps and the ↑/↓ buttons, "undo" and "clear" (delegated from #tracks). */
export function onRankClick(event) {
  const button = event.target.closest ? event.target.closest('button[data-rank]') : null;
  if (!button || button.disabled) return;
  const where = whereOf(button);
  if (!where) return;
  const track = where.track;
  const act = button.getAttribute('data-rank');
  const ranked = orderOf(track).ranked;
  if (act === 'pick' && where.unit) {
    remember(track);
    ranked.push(where.unit);
    setOrder(track, ranked);
    say(track, gettext('%(unit)s: rank %(rank)s', { unit: where.unit.name, rank: ranked.length }));
  } else if ((act === 'up' || act === 'down') && where.unit) {
    const i = ranked.indexOf(where.unit);
    const j = act === 'up' ? i - 1 : i + 1;
    if (i < 0 || j < 0 || j >= ranked.length) return;
    remember(track);
    ranked[i] = ranked[j];
    ranked[j] = where.unit;
    setOrder(track, ranked);
    say(track, gettext('%(unit)s: rank %(rank)s', { unit: where.unit.name, rank: j + 1 }));
  } else if (act === 'undo') {
    const stack = history[track.key] || [];
    if (!stack.length) return;
    const keys = stack.pop();
    setOrder(track, keys.map(function (k) { return track.units.filter(function (u) { return u.key === k; })[0]; }).filter(Boolean));
    say(track, gettext('Undone: %(count)s units ranked.', { count: keys.length }));
  } else if (act === 'clear') {
    remember(track);
    setOrder(track, []);
    say(track, gettext('Cleared: no unit ranked.'));
  } else {
    return;
  }
  edited(track, act, where.unit);
}

/** Dragging a ranked unit by its handle: the list reorders under the finger; on release the
 * new order is kept (one step for "undo"). The handle has touch-action: none, so a finger
 * drags instead of scrolling the page. */
export function onRankPointerDown(event) {
  const handle = event.target.closest ? event.target.closest('.drag') : null;
  if (!handle) return;
  const li = handle.closest('li.ranked-unit');
  const where = li && whereOf(li);
  if (!where || !where.unit || $('ballot-fields').disabled) return;
  event.preventDefault();
  const list = li.parentNode;
  const track = where.track;
  li.classList.add('dragging');
  function move(ev) {
    const others = Array.prototype.filter.call(list.children, function (x) { return x !== li; });
    let before = null;
    for (let i = 0; i < others.length; i += 1) {
      const box = others[i].getBoundingClientRect();
      if (ev.clientY < box.top + box.height / 2) { before = others[i]; break; }
    }
    if (before !== li.nextSibling) list.insertBefore(li, before);
  }
  function up() {
    document.removeEventListener('pointermove', move);
    document.removeEventListener('pointerup', up);
    document.removeEventListener('pointercancel', up);
    li.classList.remove('dragging');
    const keys = Array.prototype.map.call(list.children, function (x) { return Number(x.getAttribute('data-u')); });
    const units = keys.map(function (k) { return track.units.filter(function (u) { return u.index === k; })[0]; });
    const before = orderOf(track).ranked;
    if (units.every(function (u, i) { return u === before[i]; })) { paintRank(track); return; }
    remember(track);
    setOrder(track, units);
    say(track, gettext('%(unit)s: rank %(rank)s', { unit: where.unit.name, rank: units.indexOf(where.unit) + 1 }));
    edited(track, 'drag', where.unit);
  }
  // On the document, not the handle: moving the item in the list releases a pointer capture.
  document.addEventListener('pointermove', move);
  document.addEventListener('pointerup', up);
  document.addEventListener('pointercancel', up);
}
