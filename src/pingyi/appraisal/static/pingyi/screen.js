/* pingyi — the big screen (大屏): counts while voting is open, then each ranking as the office
 * reveals it (ECharts, loaded before this module by a classic deferred script).
 *
 * The page passes its data in the JSON island #live-config: {stream, poll, snapshot}; its
 * strings come from the #i18n island through gettext() (shared/i18n.js); the live
 * connection is shared/live.js. No inline scripts (CSP script-src 'self').
 */
import { $, ready } from './shared/dom.js';
import { gettext } from './shared/i18n.js';
import { connect, readConfig, stateLabel } from './shared/live.js';


const root = document.getElementById("screen");
const config = readConfig();
const FONT = '-apple-system, "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';
let state = config.snapshot ? config.snapshot.state : "draft";
let shownTrack = null;   // key of the ranking on screen
let shownSignature = "";  // what was drawn (redraw only on a change)
let tracks = {};
let chart = null;
let breakdownOn = false;

function text(node, value) { if (node) node.textContent = value; }
function el(tag, cls, content) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (content !== undefined && content !== null) node.textContent = content;
  return node;
}

function applyState(s) {
  state = s.state;
  root.dataset.state = s.state;
  const badge = $("screen-state");
  badge.className = "screen-state state-" + s.state;
  text(badge, stateLabel(s.state));
  text($("screen-title"), s.name);
  $("rehearsal-strip").hidden = !s.rehearsal;
  $("join").hidden = !(s.state === "draft" || s.state === "open");
  let message = "";
  if (s.state === "draft") message = gettext("Voting will open shortly.");
  else if (s.state === "closed" || s.state === "published") message = gettext("Voting has closed. The results will be announced shortly.");
  text($("screen-message"), message);
  $("screen-message").hidden = !message;
  if (s.state !== "closed" && s.state !== "published") showWaiting();
}

function applyCounts(c) {
  text($("total-cast"), String(c.cast));
  text($("total-of"), c.expected ? "/ " + c.expected : "");
  const list = $("panel-bars");
  c.panels.forEach(function (p) {
    let row = list.querySelector('[data-panel="' + p.key + '"]');
    if (!row) {
      row = el("li");
      row.dataset.panel = p.key;
      row.appendChild(el("span", "pname", p.name));
      const bar = el("span", "pbar");
      bar.appendChild(el("span", "pfill"));
      row.appendChild(bar);
      row.appendChild(el("span", "pnum"));
      list.appendChild(row);
    }
    const base = p.expected || p.issued || 0;
    const share = base ? Math.min(100, (100 * p.cast) / base) : 0;
    row.querySelector(".pfill").style.width = share.toFixed(1) + "%";
    const num = row.querySelector(".pnum");
    num.textContent = "";
    const b = el("b", null, String(p.cast));
    b.dataset.field = "cast";
    num.appendChild(b);
    if (p.expected) num.appendChild(document.createTextNode(" / " + p.expected));
    row.classList.toggle("quorum", p.quorum_met === true);
  });
}

function showWaiting() {
  shownTrack = null;
  shownSignature = "";
  root.dataset.mode = "waiting";
  $("ranking").hidden = true;
  $("waiting").hidden = false;
  $("toggle-breakdown").hidden = true;
  $("counts-note").hidden = false;
}

function applyReveal(r) {
  tracks = {};
  (r.tracks || []).forEach(function (t) { tracks[t.key] = t; });
  if (!r.current || !tracks[r.current] || (state !== "closed" && state !== "published")) {
    showWaiting();
    return;
  }
  const track = tracks[r.current];
  const signature = JSON.stringify(track);
  if (shownTrack === track.key && signature === shownSignature) return;
  shownTrack = track.key;
  shownSignature = signature;
  root.dataset.mode = "ranking";
  $("waiting").hidden = true;
  $("ranking").hidden = false;
  $("toggle-breakdown").hidden = false;
  $("counts-note").hidden = true;
  drawRanking(track);
}

function changeText(change) {
  if (change === null || change === undefined) return "";
  if (change > 0) return "▲" + change;
  if (change < 0) return "▼" + -change;
  return "—";
}

function tiedRanks(ranking) {
  const count = {};
  ranking.forEach(function (u) { if (u.rank !== null) count[u.rank] = (count[u.rank] || 0) + 1; });
  return count;
}

function drawRanking(track) {
  text($("track-title"), track.name);
  const ranked = track.ranking.filter(function (u) { return u.rank !== null && u.score !== null; });
  const unranked = track.ranking.filter(function (u) { return u.rank === null || u.score === null; });
  const ties = tiedRanks(track.ranking);

  // The DOM copy of the ranking (screen readers, tests): exactly results.json's values.
  const list = $("ranking-list");
  list.textContent = "";
  track.ranking.forEach(function (u) {
    const li = el("li", null, (u.rank === null ? "—" : u.rank) + " " + u.name + " " + (u.score === null ? gettext("no score") : u.score) + " " + changeText(u.change));
    li.dataset.rank = u.rank === null ? "" : String(u.rank);
    li.dataset.unit = u.unit;
    li.dataset.score = u.score === null ? "" : u.score;
    li.dataset.change = u.change === null || u.change === undefined ? "" : String(u.change);
    list.appendChild(li);
  });
  $("unranked").hidden = unranked.length === 0;
  text($("unranked"), unranked.length ? gettext("no score") + ": " + unranked.map(function (u) { return u.name; }).join("、") : "");

  drawBreakdown(track);
  const chartNode = $("chart");
  chartNode.hidden = breakdownOn;
  $("breakdown").hidden = !breakdownOn;
  if (!window.echarts) return;
  if (!chart) chart = window.echarts.init(chartNode, null, { renderer: "canvas" });
  chart.clear();
  const n = Math.max(ranked.length, 1);
  const height = chartNode.clientHeight || 800;
  const size = Math.max(22, Math.min(54, Math.floor((height / n) * 0.5)));
  const values = ranked.map(function (u) { return Number(u.score); });
  const hi = values.length ? Math.max.apply(null, values) : 100;
  const lo = values.length ? Math.min.apply(null, values) : 0;
  // Bars start below the lowest score so that close scores stay distinguishable; the
  // exact scores are written beside every bar.
  const floor = Math.max(0, Math.floor(lo - Math.max((hi - lo) * 0.6, hi * 0.04, 1)));
  const compared = track.compared;
  chart.setOption({
    animationDuration: 1400,
    animationEasing: "cubicOut",
    animationDelay: function (idx) { return (n - 1 - idx) * 220; },
    textStyle: { fontFamily: FONT },
    grid: { left: 40, right: compared ? 330 : 220, top: 10, bottom: 10, containLabel: true },
    xAxis: { type: "value", min: floor, max: hi, show: false },
    yAxis: {
      type: "category",
      inverse: true,
      data: ranked.map(function (u) { return u.unit; }),
      axisLine: { show: false },
      axisTick: { show: false },
      axisLabel: {
        margin: 24,
        formatter: function (value, idx) {
          const u = ranked[idx];
          const tie = ties[u.rank] > 1 ? " {tie|" + gettext("tie") + "}" : "";
          return "{rank|" + u.rank + "}" + tie + "  {name|" + u.name + "}";
        },
        rich: {
          rank: { fontSize: size, fontWeight: 800, color: "#b3261e", width: size * 1.6, align: "right", fontFamily: FONT },
          tie: { fontSize: Math.round(size * 0.5), color: "#8c1d18", backgroundColor: "#fde6e3", padding: [4, 8], borderRadius: 6, fontFamily: FONT },
          name: { fontSize: size, fontWeight: 700, color: "#1d1b20", fontFamily: FONT },
        },
      },
    },
    series: [{
      type: "bar",
      barWidth: "62%",
      data: ranked.map(function (u, idx) {
        return {
          value: Number(u.score),
          itemStyle: {
            borderRadius: [0, 10, 10, 0],
            color: new window.echarts.graphic.LinearGradient(0, 0, 1, 0, [
              { offset: 0, color: u.rank <= 3 ? "#d8342b" : "#e0776f" },
              { offset: 1, color: u.rank <= 3 ? "#a31d16" : "#c9453c" },
            ]),
          },
        };
      }),
      label: {
        show: true,
        position: "right",
        distance: 16,
        formatter: function (p) {
          const u = ranked[p.dataIndex];
          const arrow = changeText(u.change);
          const style = u.change > 0 ? "up" : u.change < 0 ? "down" : "same";
          return "{score|" + u.score + "}" + (compared && arrow ? "  {" + style + "|" + arrow + "}" : "");
        },
        rich: {
          score: { fontSize: size, fontWeight: 800, color: "#1d1b20", fontFamily: FONT },
          up: { fontSize: Math.round(size * 0.8), fontWeight: 700, color: "#c62828", fontFamily: FONT },
          down: { fontSize: Math.round(size * 0.8), fontWeight: 700, color: "#2e7d32", fontFamily: FONT },
          same: { fontSize: Math.round(size * 0.8), color: "#5f5b66", fontFamily: FONT },
        },
      },
    }],
  }, true);
}

function drawBreakdown(track) {
  const box = $("breakdown");
  box.textContent = "";
  const table = el("table", "breakdown-table");
  const head = el("tr");
  [gettext("Rank"), gettext("Unit"), gettext("Score")].concat(track.panels.map(function (p) { return p.name; }))
    .concat(track.compared ? [gettext("Change")] : [])
    .forEach(function (label) { head.appendChild(el("th", null, label)); });
  const thead = el("thead");
  thead.appendChild(head);
  table.appendChild(thead);
  const body = el("tbody");
  track.ranking.forEach(function (u) {
    const tr = el("tr");
    tr.dataset.unit = u.unit;
    tr.appendChild(el("td", "num rank", u.rank === null ? "—" : String(u.rank)));
    tr.appendChild(el("td", "name", u.name));
    tr.appendChild(el("td", "num score", u.score === null ? "—" : u.score));
    track.panels.forEach(function (p) {
      const entry = u.panels[p.key];
      const td = el("td", "num");
      td.textContent = entry ? entry.score : "—";
      if (entry) td.appendChild(el("small", null, " (" + entry.ballots + ")"));
      tr.appendChild(td);
    });
    if (track.compared) tr.appendChild(el("td", "num change", changeText(u.change)));
    body.appendChild(tr);
  });
  table.appendChild(body);
  box.appendChild(table);
  const note = el("p", "breakdown-note", gettext("In brackets: the ballots counted from each panel."));
  box.appendChild(note);
}

function toggleBreakdown() {
  if (!shownTrack) return;
  breakdownOn = !breakdownOn;
  $("toggle-breakdown").setAttribute("aria-pressed", breakdownOn ? "true" : "false");
  $("breakdown").hidden = !breakdownOn;
  $("chart").hidden = breakdownOn;
  if (!breakdownOn && tracks[shownTrack]) drawRanking(tracks[shownTrack]);
}

$("toggle-breakdown").addEventListener("click", toggleBreakdown);
document.addEventListener("keydown", function (e) {
  if (e.key === "p" || e.key === "P") toggleBreakdown();
  if ((e.key === "f" || e.key === "F") && document.documentElement.requestFullscreen) {
    document.documentElement.requestFullscreen().catch(function () {});
  }
});
window.addEventListener("resize", function () { if (chart) chart.resize(); });

function applySnapshot(s) {
  if (!s) return;
  applyState(s);
  applyCounts(s.counts);
  applyReveal({ current: s.current, tracks: s.revealed });
}

function start() {
  applySnapshot(config.snapshot);
  connect(config, {
    state: applyState,
    counts: applyCounts,
    reveal: applyReveal,
    status: function (s) { $("conn").hidden = s === "live"; root.dataset.live = s; },
  });
}

ready(start);
