// The bar charts of a document page (progress reports): one per element with
// data-document-chart naming the json_script holding its data; the numbers are in a table beside it.
(function () {
  if (!window.echarts) { return; }
  function trim(n) { return String(Math.round(n * 100) / 100); }
  // Axis amounts abbreviated as lib/formatting.py does: zh in 万/亿, en in K/M/B.
  function axisAmount(language) {
    var units = language === "zh" ? [[1e8, "亿"], [1e4, "万"]] : [[1e9, "B"], [1e6, "M"], [1e3, "K"]];
    return function (v) {
      for (var i = 0; i < units.length; i++) {
        if (Math.abs(v) >= units[i][0]) { return trim(v / units[i][0]) + units[i][1]; }
      }
      return trim(v);
    };
  }
  var holders = document.querySelectorAll("[data-document-chart]");
  Array.prototype.forEach.call(holders, function (holder) {
    var source = document.getElementById(holder.getAttribute("data-document-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(holder, null, {renderer: "svg"});
    chart.setOption({
      grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"},
        // ECharts puts a formatter's result into the page as HTML: names are people's and
        // goals' own text, so both parts are escaped.
        formatter: function (items) {
          var escape = echarts.format.encodeHTML;
          return escape(String(items[0].name)) + ": " + escape(String(data.texts[items[0].dataIndex]));
        }},
      xAxis: {type: "value", axisLabel: {formatter: axisAmount(data.language)}},
      yAxis: {type: "category", data: data.labels, inverse: true},
      series: [{type: "bar", data: data.values, itemStyle: {color: "#1f5fbf"}}],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
