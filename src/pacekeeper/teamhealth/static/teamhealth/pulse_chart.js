// The team health trend: the pulse score per closed period; hidden periods are gaps (no figure).
(function () {
  if (!window.echarts) { return; }
  var holder = document.getElementById("pulse-chart");
  var source = document.getElementById("pulse-chart-data");
  if (!holder || !source) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder, null, {renderer: "svg"});
  chart.setOption({
    grid: {left: 8, right: 16, top: 16, bottom: 8, containLabel: true},
    tooltip: {trigger: "axis"},
    xAxis: {type: "category", data: data.labels},
    yAxis: {type: "value", min: 1, max: 5},
    series: [{type: "line", data: data.values.map(function (v) { return v === null ? null : Number(v); }),
              connectNulls: false, itemStyle: {color: "#1f5fbf"}}],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
