/* The rules of a ballot, without the DOM: scores as typed (full-width digits, commas, steps,
 * the top-grade quota), what is missing or wrong per unit and track, and the one reason (and
 * where it leads) the submit bar shows. */
import { gettext } from '../shared/i18n.js';
import { S, markOf } from './state.js';

export function decimals(x) {
  const s = String(x);
  if (s.indexOf('e') >= 0 || s.indexOf('E') >= 0) return 12;
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
}

export function toHalfWidth(text) {
  return String(text).replace(/[\uFF10-\uFF19\uFF0E]/g, function (c) {
    return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
  });
}

export function parseScore(text) {
  if (text === undefined || text === null) return { empty: true };
  const s = toHalfWidth(text).trim().replace(/[,，。]/g, '.');
  if (s === '') return { empty: true };
  if (!/^\d+(\.\d+)?$/.test(s) && !/^\.\d+$/.test(s)) return { bad: true };
  return { value: Number(s) };
}

export function onStep(value, step) {
  const d = Math.max(decimals(value), decimals(step));
  if (d > 9) return false;
  const f = Math.pow(10, d);
  const a = Math.round(value * f);
  const b = Math.round(step * f);
  return b > 0 && Math.abs(value * f - a) < 1e-6 && a % b === 0;
}

export function fixed(value, places) { return String(Number(value.toFixed(places))); }

export function quotaLimit(share, graded) {
  // floor(q × graded) in integers: q has few decimal places (it is written in event.json).
  const d = Math.min(decimals(share), 9);
  const f = Math.pow(10, d);
  return Math.floor((Math.round(share * f) * graded) / f);
}

export function percent(share) { return fixed(share * 100, 2) + '%'; }

// --- what is missing or wrong ------------------------------------------------------------------

function checkCriterion(rubric, c, text) {
  const p = parseScore(text);
  if (p.empty) return { state: 'empty' };
  if (p.bad) return { state: 'bad', msg: gettext('Enter a number.') };
  if (p.value < 0 || p.value > c.max) return { state: 'bad', msg: gettext('Must be between 0 and %(max)s.', { max: c.max }) };
  const step = rubric.step || 1;
  if (!onStep(p.value, step)) return { state: 'bad', msg: gettext('Must be a multiple of %(step)s.', { step: step }) };
  return { state: 'ok', value: p.value };
}

export function unitStatus(track, unit) {
  if (unit.bound) return { state: 'bound' };
  const m = markOf(track.key, unit.key);
  if (m.a && track.rubric.abstain) return { state: 'done', abstain: true };
  const r = track.rubric;
  if (r.kind === 'ranking') return typeof m.r === 'number' ? { state: 'done', rank: m.r } : { state: 'todo' };
  if (r.kind === 'grades') {
    const known = r.grades.some(function (g) { return g.key === m.g; });
    return known ? { state: 'done', grade: m.g } : { state: 'todo' };
  }
  const out = { state: 'done', total: 0, errors: {}, firstBad: null };
  r.criteria.forEach(function (c) {
    const res = checkCriterion(r, c, m.c ? m.c[c.key] : undefined);
    if (res.state === 'bad') {
      out.state = 'bad';
      out.errors[c.key] = res.msg;
      if (!out.firstBad) out.firstBad = c;
    } else if (res.state === 'empty') {
      if (out.state === 'done') out.state = 'todo';
    } else {
      out.total += res.value;
    }
  });
  return out;
}

export function trackSummary(track, statuses) {
  const out = { total: 0, done: 0, abstained: 0, top: 0, limit: null, over: false, todo: [], bad: [] };
  track.units.forEach(function (unit) {
    const st = statuses[unit.key];
    if (st.state === 'bound') return;
    out.total += 1;
    if (st.state === 'done') out.done += 1;
    if (st.abstain) out.abstained += 1;
    if (st.state === 'todo') out.todo.push(unit);
    if (st.state === 'bad') out.bad.push(unit);
    if (track.rubric.kind === 'grades' && st.grade === track.rubric.grades[0].key) out.top += 1;
  });
  const q = track.rubric.top_grade_max_share;
  if (track.rubric.kind === 'grades' && q !== undefined && q !== null) {
    // Counted over the units that will be graded: every unit not bound and not abstained.
    out.limit = quotaLimit(q, out.total - out.abstained);
    out.over = out.top > out.limit;
  }
  return out;
}

export function evaluate() {
  const result = { tracks: [], reason: null, target: null, ok: true };
  let todoCount = 0;
  let firstTodo = null;
  S.tracks.forEach(function (track) {
    const statuses = {};
    track.units.forEach(function (unit) { statuses[unit.key] = unitStatus(track, unit); });
    const summary = trackSummary(track, statuses);
    result.tracks.push({ track: track, statuses: statuses, summary: summary });
    todoCount += summary.todo.length;
    if (!firstTodo && summary.todo.length) firstTodo = { track: track, unit: summary.todo[0] };
    if (!result.reason && summary.bad.length) {
      const unit = summary.bad[0];
      const st = statuses[unit.key];
      result.reason = gettext('Check %(unit)s, %(item)s: %(problem)s', { unit: unit.name, item: st.firstBad.name, problem: st.errors[st.firstBad.key] });
      result.target = { track: track, unit: unit };
    }
  });
  if (!result.reason) {
    result.tracks.forEach(function (entry) {
      if (result.reason || !entry.summary.over) return;
      result.reason = gettext('Too many %(grade)s in %(track)s: at most %(limit)s.', {
        grade: entry.track.rubric.grades[0].name, track: entry.track.name, limit: entry.summary.limit,
      });
      result.target = { track: entry.track, unit: null };
    });
  }
  if (!result.reason && todoCount && firstTodo.track.rubric.kind === 'ranking') {
    result.reason = gettext('%(count)s to rank in %(track)s; tap the next one, starting with %(unit)s.', {
      count: todoCount, track: firstTodo.track.name, unit: firstTodo.unit.name,
    });
    result.target = firstTodo;
  }
  if (!result.reason && todoCount) {
    result.reason = todoCount === 1
      ? gettext('1 unit still to score: %(unit)s.', { unit: firstTodo.unit.name })
      : gettext('%(count)s units still to score, starting with %(unit)s.', { count: todoCount, unit: firstTodo.unit.name });
    result.target = firstTodo;
  }
  result.ok = !result.reason;
  return result;
}
