// Overview chart: sales by team as horizontal bars; the same numbers are in the table below it.
(function () {
  var holder = document.getElementById("team-chart");
  var source = document.getElementById("team-chart-data");
  if (!holder || !source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder, null, {renderer: "svg"});
  chart.setOption({
    grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    xAxis: {type: "value", axisLabel: {formatter: function (v) { return v >= 10000 ? (v / 10000) + "万" : v; }}},
    yAxis: {type: "category", data: data.labels, inverse: true},
    series: [{type: "bar", data: data.values, itemStyle: {color: "#1f5fbf"}}],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
