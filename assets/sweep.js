/* sweep.js — the page script of sweep.html (inlined by glasscage sweep).
 * Reads the data blocks the C side wrote from sweep.db (sweep-info, -axes,
 * -points, -metrics, -rules, -summary) and draws: the trade-off (innocent
 * people burdened against precision, one point per grid point), each figure
 * against the first varied value with 95% intervals over replicates
 * (coloured by the other varied values; the trade-off: colour by the first,
 * shape by the others), disparity per rule, and the
 * summary tables.  Text from the data only ever goes in through textContent
 * (gcEl) or into Vega-Lite data, never as HTML.  Every table cell that shows
 * a figure carries data-row (sweep_summary rowid) and data-field, so a test
 * can compare what is shown with sweep.db. */
"use strict";
(function () {
  const info = Object.fromEntries(gcData("sweep-info").map((r) => [r.key, r.value]));
  const axes = gcData("sweep-axes");
  const pointRows = gcData("sweep-points");
  const metricRows = gcData("sweep-metrics");
  const rules = gcData("sweep-rules");
  const summary = gcData("sweep-summary");
  const main = document.getElementById("sweep");
  const replicates = Number(info.replicates);

  const meaning = {};
  for (const m of metricRows) meaning[m.scope + ":" + m.metric] = m.meaning;

  const points = new Map();
  for (const r of pointRows) {
    if (!points.has(r.point)) points.set(r.point, { values: [], numbers: [] });
    points.get(r.point).values[r.axis] = r.value;
    points.get(r.point).numbers[r.axis] = r.number;
  }
  const numeric = axes.map((a) => pointRows.filter((r) => r.axis === a.axis).every((r) => r.number !== null));
  /* Charts name a varied key by its last path component ("rate" for
   * activity.behaviours.hotel_local.rate), or in full where two varied keys
   * end alike; the captions give the full keys. */
  const lastPart = (k) => k.split(".").pop();
  const short = (k) => axes.filter((a) => lastPart(a.key) === lastPart(k)).length > 1 ? k : lastPart(k);
  const xKey = axes[0].key, xName = short(xKey);
  const seriesKeys = axes.slice(1).map((a) => a.key).join(", ");
  const seriesTitle = axes.slice(1).map((a) => short(a.key)).join(", ");
  const hasSeries = axes.length > 1;
  const xValues = [...new Set(pointRows.filter((r) => r.axis === 0).map((r) => r.value))];
  /* The x axis: a log scale where every value is above 0 and they span more
   * than a factor 20 (0.0005 and 0.001 would share a pixel on a linear one);
   * ticks at the varied values themselves when there are few. */
  const xNumbers = pointRows.filter((r) => r.axis === 0).map((r) => r.number);
  const xLog = numeric[0] && xNumbers.every((v) => v > 0) && Math.max(...xNumbers) / Math.min(...xNumbers) > 20;
  /* Legend labels: the value alone when one other key varies (its key is the
   * legend's title), else the short name of each key with its value. */
  const series = (p) => axes.length === 2 ? points.get(p).values[1]
    : axes.slice(1).map((a) => short(a.key) + "=" + points.get(p).values[a.axis]).join(", ");
  /* sweep.db's meanings are written for SQL ("NULL: none"); the page shows – for those. */
  const plain = (text) => (text || "").replace("(NULL: none, or a lawful claim)",
    "(– means none, or the rule claims a lawful condition)").replace("; NULL: none)", "; – means none)");
  /* Generous limits: legend and axis titles are never cut. */
  const legend = { titleLimit: 600, labelLimit: 400 };
  const ruleLabel = (r) => (r === "*" ? "all rules" : r === null ? "whole run" : r);

  /* Summary rows of one figure, ready for a chart. */
  function rowsOf(metric, rule) {
    return summary.filter((s) => s.metric === metric && (rule === undefined ? s.rule !== null : s.rule === rule))
      .map((s) => ({
        point: s.point, rule: ruleLabel(s.rule), metric: s.metric, n: s.n, mean: s.mean, lo: s.ci_low, hi: s.ci_high,
        x: numeric[0] ? points.get(s.point).numbers[0] : points.get(s.point).values[0],
        value: points.get(s.point).values[0], series: series(s.point),
      }));
  }
  const informative = (rows) => rows.some((r) => r.mean !== null && r.mean !== 0);

  function xEncoding() {
    return numeric[0]
      ? { field: "x", type: "quantitative", title: xName, scale: xLog ? { type: "log" } : { zero: false },
          axis: { format: "~g", titleLimit: 600, ...(new Set(xNumbers).size <= 8 ? { values: [...new Set(xNumbers)] } : {}) } }
      : { field: "x", type: "ordinal", title: xName, sort: xValues, axis: { titleLimit: 600 } };
  }

  const tooltip = [
    { field: "value", title: xName }, ...(hasSeries ? [{ field: "series", title: seriesTitle }] : []),
    { field: "rule", title: "rule" }, { field: "mean", title: "mean", format: ",.4~f" },
    { field: "lo", title: "95% interval from", format: ",.4~f" }, { field: "hi", title: "to", format: ",.4~f" },
    { field: "n", title: "runs" }];

  /* A figure's mean against the first varied value, with interval bars;
   * one panel per rule when byRule; a dashed line at `reference`. */
  function trendSpec(rows, title, byRule, reference) {
    /* a share's interval cannot leave [0, 1]: with few seeds the t interval can, so it is clipped */
    if (/precision|recall/.test(title))
      rows = rows.map((r) => ({ ...r, lo: r.lo === null ? null : Math.max(0, r.lo),
                                hi: r.hi === null ? null : Math.min(1, r.hi) }));
    const color = hasSeries ? { color: { field: "series", type: "nominal", title: seriesTitle, legend } } : {};
    const x = xEncoding();
    const layers = [
      { mark: { type: "rule", strokeWidth: 1.5 },
        encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, ...color } },
      { mark: { type: "line", point: { filled: true, size: 50 } },
        encoding: { x, y: { field: "mean", type: "quantitative", title, scale: { zero: false },
                            ...(/precision|recall/.test(title) ? { axis: { format: ".2~%" } } : {}) },
                    ...color, tooltip } },
    ];
    if (reference !== undefined)
      layers.push({ mark: { type: "rule", strokeDash: [4, 4], color: "#a33" }, encoding: { y: { datum: reference } } });
    const base = { data: { values: rows } };
    if (byRule)
      return { ...base, facet: { field: "rule", type: "nominal", title: null, sort: rules.map((r) => ruleLabel(r.rule)) },
               columns: 3, spec: { width: 240, height: 170, layer: layers } };
    return { ...base, width: 380, height: 220, layer: layers };
  }

  function figure(parent, spec, caption) {
    const fig = gcEl("figure");
    const el = gcEl("div", null, "chart");
    fig.appendChild(el);
    fig.appendChild(gcEl("figcaption", caption));
    parent.appendChild(fig);
    gcChart(el, spec);
  }

  function section(title, text) {
    const s = gcEl("section");
    s.appendChild(gcEl("h2", title));
    if (text) s.appendChild(gcEl("p", text, "sweep-caption"));
    main.appendChild(s);
    const grid = gcEl("div", null, "sweep-grid");
    s.appendChild(grid);
    return grid;
  }

  const seedsText = replicates > 1
    ? `Each dot is the mean of ${replicates} runs with different seeds; the bar is its 95% interval.`
    : "Each dot is one run.";
  const acrossText = `Across: ${xName} (${xKey}${xLog ? ", on a log scale" : ""}).`;
  const byText = hasSeries ? ` Colours: ${seriesTitle} (${seriesKeys}).` : "";

  /* 1. The trade-off. */
  {
    const inn = rowsOf("innocent_people_actioned", "*");
    const flagged = rowsOf("people_flagged", "*"), withClaim = rowsOf("flagged_with_claim", "*");
    const prec = rowsOf("precision", "*");
    const acted = informative(inn);
    const rows = prec.map((p, i) => ({
      ...p, precision: p.mean,
      burden: acted ? inn[i].mean : (flagged[i].mean === null || withClaim[i].mean === null ? null
                                                                     : flagged[i].mean - withClaim[i].mean),
    }));
    const xTitle = acted ? "innocent people actioned (mean)" : "innocent people flagged (mean)";
    const grid = section("The trade-off",
      `Every dot is one combination of the varied values: across, how many people with nothing to find were ` +
      `${acted ? "acted on by police" : "flagged (nobody acts on the flags in this scenario)"}; up, the share of ` +
      `flagged people who really had what the rules look for (precision). The line joins the combinations in ` +
      `order of ${xName} (${xKey}). Up and to the left is better for the people in the city.`);
    const spec = {
      data: { values: rows }, width: 460, height: 300,
      layer: [
        { mark: { type: "line", color: "#999" },
          encoding: { x: { field: "burden", type: "quantitative", title: xTitle },
                      y: { field: "precision", type: "quantitative", title: "precision (all rules)",
                          axis: { format: ".2~%" } },
                      order: { field: "point", type: "quantitative" },
                      ...(hasSeries ? { detail: { field: "series", type: "nominal" } } : {}) } },
        { mark: { type: "point", filled: true, size: 90 },
          encoding: { x: { field: "burden", type: "quantitative" }, y: { field: "precision", type: "quantitative" },
                      /* ordered values in blues from mid to dark: the lightest still shows on white */
                      color: numeric[0]
                        ? { field: "x", type: "quantitative", title: xName, legend: { ...legend, format: "~g" },
                            scale: { scheme: { name: "blues", extent: [0.35, 1] }, nice: false, ...(xLog ? { type: "log" } : {}) } }
                        : { field: "x", type: "ordinal", title: xName, sort: xValues, legend,
                            scale: { scheme: { name: "blues", extent: [0.35, 1] } } },
                      ...(hasSeries ? { shape: { field: "series", type: "nominal", title: seriesTitle, legend } } : {}),
                      tooltip: [{ field: "value", title: xName }, ...(hasSeries ? [{ field: "series", title: seriesTitle }] : []),
                                { field: "burden", title: xTitle, format: ",.1f" },
                                { field: "precision", title: "precision", format: ".1%" }] } },
      ],
    };
    figure(grid, spec, `${xTitle} against precision, one dot per combination; colour: ${xName} (${xKey})` +
      (hasSeries ? `, shape: ${seriesTitle} (${seriesKeys}). ` : ". ") +
      (replicates > 1 ? `Means over ${replicates} seeds; the intervals are in the charts below.` : ""));
  }

  /* 2. Each figure against the varied value. */
  {
    const grid = section(`How the figures move with ${xName}`,
      `${acrossText} ${seedsText}${byText} Figures that stay zero in every run are left out (they are in the table).`);
    const allRules = ["people_flagged", "precision", "recall", "innocent_people_actioned", "true_detections",
                      "innocent_per_true_detection", "innocent_detention_days"];
    const shownAll = new Map();
    for (const m of allRules) {
      const rows = rowsOf(m, "*");
      if (!informative(rows)) continue;
      shownAll.set(m, rows);
      figure(grid, trendSpec(rows, m.replace(/_/g, " ")),
             `All rules together: ${plain(meaning["rule:" + m])}.`);
    }
    /* a whole-run figure equal to an all-rules one already drawn (people
     * flagged: by any rule either way) is not drawn twice */
    const sameAs = (a, b) => b && a.length === b.length && a.every((r, i) => r.point === b[i].point && r.mean === b[i].mean &&
                                                                      r.lo === b[i].lo && r.hi === b[i].hi);
    for (const m of metricRows.filter((r) => r.scope === "run")) {
      const rows = rowsOf(m.metric, null);
      if (!informative(rows) || m.metric === "alerts" || sameAs(rows, shownAll.get(m.metric))) continue;
      figure(grid, trendSpec(rows, m.metric.replace(/_/g, " ")), `Whole run: ${plain(m.meaning)}.`);
    }
  }

  /* 3. Disparity. */
  {
    const grid = section("Who is flagged disproportionately",
      "For each rule, the largest ratio between a group's flag rate and its reference group's (for example " +
      "migrants against non-migrants), among groups of at least 100 people with at least 10 flagged, leaving " +
      "out the traits the rule selects people by. Above the dashed line (1.25) the four-fifths rule reads it as " +
      "disparate impact. " + acrossText + " " + seedsText);
    const rows = rowsOf("disparity_ratio").filter((r) => r.mean !== null);
    if (rows.length)
      figure(grid, trendSpec(rows, "largest flag-rate ratio", rules.length > 1, 1.25),
             "Which group it is can change between runs: see disparity_group in the table sweep_rule of sweep.db.");
    else
      grid.appendChild(gcEl("p", "No group was large enough (100+ people, 10+ flagged) to compute a ratio in " +
                                  "any run.", "sweep-note"));
  }

  /* 4. Per rule, when there are several. */
  if (rules.length > 2) {
    const grid = section("Rule by rule", `${acrossText} ${seedsText}${byText}`);
    for (const m of ["people_flagged", "precision", "innocent_people_actioned"]) {
      const rows = rowsOf(m).filter((r) => r.rule !== "all rules");
      if (informative(rows))
        figure(grid, trendSpec(rows, m.replace(/_/g, " "), true), `Per rule: ${plain(meaning["rule:" + m])}.`);
    }
  }

  /* 5. Tables. */
  const fractions = new Set(["precision", "recall"]);
  function cell(row, field, isPercent) {
    const v = row[field];
    let text;
    if (v === null || v === undefined) text = "–";
    else if (isPercent) text = gcNum(100 * v, 1) + "%";
    else if (field === "n" || Number.isInteger(v)) text = gcNum(v, 0);
    else text = gcNum(v, Math.abs(v) >= 100 ? 1 : Math.abs(v) >= 1 ? 2 : 4);
    const td = gcEl("td", text);
    td.dataset.row = String(row.row);
    td.dataset.field = field;
    return td;
  }
  function valueCells(tr, p) {
    for (const a of axes) tr.appendChild(gcEl("td", points.get(p).values[a.axis], "text"));
  }
  function table(parent, heads, rowsAdd) {
    const t = gcEl("table", null, "sweep-table");
    const tr = gcEl("tr");
    for (const h of heads) tr.appendChild(gcEl("th", h));
    t.appendChild(gcEl("thead")).appendChild(tr);
    const body = gcEl("tbody");
    rowsAdd(body);
    t.appendChild(body);
    parent.appendChild(t);
    return t;
  }
  {
    const s = gcEl("section");
    s.appendChild(gcEl("h2", "In numbers"));
    s.appendChild(gcEl("p", "All rules together, per combination: means over the seeds" +
                             (replicates > 1 ? ", with the 95% interval." : "."), "sweep-caption"));
    main.appendChild(s);
    const shown = ["people_flagged", "precision", "innocent_people_actioned", "disparity_ratio"];
    const idx = {};
    for (const r of summary) if (r.rule === "*") idx[r.point + ":" + r.metric] = r;
    const heads = [...axes.map((a) => a.key)];
    for (const m of shown) heads.push(m.replace(/_/g, " "), ...(replicates > 1 ? ["95% from", "to"] : []));
    const headline = table(s, heads, (body) => {
      for (const p of points.keys()) {
        const tr = gcEl("tr");
        valueCells(tr, p);
        for (const m of shown) {
          const r = idx[p + ":" + m];
          for (const f of replicates > 1 ? ["mean", "ci_low", "ci_high"] : ["mean"]) tr.appendChild(cell(r, f, fractions.has(m)));
        }
        body.appendChild(tr);
      }
    });
    headline.id = "sweep-headline";
    const d = gcEl("details");
    d.appendChild(gcEl("summary", `Every figure (${summary.length} rows: sweep_summary in sweep.db)`));
    s.appendChild(d);
    const full = table(d, [...axes.map((a) => a.key), "rule", "figure", "runs", "mean", "sd", "95% from", "to"], (body) => {
      for (const r of summary) {
        const tr = gcEl("tr");
        valueCells(tr, r.point);
        tr.appendChild(gcEl("td", ruleLabel(r.rule), "text"));
        const name = gcEl("td", r.metric, "text");
        name.title = plain(meaning[(r.rule === null ? "run:" : "rule:") + r.metric]);
        tr.appendChild(name);
        for (const f of ["n", "mean", "sd", "ci_low", "ci_high"]) tr.appendChild(cell(r, f, fractions.has(r.metric) && f !== "n"));
        body.appendChild(tr);
      }
    });
    full.id = "sweep-summary-table";
  }
  gcSettle();
})();
