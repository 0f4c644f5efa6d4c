/* pingyi big screen (and the live connection the console shares).
 *
 * PingyiLive.connect(config, handlers): Server-Sent Events from config.stream with named
 * events "state", "counts", "reveal" (and "ping" heartbeats, "bye" when the server ends
 * the stream). EventSource reconnects by itself after a dropped connection; when the
 * browser gives up (a proxy's 502 during a restart, a 403) we reopen it with a back-off,
 * and a watchdog reopens a stream that went silent (no heartbeat for 40 s).
 * handlers.status("live" | "reconnecting") drives the small "Reconnecting…" indicator.
 *
 * No inline scripts (CSP script-src 'self'): the page passes its data in the JSON island
 * #live-config: {stream, poll, snapshot, strings}.
 */
(function () {
  "use strict";

  function readConfig() {
    var node = document.getElementById("live-config");
    return node ? JSON.parse(node.textContent) : null;
  }

  function connect(config, handlers) {
    var source = null;
    var backoff = 1000;
    var lastMessage = Date.now();
    var shownTimer = null;
    var isLive = false;

    function status(value) {
      if (value === "live") {
        isLive = true;
        if (shownTimer) { clearTimeout(shownTimer); shownTimer = null; }
        handlers.status && handlers.status("live");
      } else if (isLive || !shownTimer) {
        // Only say "reconnecting" if it lasts: a planned stream end reconnects in 1 s.
        isLive = false;
        if (!shownTimer) {
          shownTimer = setTimeout(function () {
            shownTimer = null;
            if (!isLive) handlers.status && handlers.status("reconnecting");
          }, 1500);
        }
      }
    }

    function seen() { lastMessage = Date.now(); status("live"); }

    function listen(name) {
      source.addEventListener(name, function (e) {
        seen();
        var data = null;
        try { data = JSON.parse(e.data); } catch (err) { return; }
        if (handlers[name]) handlers[name](data);
      });
    }

    function open() {
      if (source) source.close();
      source = new EventSource(config.stream);
      source.onopen = function () { backoff = 1000; seen(); };
      ["state", "counts", "reveal"].forEach(listen);
      source.addEventListener("ping", seen);
      source.addEventListener("bye", seen);
      source.addEventListener("gone", function () { source.close(); status("reconnecting"); });
      source.onerror = function () {
        status("reconnecting");
        if (source.readyState === EventSource.CLOSED) {
          var wait = backoff;
          backoff = Math.min(backoff * 2, 10000);
          setTimeout(open, wait);
        }
      };
    }

    setInterval(function () {
      if (Date.now() - lastMessage > 40000) {
        lastMessage = Date.now();
        status("reconnecting");
        open();
      }
    }, 5000);
    open();
    return { reopen: open };
  }

  window.PingyiLive = { connect: connect, readConfig: readConfig };

  /* ------------------------------------------------------------------ the big screen */

  var root = document.getElementById("screen");
  if (!root) return;
  var config = readConfig();
  var T = config.strings;
  var FONT = '-apple-system, "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';
  var state = config.snapshot ? config.snapshot.state : "draft";
  var shownTrack = null;   // key of the ranking on screen
  var shownSignature = "";  // what was drawn (redraw only on a change)
  var tracks = {};
  var chart = null;
  var breakdownOn = false;

  function $(id) { return document.getElementById(id); }
  function text(node, value) { if (node) node.textContent = value; }
  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined && content !== null) node.textContent = content;
    return node;
  }

  function applyState(s) {
    state = s.state;
    root.dataset.state = s.state;
    var badge = $("screen-state");
    badge.className = "screen-state state-" + s.state;
    text(badge, T["state_" + s.state] || s.state);
    text($("screen-title"), s.name);
    $("rehearsal-strip").hidden = !s.rehearsal;
    $("join").hidden = !(s.state === "draft" || s.state === "open");
    var message = "";
    if (s.state === "draft") message = T.waiting_open;
    else if (s.state === "closed" || s.state === "published") message = T.waiting_results;
    text($("screen-message"), message);
    $("screen-message").hidden = !message;
    if (s.state !== "closed" && s.state !== "published") showWaiting();
  }

  function applyCounts(c) {
    text($("total-cast"), String(c.cast));
    text($("total-of"), c.expected ? "/ " + c.expected : "");
    var list = $("panel-bars");
    c.panels.forEach(function (p) {
      var row = list.querySelector('[data-panel="' + p.key + '"]');
      if (!row) {
        row = el("li");
        row.dataset.panel = p.key;
        row.appendChild(el("span", "pname", p.name));
        var bar = el("span", "pbar");
        bar.appendChild(el("span", "pfill"));
        row.appendChild(bar);
        row.appendChild(el("span", "pnum"));
        list.appendChild(row);
      }
      var base = p.expected || p.issued || 0;
      var share = base ? Math.min(100, (100 * p.cast) / base) : 0;
      row.querySelector(".pfill").style.width = share.toFixed(1) + "%";
      var num = row.querySelector(".pnum");
      num.textContent = "";
      var b = el("b", null, String(p.cast));
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
    var track = tracks[r.current];
    var signature = JSON.stringify(track);
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
    var count = {};
    ranking.forEach(function (u) { if (u.rank !== null) count[u.rank] = (count[u.rank] || 0) + 1; });
    return count;
  }

  function drawRanking(track) {
    text($("track-title"), track.name);
    var ranked = track.ranking.filter(function (u) { return u.rank !== null && u.score !== null; });
    var unranked = track.ranking.filter(function (u) { return u.rank === null || u.score === null; });
    var ties = tiedRanks(track.ranking);

    // The DOM copy of the ranking (screen readers, tests): exactly results.json's values.
    var list = $("ranking-list");
    list.textContent = "";
    track.ranking.forEach(function (u) {
      var li = el("li", null, (u.rank === null ? "—" : u.rank) + " " + u.name + " " + (u.score === null ? T.no_score : u.score) + " " + changeText(u.change));
      li.dataset.rank = u.rank === null ? "" : String(u.rank);
      li.dataset.unit = u.unit;
      li.dataset.score = u.score === null ? "" : u.score;
      li.dataset.change = u.change === null || u.change === undefined ? "" : String(u.change);
      list.appendChild(li);
    });
    $("unranked").hidden = unranked.length === 0;
    text($("unranked"), unranked.length ? T.no_score + ": " + unranked.map(function (u) { return u.name; }).join("、") : "");

    drawBreakdown(track);
    var chartNode = $("chart");
    chartNode.hidden = breakdownOn;
    $("breakdown").hidden = !breakdownOn;
    if (!window.echarts) return;
    if (!chart) chart = window.echarts.init(chartNode, null, { renderer: "canvas" });
    chart.clear();
    var n = Math.max(ranked.length, 1);
    var height = chartNode.clientHeight || 800;
    var size = Math.max(22, Math.min(54, Math.floor((height / n) * 0.5)));
    var values = ranked.map(function (u) { return Number(u.score); });
    var hi = values.length ? Math.max.apply(null, values) : 100;
    var lo = values.length ? Math.min.apply(null, values) : 0;
    // Bars start below the lowest score so that close scores stay distinguishable; the
    // exact scores are written beside every bar.
    var floor = Math.max(0, Math.floor(lo - Math.max((hi - lo) * 0.6, hi * 0.04, 1)));
    var compared = track.compared;
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
            var u = ranked[idx];
            var tie = ties[u.rank] > 1 ? " {tie|" + T.tie + "}" : "";
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
            var u = ranked[p.dataIndex];
            var arrow = changeText(u.change);
            var style = u.change > 0 ? "up" : u.change < 0 ? "down" : "same";
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
    var box = $("breakdown");
    box.textContent = "";
    var table = el("table", "breakdown-table");
    var head = el("tr");
    [T.rank, T.unit, T.score].concat(track.panels.map(function (p) { return p.name; }))
      .concat(track.compared ? [T.change] : [])
      .forEach(function (label) { head.appendChild(el("th", null, label)); });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    track.ranking.forEach(function (u) {
      var tr = el("tr");
      tr.dataset.unit = u.unit;
      tr.appendChild(el("td", "num rank", u.rank === null ? "—" : String(u.rank)));
      tr.appendChild(el("td", "name", u.name));
      tr.appendChild(el("td", "num score", u.score === null ? "—" : u.score));
      track.panels.forEach(function (p) {
        var entry = u.panels[p.key];
        var td = el("td", "num");
        td.textContent = entry ? entry.score : "—";
        if (entry) td.appendChild(el("small", null, " (" + entry.ballots + ")"));
        tr.appendChild(td);
      });
      if (track.compared) tr.appendChild(el("td", "num change", changeText(u.change)));
      body.appendChild(tr);
    });
    table.appendChild(body);
    box.appendChild(table);
    var note = el("p", "breakdown-note", T.ballots_note);
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

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
