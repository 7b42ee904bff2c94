// test_sweep_page.mjs — runs two small sweeps (one and two varied keys) and
// opens each sweep.html in headless Chromium: every chart drew marks, none
// failed, no console errors, no request leaves the file, and every number
// in the page's tables is the one in sweep.db (read with `sqlite3 -json`);
// and the charts read right: no title cut short, no figure drawn twice, the
// caption names what colour and shape encode, the lightest colour shows on
// white, values a factor 2 apart do not share a pixel (log x when they span
// more than a factor 20), and no SQL jargon (NULL) in the text.
// Screenshots go to BUILD/screenshots/sweep-*.png.
//
//   node tests/browser/test_sweep_page.mjs build/glasscage build
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openPage } from "./browser.mjs";

const [exe, build] = [resolve(process.argv[2]), resolve(process.argv[3] || "build")];
let passed = 0, failed = 0;
function check(name, ok, detail = "") {
  if (ok) { passed++; console.log(`ok ${name}` + (detail ? `  (${detail})` : "")); }
  else { failed++; console.log(`FAIL ${name} ${detail}`); }
}

const sweeps = {
  one: ["builtin:base_rates", "--set", "population.size=20000",
        "--vary", "population.truth.plans_offence.prevalence=0.0005,0.001,0.01,0.05", "--replicates", "3"],
  // a scenario name with markup: every scenario string must arrive as text
  two: ["builtin:base_rates", "--set", "population.size=10000", "--set", "name=</script><b>x</b>",
        "--vary", "activity.behaviours.hotel_local.rate=0.005,0.01,0.02",
        "--vary", "population.truth.plans_offence.prevalence=0.001,0.02", "--replicates", "2"],
};

const tmp = mkdtempSync(join(tmpdir(), "gc-sweep-page-"));
try {
  for (const [name, args] of Object.entries(sweeps)) {
    const out = join(tmp, name);
    execFileSync(exe, ["sweep", ...args, "--quiet", "--jobs", "2", "--out", out], { stdio: "inherit" });
    const db = join(out, "sweep.db");
    const rows = JSON.parse(execFileSync("sqlite3", ["-json", db, "SELECT rowid AS row, * FROM sweep_summary"]) || "[]");
    const byRow = new Map(rows.map((r) => [r.row, r]));
    const p = await openPage(join(out, "sweep.html"));
    try {
      const c = p.charts;
      const marks = await p.page.$$eval(".chart", (els) => els.map((e) => Number(e.dataset.marks || 0)));
      check(`${name}: charts were drawn`, c.charts >= 3 && c.rendered === c.charts && c.failed === 0,
            `${c.rendered}/${c.charts} rendered, ${c.failed} failed`);
      check(`${name}: every chart drew marks`, marks.length === c.charts && marks.every((m) => m > 0), `marks ${marks}`);
      check(`${name}: no console errors`, p.errors.length === 0, p.errors.slice(0, 3).join(" | "));
      check(`${name}: no outside requests`, p.requests.length === 0, p.requests.slice(0, 3).join(" "));
      const cells = await p.page.$$eval("td[data-row]", (els) => els.map((e) => ({
        row: Number(e.dataset.row), field: e.dataset.field, text: e.textContent })));
      const bad = [];
      for (const cell of cells) {
        const r = byRow.get(cell.row);
        const v = r ? r[cell.field] : undefined;
        if (v === undefined) { bad.push(`row ${cell.row} ${cell.field}: not in sweep.db`); continue; }
        if (v === null) { if (cell.text !== "–") bad.push(`row ${cell.row} ${cell.field}: ${cell.text} vs NULL`); continue; }
        // the shown number, within half a unit of its last shown digit
        const pct = cell.text.endsWith("%");
        const t = cell.text.replace(/[,%]/g, "");
        const decimals = t.includes(".") ? t.length - t.indexOf(".") - 1 : 0;
        const shown = Number(t) / (pct ? 100 : 1);
        const tol = 0.5 * 10 ** -decimals / (pct ? 100 : 1) + 1e-12;
        if (!(Math.abs(shown - v) <= tol)) bad.push(`row ${cell.row} ${cell.field}: shown ${cell.text}, sweep.db ${v}`);
      }
      check(`${name}: every table number equals sweep.db`, cells.length > 0 && bad.length === 0,
            `${cells.length} cells; ${bad.slice(0, 3).join("; ")}`);
      const summaryRows = await p.page.$$eval("#sweep-summary-table tbody tr", (els) => els.length);
      check(`${name}: the full table has every summary row`, summaryRows === rows.length, `${summaryRows} vs ${rows.length}`);
      const charts = await p.page.$$eval("figure", (figs) => figs.map((f) => {
        const chart = f.querySelector(".chart");
        const legends = [...chart.querySelectorAll("g.role-legend")].map((g) => ({
          title: (g.querySelector(".role-legend-title text") || {}).textContent,
          gradient: g.querySelectorAll(".role-legend-gradient").length > 0,
          shapes: new Set([...g.querySelectorAll(".role-legend-symbol path")].map((s) => s.getAttribute("d"))).size,
        }));
        return {
          section: f.closest("section").querySelector("h2").textContent,
          caption: f.querySelector("figcaption").textContent,
          axisTitles: [...chart.querySelectorAll(".role-axis-title text")].map((t) => t.textContent),
          legends,
          texts: [...chart.querySelectorAll("svg text")].map((t) => t.textContent),
          fills: [...chart.querySelectorAll("g.mark-symbol.role-mark path")].map((s) => s.getAttribute("fill")),
          xs: [...chart.querySelectorAll("g.mark-symbol.role-mark path")].map((s) =>
            Number((/translate\(([-\d.e]+)/.exec(s.getAttribute("transform") || "") || [])[1])),
        };
      }));
      const cut = charts.flatMap((c) => c.texts.filter((t) => t.includes("…")));
      check(`${name}: no axis or legend title or label is cut short`, cut.length === 0, cut.slice(0, 3).join(" | "));
      const moves = charts.filter((c) => c.section.startsWith("How the figures move"));
      const titles = moves.map((c) => c.axisTitles.slice().sort().join(" / "));
      check(`${name}: no figure is charted twice`, moves.length > 0 && new Set(titles).size === titles.length,
            titles.join("; "));
      // WCAG relative luminance: contrast of the trade-off dots' colours against white
      const lum = (fill) => {
        const m = /rgb\((\d+), ?(\d+), ?(\d+)\)/.exec(fill) ||
          (/^#[0-9a-f]{6}$/i.test(fill) ? [0, ...[1, 3, 5].map((i) => parseInt(fill.slice(i, i + 2), 16))] : null);
        if (!m) return NaN;
        const c = [1, 2, 3].map((i) => { const v = Number(m[i]) / 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
      };
      const contrast = charts[0].fills.map((f) => 1.05 / (lum(f) + 0.05));
      check(`${name}: every trade-off dot's colour stands out on white (contrast 1.8 or more)`,
            contrast.length > 0 && contrast.every((x) => x >= 1.8), `contrast ${contrast.map((x) => x.toFixed(2))}`);
      const xs = [...new Set(moves[0].xs.map((x) => Math.round(x * 10) / 10))].sort((a, b) => a - b);
      const gap = Math.min(...xs.slice(1).map((x, i) => x - xs[i]));
      check(`${name}: the varied values are apart on the x axis (15 px or more)`, xs.length >= 3 && gap >= 15,
            `x ${xs.map((x) => x.toFixed(1))}`);
      const words = await p.page.evaluate(() => document.body.innerText + " " +
        [...document.querySelectorAll("[title]")].map((e) => e.title).join(" "));
      check(`${name}: the page says "none" in words, not NULL`, !/NULL/.test(words) && words.includes("– means none"));
      const trade = charts[0];
      if (name === "two") {
        const colour = trade.legends.find((l) => l.gradient), shape = trade.legends.find((l) => l.shapes >= 2);
        check("two: the trade-off caption names the colour and the shape legends as drawn",
              colour && shape && trade.caption.includes(`colour: ${colour.title} (`) &&
              trade.caption.includes(`shape: ${shape.title} (`) && !/Colours?:/.test(trade.caption),
              `legends ${JSON.stringify(trade.legends)}; caption "${trade.caption}"`);
        check("two: legends and axes name a key by its last part, the caption in full",
              colour && colour.title === "rate" && shape.title === "prevalence" &&
              trade.caption.includes("activity.behaviours.hotel_local.rate") &&
              trade.caption.includes("population.truth.plans_offence.prevalence"),
              JSON.stringify(trade.legends));
      }
      if (name === "two") {
        const h1 = await p.page.$eval("h1", (e) => e.textContent);
        const injected = await p.page.$$eval("b", (els) => els.length);
        check("two: a scenario named </script><b>x</b> shows as text, not markup",
              h1.includes("</script><b>x</b>") && injected === 0, `h1 "${h1}", ${injected} <b> elements`);
      }
      await p.shot(join(build, "screenshots", `sweep-${name}.png`));
    } finally {
      await p.close();
    }
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
