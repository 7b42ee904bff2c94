// test_report.mjs — report.html in a real browser (headless Debian Chromium
// through playwright-core).
//
//   node tests/browser/test_report.mjs BUILD/glasscage SOURCE_DIR BUILD_DIR
//
// Runs tests/data/full.yaml (lists, evasion, red list, patrols) with its twin
// and a copy with hostile strings in every free-text place the loader allows,
// adds the `scenario` and explained-sample tables to copies of the results
// (docs: fixed schema; used only if the run did not write them), opens each
// report and checks: every chart drew marks, none failed, no console error,
// no request leaves the file, no dialog opened, hostile strings show as text,
// and every number on the page (elements with data-key) equals the value
// computed here from results.db with the sqlite3 CLI.  Screenshots go to
// BUILD_DIR/screenshots/report-*.png.  Prints "ok"/"FAIL" lines and
// "N passed, N failed".  A missing node module, chromium or sqlite3 fails.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, existsSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openPage } from "./browser.mjs";

const [exe, src, build] = process.argv.slice(2);
let passed = 0, failed = 0;
function check(name, ok, detail = "") {
  if (ok) { passed++; console.log(`ok ${name}` + (detail ? `  (${detail})` : "")); }
  else { failed++; console.log(`FAIL ${name} ${detail}`); }
}

const sql = (db, q) => {
  const out = execFileSync("sqlite3", ["-json", db, q], { encoding: "utf8" }).trim();
  return out ? JSON.parse(out) : [];
};
const quote = (s) => "'" + String(s).replaceAll("'", "''") + "'";
const hasTable = (db, t) => sql(db, `SELECT name FROM sqlite_master WHERE name = ${quote(t)}`).length > 0;

const HOSTILE = `<script>alert(1)</script> <img src=x onerror=alert(1)> "quoted" 'single' & R&D`;

// ------------------------------------------------------------------ expected values

/* Every data-key the page may show, computed from the database independently of
 * gc_report.c (definitions: docs/results-schema.md; innocent actions per true
 * detection and the most disproportionate group as tools/scenario_doc.py). */
function expectedValues(db) {
  const exp = new Map();
  const put = (key, v) => exp.set(key, v === undefined ? null : v);
  const info = Object.fromEntries(sql(db, "SELECT key, value FROM run_info").map((r) => [r.key, r.value]));
  put("run.population", Number(info.population));
  put("run.days", Number(info.days));
  const all = sql(db, "SELECT * FROM group_audit WHERE rule = '*' AND trait = 'all'")[0];
  const alerts = sql(db, "SELECT SUM(alerts) AS n FROM rule_daily")[0].n;
  put("headline.alerts", alerts);
  for (const c of ["flagged", "flagged_with_claim", "with_claim", "innocent_actioned", "detained", "innocent_detained"])
    put("headline." + c, all[c]);
  put("headline.flagged_without_claim", all.flagged - all.flagged_with_claim);
  put("headline.precision", all.flagged ? all.flagged_with_claim / all.flagged : null);
  const det = sql(db, "SELECT rule, SUM(innocent_actions + carried_innocent_actions) AS inn,"
    + " SUM(CASE WHEN lawful_claim = 0 THEN findings ELSE 0 END) AS found, MAX(lawful_claim) AS lawful"
    + " FROM rule_daily JOIN rules USING(rule) GROUP BY rule");
  const rules = sql(db, "SELECT * FROM rules ORDER BY position");
  const perDet = (rows, lawful) => {
    const inn = rows.reduce((s, r) => s + r.inn, 0), found = rows.reduce((s, r) => s + r.found, 0);
    return lawful ? null : found > 0 ? inn / found : null;
  };
  put("headline.innocent_per_detection", perDet(det, rules.length > 0 && rules.every((r) => r.lawful_claim)));
  put("rule.*.innocent_per_detection", exp.get("headline.innocent_per_detection"));
  const disparity = sql(db, "SELECT * FROM group_disparity");
  const worst = (rule) => {
    const skip = new Set(rules.filter((r) => rule === "*" || r.rule === rule)
      .flatMap((r) => (r.selects_by || "").split(",")).filter(Boolean));
    const c = disparity.filter((g) => g.rule === rule && g.trait !== "all" && g.value !== g.reference
      && g.population >= 100 && g.flagged >= 10 && g.flag_ratio > 1 && !skip.has(g.trait));
    return c.length ? Math.max(...c.map((g) => g.flag_ratio)) : null;
  };
  for (const s of sql(db, "SELECT * FROM rule_summary")) {
    for (const [k, v] of Object.entries(s)) if (typeof v === "number" || v === null) put(`rule.${s.rule}.${k}`, v);
    const r = rules.find((x) => x.rule === s.rule);
    put(`rule.${s.rule}.innocent_per_detection`, perDet(det.filter((d) => d.rule === s.rule), r.lawful_claim));
  }
  for (const r of rules.map((x) => x.rule).concat("*")) put(`rule.${r}.worst_ratio`, worst(r));
  for (const g of disparity)
    for (const [k, v] of Object.entries(g)) put(`group.${g.rule}.${g.trait}.${g.value}.${k}`, v);
  for (const tbl of ["group_harms", "harm_disparity"])
    for (const h of sql(db, `SELECT * FROM ${tbl}`))
      for (const [k, v] of Object.entries(h)) put(`harm.${h.trait}.${h.value}.${k}`, v);
  const ld = sql(db, "SELECT * FROM list_daily ORDER BY day");
  for (const l of sql(db, "SELECT list FROM lists")) {
    const s = ld.filter((d) => d.list === l.list);
    if (!s.length) continue;
    put(`list.${l.list}.first`, s[0].size);
    put(`list.${l.list}.last`, s[s.length - 1].size);
    put(`list.${l.list}.growth`, s[s.length - 1].size - s[0].size);
  }
  const last = ld.length ? ld[ld.length - 1].day : -1;
  const pop = Object.fromEntries(sql(db, "SELECT trait || '.' || value AS k, population FROM group_harms")
    .map((r) => [r.k, r.population]));
  for (const m of sql(db, `SELECT * FROM list_group_daily WHERE day = ${last}`)) {
    const size = ld.find((d) => d.day === last && d.list === m.list).size;
    const k = `listgroup.${m.list}.${m.trait}.${m.value}`;
    put(k + ".members", m.members);
    put(k + ".share_of_list", size ? m.members / size : null);
    put(k + ".share_of_population", pop[`${m.trait}.${m.value}`] / pop["all.all"]);
  }
  const ev = sql(db, "SELECT * FROM evasion");
  for (const e of ev) for (const c of ["uses", "yuan", "minutes"]) put(`evasion.${e.kind}.${c}`, e[c]);
  for (const c of ["uses", "yuan", "minutes"]) put(`evasion.total.${c}`, ev.reduce((s, e) => s + e[c], 0));
  const d = sql(db, "SELECT SUM(offences) AS o, SUM(offences_by_exempt) AS x FROM daily")[0];
  put("redlist.offences", d.x);
  put("redlist.all_offences", d.o);
  put("redlist.discovered", sql(db, "SELECT SUM(offences_by_exempt_discovered) AS n FROM behaviour_daily")[0].n);
  put("redlist.members", ld.filter((x) => x.day === last && sql(db, `SELECT exempt FROM lists WHERE list = ${quote(x.list)}`)[0].exempt)
    .reduce((s, x) => s + x.size, 0));
  for (const t of sql(db, "SELECT * FROM twin_delta"))
    for (const c of ["base", "twin", "delta"]) put(`twin.${t.metric}.${c}`, t[c]);
  return exp;
}

const DIGITS = { int: 0, pct: 1, ratio: 2, rate: 2, dec2: 2 };

/* Compares every [data-key] of the page with exp; returns the problems. */
function compareNumbers(shown, exp) {
  const bad = [];
  for (const s of shown) {
    if (!exp.has(s.key)) { bad.push(`${s.key}: not a known figure`); continue; }
    const want = exp.get(s.key);
    if (want === null || want === undefined) {
      if (s.value !== "") bad.push(`${s.key}: page ${s.value}, database NULL`);
      continue;
    }
    const v = Number(s.value);
    if (s.value === "" || Math.abs(v - want) > 1e-9 * Math.max(1, Math.abs(want))) {
      bad.push(`${s.key}: page ${s.value}, database ${want}`);
      continue;
    }
    const digits = DIGITS[s.fmt], scale = s.fmt === "pct" ? 100 : 1;
    const m = s.text.replaceAll(",", "").match(/-?\d+(\.\d+)?/);
    if (digits === undefined || !m || Math.abs(Number(m[0]) - want * scale) > 0.5 * 10 ** -digits + 1e-9)
      bad.push(`${s.key}: shows "${s.text}" for ${want}`);
  }
  return bad;
}

// ------------------------------------------------------------------ fixtures

function addFixture(db, yamlText, source, hostile) {
  const extra = hostile ? " " + HOSTILE : "";
  let q = "BEGIN;";
  if (!hasTable(db, "scenario")) {
    q += "CREATE TABLE scenario(source TEXT, text TEXT, sets TEXT);";
    q += `INSERT INTO scenario VALUES(${quote(source)}, ${quote(yamlText)}, ${quote(hostile ? "days=7 " + HOSTILE : "")});`;
  }
  if (!hasTable(db, "explain_sample")) {
    const rules = sql(db, "SELECT rule FROM rules ORDER BY position LIMIT 2").map((r) => r.rule);
    q += "CREATE TABLE explain_sample(rule TEXT, category TEXT, agent INTEGER);"
       + "CREATE TABLE trace_agent(agent INTEGER, household INTEGER, traits TEXT, truths TEXT, lists_at_start TEXT);"
       + "CREATE TABLE trace(agent INTEGER, seq INTEGER, day INTEGER, minute INTEGER, layer TEXT, what TEXT, place TEXT, detail TEXT);";
    let agent = 100;
    for (const rule of rules)
      for (const cat of ["flagged_innocent", "flagged_with_claim", "missed"]) {
        agent++;
        q += `INSERT INTO explain_sample VALUES(${quote(rule)}, ${quote(cat)}, ${agent});`;
        q += `INSERT INTO trace_agent VALUES(${agent}, ${agent * 3}, 'migrant=yes, ethnicity=minority', 'none', ${quote("drug_users" + extra)});`;
        const layers = ["truth", "sensor", "rule", "response", "list", "cost"];
        layers.forEach((layer, i) => {
          q += `INSERT INTO trace VALUES(${agent}, ${i}, ${i}, ${60 * i + 5}, '${layer}', ${quote(layer + " event" + extra)}, 'hotel 12', ${quote("detail" + extra)});`;
        });
      }
  } else if (hostile) {
    // glasscage's own trace text never holds scenario strings; one hostile row checks the escaping
    q += `INSERT INTO trace SELECT agent, 1000000, 0, 5, 'truth', 'stay', 'hotel 12', ${quote("detail" + extra)}`
       + " FROM explain_sample ORDER BY agent LIMIT 1;";
  }
  q += "COMMIT;";
  execFileSync("sqlite3", [db], { input: q });
}

// ------------------------------------------------------------------ one page

async function inspect(label, html, db, { shots = [], expectEmpty = 0 } = {}) {
  const page = await openPage(html, { width: 1200, height: 900 });
  try {
    const c = page.charts;
    check(`${label}: charts drawn`, c.charts > 0 && c.rendered === c.charts && c.failed === 0,
          `${c.rendered} of ${c.charts}, ${c.failed} failed`);
    const marks = await page.page.$$eval(".chart", (els) => els.map((e) => ({
      id: e.id, marks: Number(e.dataset.marks || 0), empty: e.classList.contains("empty") })));
    const blank = marks.filter((m) => !m.empty && !(m.marks > 0));
    check(`${label}: every chart has marks`, blank.length === 0,
          blank.length ? "no marks: " + blank.map((m) => m.id).join(", ")
                       : marks.map((m) => `${m.id}=${m.marks}`).join(" "));
    const empty = marks.filter((m) => m.empty).length;
    check(`${label}: charts with nothing to draw`, empty === expectEmpty, `${empty}, expected ${expectEmpty}`);
    check(`${label}: no console errors`, page.errors.length === 0, page.errors.slice(0, 3).join(" | "));
    check(`${label}: no request leaves the file`, page.requests.length === 0, page.requests.slice(0, 3).join(" "));
    check(`${label}: no dialog opened`, page.dialogs.length === 0, page.dialogs.join(" | "));
    const shown = await page.page.$$eval("[data-key]", (els) => els.map((e) => ({
      key: e.dataset.key, value: e.dataset.value, fmt: e.dataset.fmt, text: e.textContent.trim() })));
    const exp = expectedValues(db);
    const bad = compareNumbers(shown, exp);
    check(`${label}: every number shown equals results.db`, bad.length === 0 && shown.length > 50,
          bad.length ? bad.slice(0, 5).join("; ") : `${shown.length} numbers`);
    const keys = new Set(shown.map((s) => s.key));
    const rules = sql(db, "SELECT rule FROM rules").map((r) => r.rule);
    const needed = ["headline.flagged", "headline.flagged_with_claim", "headline.precision",
                    "headline.innocent_actioned", "headline.innocent_per_detection", "headline.alerts"]
      .concat(rules.flatMap((r) => [`rule.${r}.people_flagged`, `rule.${r}.precision`, `rule.${r}.recall`]));
    const missing = needed.filter((k) => !keys.has(k));
    check(`${label}: headline figures and each rule's flagged, precision and recall are shown and compared`,
          missing.length === 0, missing.length ? "missing " + missing.join(", ") : `${needed.length} figures`);
    await page.page.evaluate(() => {   // one timeline and the scenario text open in the screenshots
      for (const sel of ["#explained details.agent", "#scenario details.yaml"]) {
        const d = document.querySelector(sel);
        if (d) d.open = true;
      }
    });
    for (const [name, sel] of shots) {
      const path = join(build, "screenshots", `report-${name}.png`);
      if (sel) await page.page.locator(sel).screenshot({ path });
      else await page.shot(path);
    }
    return page;
  } catch (e) {
    await page.close();
    throw e;
  }
}

// ------------------------------------------------------------------ main

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), "gc-report-test-"));
  try {
    const full = join(src, "tests", "data", "full.yaml");
    const run = (args) => execFileSync(exe, ["run", ...args, "--quiet"], { encoding: "utf8" });

    // 1. the full model with its twin, as glasscage run writes it
    run([full, "--twin", "no-response", "--out", join(tmp, "full")]);
    const db = join(tmp, "full", "results.db"), html = join(tmp, "full", "report.html");
    check("glasscage run writes report.html next to results.db", existsSync(html),
          existsSync(html) ? `${statSync(html).size} bytes` : "");
    let p = await inspect("full", html, db, { shots: [["full", null], ["headline", "#headline"],
                                                     ["rules", "#rules"], ["groups", "#groups"], ["lists", "#lists"]] });
    const absent = await p.page.$$eval(".absent", (els) => els.map((e) => e.closest("section").id));
    const wants = ["scenario", "explained"].filter((s) => !hasTable(db, s === "scenario" ? "scenario" : "explain_sample"));
    check("sections without their tables say so", wants.every((s) => absent.includes(s)),
          `absent: ${absent.join(", ") || "none"}`);
    const twinRows = await p.page.$$eval("#twin tbody tr", (els) => els.length);
    check("twin deltas are shown", twinRows === sql(db, "SELECT count(*) AS n FROM twin_delta")[0].n && twinRows > 0,
          `${twinRows} metrics`);
    await p.close();

    // 2. the same results with the scenario text and an explained sample
    const db2 = join(tmp, "full", "explained.db"), html2 = join(tmp, "full", "explained.html");
    copyFileSync(db, db2);
    addFixture(db2, readFileSync(full, "utf8"), full, false);
    execFileSync(exe, ["report", db2, "--out", html2]);
    p = await inspect("explained", html2, db2, { shots: [["scenario", "#scenario"], ["explained", "#explained"]] });
    const marked = await p.page.$$eval("#scenario pre mark", (els) => els.length);
    const sources = (readFileSync(full, "utf8").match(/^\s*-?\s*source:/gm) || []).length;
    check("the scenario's source: lines are marked", marked === sources && sources > 0, `${marked} of ${sources}`);
    const agents = await p.page.$$eval("#explained details.agent", (els) => els.length);
    const sampled = sql(db2, "SELECT count(*) AS n FROM explain_sample")[0].n;
    check("every explained person has a timeline", agents === sampled && agents > 0, `${agents} of ${sampled}`);
    await p.close();

    // 3. hostile strings wherever a scenario allows free text
    const yaml = readFileSync(full, "utf8")
      .replace(/^description: .*$/m, "description: " + JSON.stringify(HOSTILE))
      .replace(/^(\s*)source: HRW-2018$/m, (m, sp) => sp + "source: " + JSON.stringify(HOSTILE))
      .replace(/^# A small city/m, "# " + HOSTILE + "\n# A small city");
    const evil = join(tmp, `evil<b>&'".yaml`);
    writeFileSync(evil, yaml);
    run([evil, "--set", "population.size=2000", "--out", join(tmp, "evil")]);
    const db3 = join(tmp, "evil", "results.db"), html3 = join(tmp, "evil", "report.html");
    addFixture(db3, yaml, evil, true);
    execFileSync(exe, ["report", db3]);
    p = await inspect("hostile", html3, db3, { shots: [["hostile", "#rules"]] });
    const probe = await p.page.evaluate((h) => ({
      imgs: document.querySelectorAll("img").length,
      scripts: [...document.querySelectorAll("script")].filter((s) => s.type !== "application/json"
        && s.textContent.includes("alert(1)")).length,
      sourceCell: [...document.querySelectorAll("#rules td")].some((td) => td.textContent === h),
      header: document.querySelector("header").textContent.includes(`evil<b>&'".yaml`),
      yaml: document.querySelector("#scenario pre").textContent.includes(h),
      trace: [...document.querySelectorAll("#explained td")].some((td) => td.textContent === "detail " + h),
      title: document.title,
    }), HOSTILE);
    check("hostile strings add no element or script", probe.imgs === 0 && probe.scripts === 0,
          `${probe.imgs} img, ${probe.scripts} scripts with alert(1)`);
    check("a hostile rule source shows as literal text", probe.sourceCell);
    check("a hostile file name shows as literal text", probe.header);
    check("hostile scenario text and timelines show as literal text", probe.yaml && probe.trace);
    await p.close();
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => { check("the browser test ran to the end", false, String(e && e.stack || e)); })
  .finally(() => { console.log(`${passed} passed, ${failed} failed`); process.exit(failed ? 1 : 0); });
