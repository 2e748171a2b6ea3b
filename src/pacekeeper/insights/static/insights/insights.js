// Insights: the stacked topics-over-time chart; a click on a bar opens the comments behind it.
(function () {
  if (!window.echarts) { return; }
  var holder = document.getElementById("insights-trend-chart");
  var source = document.getElementById("insights-trend-data");
  if (!holder || !source) { return; }
  var data = JSON.parse(source.textContent);
  var chart = echarts.init(holder, null, {renderer: "svg"});
  chart.setOption({
    grid: {left: 8, right: 8, top: 40, bottom: 8, containLabel: true},
    tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
    legend: {type: "scroll", top: 0},
    xAxis: {type: "category", data: data.labels},
    yAxis: {type: "value", minInterval: 1},
    series: data.series.map(function (s) { return {name: s.name, type: "bar", stack: "topics", data: s.data}; })
  });
  chart.on("click", function (params) {
    var links = data.links[params.seriesIndex];
    if (links && links[params.dataIndex]) { window.location.href = links[params.dataIndex]; }
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
