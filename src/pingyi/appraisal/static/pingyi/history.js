/* pingyi — the rank chart of a unit's history page (an ES module). Data comes from the JSON
   island #history-data (CSP: no inline scripts); ECharts is loaded before this module by a
   classic deferred script. Rank 1 is drawn at the top. */
import { ready } from "./shared/dom.js";

function draw() {
  const island = document.getElementById("history-data");
  const box = document.getElementById("rank-chart");
  if (!island || !box || !window.echarts) { return; }
  const data = JSON.parse(island.textContent);
  const most = Math.max.apply(null, data.units.concat([2]));
  const chart = window.echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    animation: false,
    title: { text: data.title, left: "center", textStyle: { fontSize: 14, fontWeight: 600 } },
    grid: { left: 40, right: 24, top: 48, bottom: 56, containLabel: false },
    tooltip: {
      trigger: "axis",
      formatter: function (items) {
        const i = items[0].dataIndex, esc = window.echarts.format.encodeHTML;
        return esc(data.labels[i]) + "<br>" + esc(data.rankLabel) + " " +
          (data.ranks[i] === null ? "–" : data.ranks[i]) +
          (data.scores[i] ? " · " + esc(data.scores[i]) : "");
      }
    },
    xAxis: {
      type: "category", data: data.labels, boundaryGap: true,
      axisLabel: { interval: 0, width: 110, overflow: "break", fontSize: 11 }
    },
    yAxis: { type: "value", inverse: true, min: 1, max: most, minInterval: 1, name: data.rankLabel,
             nameLocation: "start", nameGap: 12 },
    series: [{
      type: "line", data: data.ranks, connectNulls: true, symbolSize: 10, lineStyle: { width: 3 },
      itemStyle: { color: "#b3261e" },
      label: { show: true, position: "top", fontWeight: 700 }
    }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
}
ready(draw);
