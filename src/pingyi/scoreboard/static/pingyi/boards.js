/* pingyi — the wall boards (计分牌大屏) and the public page of boards (docs/scoreboard.md).
 *
 * The page passes its data in the JSON island #boards-config:
 *   {boards: {key: data}, seconds, stream, words: {running, paused}}
 * Each board's chart is ECharts (loaded before this module by a classic deferred script); its
 * figures are also HTML text beside it (rendered by the server, replaced on a live update), so
 * a screen reader reads the same numbers. Every word comes translated from the server.
 *
 * On the wall (body.wall) one board shows at a time and the next comes every `seconds`
 * seconds; any key pauses or resumes, ← and → go back and forth. The stream (Server-Sent
 * Events) sends a board's new data when it changes ("board") and "withdrawn" when a board is
 * no longer public. No inline scripts (CSP script-src 'self').
 */
import { readJSON } from './shared/dom.js';

const config = readJSON('boards-config');
const wall = document.body.classList.contains('wall');
const reduced = window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches;
const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';
const INK = '#1d1b20';
const charts = {};
const data = config.boards || {};

function sections() { return Array.prototype.slice.call(document.querySelectorAll('section.board')); }
function sectionOf(key) { return document.querySelector('section.board[data-board="' + key + '"]'); }

/* ------------------------------------------------------------------ the charts */

function sizes(node) {
  const big = node.clientWidth >= 900;
  return { big: big, font: big ? 30 : 13, small: big ? 24 : 11 };
}

/* The rows that fit at a readable size (≥ 36 px a row on the wall): the least pressing ones
 * left out are counted in a note under the chart (the text beside it has them all). */
function fit(rows, node, s, reserved) {
  if (!s.big) return { rows: rows, more: 0 };
  const room = Math.max(1, Math.floor((node.clientHeight - reserved) / 36));
  return rows.length > room ? { rows: rows.slice(0, room - 1), more: rows.length - room + 1 } : { rows: rows, more: 0 };
}

function moreNote(more, s) {
  if (!more) return [];
  const words = (config.words && config.words.more) || '+%(n)s';
  return [{ type: 'text', left: 8, bottom: 0, style: { text: words.replace('%(n)s', String(more)),
    fontSize: s.small, fontWeight: 600, fill: '#3d3d3d', fontFamily: FONT } }];
}

function barOption(all, s, opts) {
  const cut = fit(all, opts.node, s, 16);
  const rows = cut.rows;
  return {
    graphic: moreNote(cut.more, s),
    animation: !reduced,
    textStyle: { fontFamily: FONT, color: INK },
    grid: { left: 8, right: opts.right, top: 8, bottom: cut.more ? 44 : 8, containLabel: true },
    xAxis: { type: 'value', min: 0, max: opts.max, show: false },
    yAxis: {
      type: 'category', inverse: true, data: rows.map(opts.category),
      axisTick: { show: false }, axisLine: { show: false },
      axisLabel: { fontSize: s.font, fontWeight: 600, color: INK, fontFamily: FONT, margin: s.big ? 20 : 8, interval: 0 },
    },
    series: [{
      type: 'bar', barCategoryGap: '28%',
      data: rows.map(function (r) {
        return {
          value: opts.value(r),
          itemStyle: { color: opts.colour(r), borderRadius: [0, 6, 6, 0] },
        };
      }),
      label: { show: true, position: 'right', fontSize: s.font, fontWeight: 700, color: INK, fontFamily: FONT,
        formatter: function (p) { return rows[p.dataIndex].label; } },
    }],
  };
}

function arenaOption(d, s, node) {
  return barOption(d.rows, s, {
    node: node, right: s.big ? 360 : 120, max: 'dataMax',
    category: function (r) { return r.rank + '  ' + r.name; },
    value: function (r) { return r.value; },
    colour: function (r) { return r.red ? '#b3261e' : (r.black ? '#3d3d3d' : '#2b5797'); },
  });
}

function shareOption(d, s, node) {
  return barOption(d.rows, s, {
    node: node, right: s.big ? 420 : 140, max: 100,
    category: function (r) { return r.name; },
    value: function (r) { return r.value === null ? 0 : r.value; },
    colour: function (r) { return r.all_red ? '#b3261e' : '#2b5797'; },
  });
}

function noticesOption(d, s, node) {
  const cut = fit(d.rows, node, s, (s.big ? 70 : 36) + 16);
  const rows = cut.rows;
  const colours = { blue: '#1f5fbf', yellow: '#f2c230', red: '#b3261e' };
  const ink = { blue: '#ffffff', yellow: INK, red: '#ffffff' };
  return {
    animation: !reduced,
    textStyle: { fontFamily: FONT, color: INK },
    legend: {
      top: 0, left: 'center', itemWidth: s.big ? 44 : 18, itemHeight: s.big ? 28 : 12, itemGap: s.big ? 48 : 12,
      textStyle: { fontSize: s.font, fontWeight: 600, color: INK, fontFamily: FONT },
      data: d.series.map(function (x) { return x.name; }),
    },
    graphic: moreNote(cut.more, s),
    grid: { left: 8, right: s.big ? 40 : 12, top: s.big ? 70 : 36, bottom: cut.more ? 44 : 8, containLabel: true },
    xAxis: { type: 'value', min: 0, minInterval: 1, show: false },
    yAxis: {
      type: 'category', inverse: true, data: rows.map(function (r) { return r.label; }),
      axisTick: { show: false }, axisLine: { show: false },
      axisLabel: { fontSize: s.font, fontWeight: 600, color: INK, fontFamily: FONT, interval: 0 },
    },
    series: d.series.map(function (x) {
      return {
        type: 'bar', stack: 'open', name: x.name, barCategoryGap: '28%',
        itemStyle: { color: colours[x.key] },
        label: {
          show: true, fontSize: s.font, fontWeight: 700, color: ink[x.key], fontFamily: FONT,
          formatter: function (p) { return p.value ? String(p.value) : ''; },
        },
        data: rows.map(function (r) { return r[x.key]; }),
      };
    }),
  };
}

function pipelineOption(d, s) {
  const colours = ['#1f4e8c', '#1b6b3a', '#8a4b08'];
  const n = d.rows.length || 1;
  const width = 100 / n;
  return {
    animation: !reduced,
    textStyle: { fontFamily: FONT, color: INK },
    title: d.rows.map(function (b, i) {
      return {
        text: b.name, left: (i * width + width / 2) + '%', top: 0, textAlign: 'center',
        textStyle: { fontSize: s.font, fontWeight: 700, color: INK, fontFamily: FONT },
      };
    }),
    series: d.rows.map(function (b, i) {
      const top = Math.max(1, b.stages[0].count);
      return {
        type: 'funnel', sort: 'none', min: 0, max: top, minSize: '48%', gap: s.big ? 6 : 3,
        left: (i * width + 3) + '%', width: (width - 6) + '%', top: s.big ? 64 : 32, bottom: 4,
        label: { show: true, position: 'inside', fontSize: s.font, fontWeight: 700, color: '#ffffff', fontFamily: FONT,
          textBorderWidth: 0, textBorderColor: 'transparent',
          formatter: function (p) { return p.data.text; } },
        itemStyle: { borderWidth: 0 },
        data: b.stages.map(function (st, k) {
          return { name: st.name, value: st.count, text: st.label, itemStyle: { color: colours[k] } };
        }),
      };
    }),
  };
}

function optionFor(d, node) {
  const s = sizes(node);
  if (d.key === 'arena') return arenaOption(d, s, node);
  if (d.key === 'notices') return noticesOption(d, s, node);
  if (d.key === 'targets' || d.key === 'weekly') return shareOption(d, s, node);
  if (d.key === 'pipeline') return pipelineOption(d, s);
  return {};
}

function draw(key) {
  const section = sectionOf(key);
  const d = data[key];
  if (!section || !d || section.hidden || typeof echarts === 'undefined') return;
  const node = section.querySelector('.board-chart');
  node.hidden = !!d.empty;
  if (d.empty) return;
  let chart = charts[key];
  if (!chart) {
    chart = charts[key] = echarts.init(node, null, { renderer: 'canvas' });
  } else {
    chart.resize();
  }
  chart.setOption(optionFor(d, node), true);
  // the figures are in the text beside the chart: the canvas itself is not read out
  Array.prototype.forEach.call(node.querySelectorAll('canvas, div'), function (el) { el.setAttribute('aria-hidden', 'true'); });
}

function drawAll() { Object.keys(data).forEach(draw); }

/* ------------------------------------------------------------------ live updates */

function apply(message) {
  const d = message.data;
  data[d.key] = d;
  const section = sectionOf(d.key);
  if (!section) return;
  const back = !!section.dataset.withdrawn;  // public again after the office took it back
  delete section.dataset.withdrawn;
  if (!wall) section.hidden = false;
  section.querySelector('[data-field="title"]').textContent = d.title;
  section.querySelector('[data-field="subtitle"]').textContent = d.subtitle;
  section.querySelector('[data-field="text"]').innerHTML = message.text;  // the server's escaped HTML
  section.dataset.version = String((Number(section.dataset.version) || 0) + 1);
  if (wall && back && live().length === 1) { show(0); restart(); }
  draw(d.key);
}

function withdraw(key) {
  const section = sectionOf(key);
  if (!section) return;
  section.dataset.withdrawn = '1';
  delete data[key];
  if (charts[key]) { charts[key].dispose(); delete charts[key]; }
  section.querySelector('[data-field="text"]').textContent = '';
  section.hidden = true;
  if (wall) show(current);
}

function connect() {
  if (!config.stream || typeof EventSource === 'undefined') return;
  const conn = document.getElementById('conn');
  let source = null;
  let backoff = 2000;
  let heard = Date.now();
  function seen() { heard = Date.now(); if (conn) conn.hidden = true; }
  function open() {
    if (source) source.close();
    source = new EventSource(config.stream);
    source.onopen = function () { backoff = 2000; seen(); };
    source.addEventListener('board', function (e) { seen(); try { apply(JSON.parse(e.data)); } catch (err) { /* a bad message: keep what is shown */ } });
    source.addEventListener('withdrawn', function (e) { seen(); try { withdraw(JSON.parse(e.data).key); } catch (err) { /* ignore */ } });
    source.addEventListener('ping', seen);
    source.addEventListener('bye', seen);
    source.onerror = function () {
      if (conn) conn.hidden = false;
      if (source.readyState === EventSource.CLOSED) {
        const wait = backoff;
        backoff = Math.min(backoff * 2, 30000);
        setTimeout(open, wait);
      }
    };
  }
  // a stream gone silent (no heartbeat for 45 s: a proxy dropped it) is opened again
  setInterval(function () { if (Date.now() - heard > 45000) { heard = Date.now(); open(); } }, 5000);
  open();
}

/* ------------------------------------------------------------------ the rotation (wall) */

let current = 0;
let paused = false;
let timer = null;

function live() { return sections().filter(function (s) { return !s.dataset.withdrawn; }); }

function show(index) {
  const list = live();
  if (!list.length) return;
  current = ((index % list.length) + list.length) % list.length;
  sections().forEach(function (s) { s.hidden = true; });
  list[current].hidden = false;
  const dots = document.querySelectorAll('#wall-pages .dot');
  Array.prototype.forEach.call(dots, function (dot, i) { dot.classList.toggle('on', sections()[i] === list[current]); });
  draw(list[current].dataset.board);
}

function status() {
  const node = document.getElementById('wall-status');
  if (!node || live().length < 2) return;
  node.textContent = paused ? config.words.paused : config.words.running;
  document.body.classList.toggle('is-paused', paused);
}

function restart() {
  if (timer) clearInterval(timer);
  timer = null;
  if (!paused && live().length > 1) {
    timer = setInterval(function () { show(current + 1); }, Math.max(5, config.seconds) * 1000);
  }
}

function rotation() {
  show(0);
  restart();
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.key === 'Tab' || e.key === 'Shift') return;
    if (e.key === 'ArrowRight' || e.key === 'PageDown') { show(current + 1); restart(); return; }
    if (e.key === 'ArrowLeft' || e.key === 'PageUp') { show(current - 1); restart(); return; }
    paused = !paused;
    status();
    restart();
    e.preventDefault();
  });
}

function start() {
  if (wall) rotation(); else drawAll();
  connect();
  let pending = null;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); draw(k); }); }, 150);
  });
}

// ECharts comes by a classic deferred script, which runs before module scripts.
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
