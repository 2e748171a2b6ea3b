// Charts from data embedded with json_script; every chart has its numbers in a table beside it.
(function () {
  if (!window.echarts) { return; }
  function draw(holderId, dataId, build) {
    var holder = document.getElementById(holderId);
    var source = document.getElementById(dataId);
    if (!holder || !source) { return; }
    var chart = echarts.init(holder, null, {renderer: "svg"});
    chart.setOption(build(JSON.parse(source.textContent)));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  // Axis amounts abbreviated as lib/formatting.py does: zh in 万/亿, en in K/M/B (never 万 in English).
  function trim(n) { return String(Math.round(n * 100) / 100); }
  function axisAmount(language) {
    var units = language === "zh" ? [[1e8, "亿"], [1e4, "万"]] : [[1e9, "B"], [1e6, "M"], [1e3, "K"]];
    return function (v) {
      for (var i = 0; i < units.length; i++) {
        if (Math.abs(v) >= units[i][0]) { return trim(v / units[i][0]) + units[i][1]; }
      }
      return trim(v);
    };
  }
  // Overview: sales by team as horizontal bars.
  draw("team-chart", "team-chart-data", function (data) {
    return {
      grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}},
      xAxis: {type: "value", axisLabel: {formatter: axisAmount(data.language)}},
      yAxis: {type: "category", data: data.labels, inverse: true},
      series: [{type: "bar", data: data.values, itemStyle: {color: "#1f5fbf"}}],
    };
  });
  // A person's monthly trend.
  draw("trend-chart", "trend-chart-data", function (data) {
    return {
      grid: {left: 8, right: 16, top: 16, bottom: 8, containLabel: true},
      tooltip: {trigger: "axis"},
      xAxis: {type: "category", data: data.labels},
      yAxis: {type: "value", axisLabel: {formatter: axisAmount(data.language)}},
      series: [{type: "line", data: data.values, smooth: true, areaStyle: {opacity: 0.1}, itemStyle: {color: "#1f5fbf"}}],
    };
  });
})();
