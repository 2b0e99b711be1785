// Budget execution chart: a stacked bar per budget (paid, committed unpaid, available), from the
// data the page embeds with json_script. No inline script (the page's CSP allows none).
(function () {
  "use strict";
  var node = document.getElementById("budget-chart");
  var data = document.getElementById("budget-chart-data");
  if (!node || !data || typeof window.echarts === "undefined") return;
  var chart = JSON.parse(data.textContent);
  var keys = ["disbursed", "unpaid", "available"];
  var instance = window.echarts.init(node);
  instance.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 40, containLabel: true },
    // Axis ticks in the page language's compact form (5000万 / 50M) so they fit a phone's width.
    xAxis: {
      type: "value",
      axisLabel: {
        hideOverlap: true,
        formatter: new Intl.NumberFormat(document.documentElement.lang || "zh-Hans", {
          notation: "compact",
          maximumFractionDigits: 1,
        }).format,
      },
    },
    yAxis: { type: "category", data: chart.labels, axisLabel: { width: 140, overflow: "truncate" } },
    series: keys.map(function (key) {
      return { name: chart.names[key], type: "bar", stack: "total", data: chart.series[key].map(Number) };
    }),
  });
  window.addEventListener("resize", function () { instance.resize(); });
})();
