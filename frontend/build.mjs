// Bundles the front-end into jigai/static/dist. Run by `npm run build` (the Makefile does it).
import { build } from "esbuild";
import { copyFileSync, mkdirSync } from "node:fs";

const out = "jigai/static/dist";
mkdirSync(out, { recursive: true });

await build({
  entryPoints: ["frontend/src/main.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome100", "firefox100", "safari15"],
  outfile: `${out}/app.js`,
  logLevel: "warning",
});
await build({
  entryPoints: ["frontend/src/main.css"],
  bundle: true,
  minify: true,
  outfile: `${out}/app.css`,
  loader: { ".woff": "file", ".woff2": "file" },
  assetNames: "fonts/[name]-[hash]",
  logLevel: "warning",
});
await build({
  entryPoints: ["frontend/src/budget_chart.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome100", "firefox100", "safari15"],
  outfile: `${out}/budget_chart.js`,
  logLevel: "warning",
});
await build({
  entryPoints: ["frontend/src/score_total.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome100", "firefox100", "safari15"],
  outfile: `${out}/score_total.js`,
  logLevel: "warning",
});
// ECharts is large: a separate file, loaded only by pages that draw charts.
copyFileSync("node_modules/echarts/dist/echarts.min.js", `${out}/echarts.min.js`);
console.log("front-end built into", out);
