// test_sweep_page.mjs — runs two small sweeps (one and two varied keys) and
// opens each sweep.html in headless Chromium: every chart drew marks, none
// failed, no console errors, no request leaves the file, and every number
// in the page's tables is the one in sweep.db (read with `sqlite3 -json`).
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
        "--vary", "population.truth.plans_offence.prevalence=0.001,0.01,0.05", "--replicates", "3"],
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
