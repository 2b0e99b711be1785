// The budget's use along the ranking (ECharts, loaded before this file as dist/echarts.min.js).
// Each <div data-budget-chart="ID"> is drawn from the JSON of <script id="ID"> (Django's json_script):
// bars for each project's approved support in rank order, a line for the cumulative support and a
// dashed line at the call's budget.
function draw(element) {
  const source = document.getElementById(element.dataset.budgetChart);
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const t = data.text;
  const support = data.support.map(Number);
  const cumulative = data.cumulative.map(Number);
  const budget = data.budget === null ? null : Number(data.budget);
  const chart = window.echarts.init(element, null, { renderer: "svg" });
  const line = { name: t.cumulative, type: "line", data: cumulative, symbolSize: 6, itemStyle: { color: "#c8161d" } };
  if (budget !== null) {
    line.markLine = {
      symbol: "none",
      lineStyle: { type: "dashed", color: "#0c3a74" },
      label: { formatter: `${t.budget} ${budget.toLocaleString()} ${t.unit}`, position: "insideEndTop" },
      data: [{ yAxis: budget }],
    };
  }
  chart.setOption({
    animation: false,
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    legend: { top: 0, data: [t.support, t.cumulative] },
    tooltip: {
      trigger: "axis",
      formatter: (items) => {
        const i = items[0].dataIndex;
        return `${data.references[i]}<br>${data.names[i]}<br>` +
          items.map((p) => `${p.marker}${p.seriesName}: ${Number(p.value).toLocaleString()} ${t.unit}`).join("<br>");
      },
    },
    xAxis: { type: "category", name: t.rank, data: data.references.map((_, i) => String(i + 1)) },
    yAxis: { type: "value", name: t.unit, max: (v) => Math.max(v.max, budget ?? 0) * 1.08 },
    series: [
      { name: t.support, type: "bar", data: support, itemStyle: { color: "#6f8db5" } },
      line,
    ],
  });
  element.dataset.drawn = "true";
  window.addEventListener("resize", () => chart.resize());
}

document.querySelectorAll("[data-budget-chart]").forEach(draw);
