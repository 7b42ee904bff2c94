/* report.js — the charts of report.html (inlined by glasscage).
 * The page's tables are written by gc_report.c and read without JavaScript;
 * this script only draws Vega-Lite charts from the JSON data blocks
 * (d-rules, d-rule-daily, ...) into the placeholders (c-alerts, ...), and
 * adds the choosers (rule, list, trait) above the charts that use them.
 * Data strings (rule and group names) reach the page only as chart data and
 * textContent, never as HTML.  A chart with nothing to draw says so in place
 * and is marked class "empty". */
"use strict";

(function () {
  const rules = gcData("d-rules") || [];
  const ruleDaily = gcData("d-rule-daily") || [];
  const actions = gcData("d-actions") || [];
  const groups = gcData("d-groups") || [];
  const lists = gcData("d-lists") || [];
  const listGroups = gcData("d-list-groups") || [];
  const evasion = gcData("d-evasion") || [];
  const daily = gcData("d-daily") || [];
  const twin = gcData("d-twin") || [];
  const WIDE = 820, HALF = 360;

  /* Draws spec(rows) into #id, or a note when rows is empty.  Returns the element. */
  function draw(id, rows, spec, emptyNote) {
    const el = document.getElementById(id);
    if (!el) return null;
    el.textContent = "";
    el.classList.remove("empty");
    if (!rows.length) {
      el.classList.add("empty");
      el.appendChild(gcEl("p", emptyNote || "Nothing to draw in this run.", "note"));
      return el;
    }
    gcChart(el, spec(rows));
    return el;
  }

  /* A <select> above the chart #id; onChange(value) redraws. */
  function chooser(id, label, options, value, onChange) {
    const el = document.getElementById(id);
    if (!el || options.length < 1) return;
    let bar = el.previousElementSibling;
    if (!bar || !bar.classList.contains("choosers")) {
      bar = gcEl("div", null, "choosers");
      el.parentNode.insertBefore(bar, el);
    }
    const wrap = gcEl("label", label + " ", "chooser");
    const sel = document.createElement("select");
    for (const o of options) {
      const opt = gcEl("option", o.label);
      opt.value = o.value;
      if (o.value === value) opt.selected = true;
      sel.appendChild(opt);
    }
    sel.addEventListener("change", () => onChange(sel.value));
    wrap.appendChild(sel);
    bar.appendChild(wrap);
  }

  const ruleNames = rules.map((r) => r.rule);
  const groupLabel = { calculate: "datum.trait + '=' + datum.value", as: "group" };

  /* Headline: flagged people per rule, with and without the claimed condition. */
  draw("c-flagged", rules.filter((r) => r.people_flagged > 0), (rows) => ({
    width: WIDE - 200, data: { values: rows },
    transform: [{ calculate: "datum.people_flagged - datum.flagged_with_claim", as: "without the claimed condition" },
                { calculate: "datum.flagged_with_claim", as: "with the claimed condition" },
                { fold: ["with the claimed condition", "without the claimed condition"], as: ["truth", "people"] }],
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "rule", type: "nominal", sort: ruleNames, title: null },
      x: { field: "people", type: "quantitative", stack: "zero", title: "people flagged" },
      color: { field: "truth", type: "nominal", title: "in truth",
               scale: { domain: ["with the claimed condition", "without the claimed condition"],
                        range: ["#1f5aa6", "#c9d6ea"] } },
      order: { field: "truth", sort: "ascending" },
    },
  }), "No rule flagged anyone in this run.");

  /* Rules: alerts per day, legend selection highlights one rule. */
  draw("c-alerts", ruleDaily, (rows) => ({
    width: HALF, height: 220, data: { values: rows },
    params: [{ name: "pick", select: { type: "point", fields: ["rule"] }, bind: "legend" }],
    mark: { type: "line", point: true, tooltip: true },
    encoding: {
      x: { field: "day", type: "quantitative", title: "day", axis: { format: "d", tickMinStep: 1 } },
      y: { field: "alerts", type: "quantitative", title: "alerts" },
      color: { field: "rule", type: "nominal", sort: ruleNames },
      opacity: { condition: { param: "pick", value: 1 }, value: 0.12 },
    },
  }), "The run has no days.");

  draw("c-precision", rules.filter((r) => r.precision !== null || r.recall !== null), (rows) => ({
    width: HALF - 120, data: { values: rows },
    transform: [{ fold: ["precision", "recall"], as: ["measure", "share"] }, { filter: "datum.share !== null" }],
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "rule", type: "nominal", sort: ruleNames, title: null },
      yOffset: { field: "measure" },
      x: { field: "share", type: "quantitative", axis: { format: ".0%" }, scale: { domain: [0, 1] }, title: null },
      color: { field: "measure", type: "nominal", scale: { range: ["#1f5aa6", "#e08a1e"] } },
    },
  }), "No rule flagged anyone, so precision is undefined.");

  draw("c-actions", actions, (rows) => ({
    width: HALF - 120, data: { values: rows },
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "rule", type: "nominal", sort: ruleNames, title: null },
      x: { field: "count", type: "quantitative", title: "actions" },
      color: { field: "action", type: "nominal" },
    },
  }), "Police took no action on alerts (no rule acts, or response is switched off).");

  /* One rule, day by day. */
  const busiest = rules.slice().sort((a, b) => (b.alerts || 0) - (a.alerts || 0))[0];
  function drawRuleDaily(rule) {
    draw("c-rule-daily", ruleDaily.filter((d) => d.rule === rule), (rows) => ({
      width: WIDE, height: 200, data: { values: rows },
      transform: [{ fold: ["people_flagged", "people_with_claim", "actions", "innocent_actions"],
                    as: ["measure", "count"] }],
      mark: { type: "line", point: true, tooltip: true },
      encoding: {
        x: { field: "day", type: "quantitative", axis: { format: "d", tickMinStep: 1 } },
        y: { field: "count", type: "quantitative", title: "people or actions that day" },
        color: { field: "measure", type: "nominal",
                 sort: ["people_flagged", "people_with_claim", "actions", "innocent_actions"] },
      },
    }));
  }
  if (busiest) {
    chooser("c-rule-daily", "Rule:", ruleNames.map((r) => ({ value: r, label: r })), busiest.rule, drawRuleDaily);
    drawRuleDaily(busiest.rule);
  } else draw("c-rule-daily", [], null, "The scenario has no rules.");

  /* Groups: ratios to the reference group and error-rate parity, for one rule or all. */
  const ruleOptions = [{ value: "*", label: "all rules" }].concat(ruleNames.map((r) => ({ value: r, label: r })));
  function drawGroups(rule) {
    const rows = groups.filter((g) => g.rule === rule);
    const n = new Set(rows.map((g) => g.trait + "=" + g.value)).size;
    const band = [{ x: 0.8, kind: "four-fifths" }, { x: 1, kind: "parity" }, { x: 1.25, kind: "four-fifths" }];
    draw("c-ratios", rows.filter((g) => g.flag_ratio > 0 || g.action_ratio > 0), (data) => ({
      width: WIDE - 300,
      height: { step: 14 },
      layer: [
        { data: { values: data },
          transform: [groupLabel, { fold: ["flag_ratio", "action_ratio"], as: ["key", "ratio"] },
                      { filter: "datum.ratio > 0" },
                      { calculate: "datum.key === 'flag_ratio' ? 'flag rate ratio' : 'action rate ratio'", as: "measure" }],
          mark: { type: "point", filled: false, size: 60, strokeWidth: 1.5, tooltip: true },
          encoding: {
            y: { field: "group", type: "nominal", title: null, sort: null },
            x: { field: "ratio", type: "quantitative", scale: { type: "log" }, title: "ratio to reference group (log)" },
            color: { field: "measure", type: "nominal", scale: { range: ["#a4262c", "#1f5aa6"] },
                     legend: { title: "measure", symbolFillColor: null } },
            /* outlined always (the stroke), filled only where 10+ were flagged */
            fill: { condition: { test: "datum.flagged >= 10", field: "measure", type: "nominal",
                                 scale: { range: ["#a4262c", "#1f5aa6"] } },
                    value: "transparent" },
          } },
        { data: { values: band }, mark: { type: "rule" },
          encoding: { x: { field: "x", type: "quantitative" },
                      strokeDash: { condition: { test: "datum.kind === 'four-fifths'", value: [4, 3] }, value: [1, 0] },
                      color: { value: "#5f6368" } } },
      ],
    }), "No group of this rule was flagged or actioned.");
    draw("c-parity", rows.filter((g) => g.false_positive_rate !== null || g.false_discovery_rate !== null), (data) => ({
      width: WIDE - 300,
      height: { step: 7 },
      data: { values: data },
      transform: [groupLabel, { fold: ["false_positive_rate", "false_discovery_rate"], as: ["key", "rate"] },
                  { filter: "datum.rate !== null" },
                  { calculate: "datum.key === 'false_positive_rate' ? 'false positive rate' : 'false discovery rate'",
                    as: "measure" }],
      mark: { type: "bar", tooltip: true },
      encoding: {
        y: { field: "group", type: "nominal", title: null, sort: null },
        yOffset: { field: "measure" },
        x: { field: "rate", type: "quantitative", axis: { format: ".0%" }, title: "rate" },
        color: { field: "measure", type: "nominal", scale: { range: ["#e08a1e", "#6b4fa0"] } },
      },
    }), "No group has a defined error rate for this rule.");
    return n;
  }
  if (groups.length) {
    chooser("c-ratios", "Rule:", ruleOptions, "*", drawGroups);
    drawGroups("*");
  } else {
    draw("c-ratios", [], null, "The scenario declares no traits, so there are no groups.");
    draw("c-parity", [], null, "The scenario declares no traits, so there are no groups.");
  }

  /* Lists: sizes, and members by group of one list and one trait. */
  draw("c-lists", lists, (rows) => ({
    width: HALF, height: 220, data: { values: rows },
    mark: { type: "line", point: true, tooltip: true },
    encoding: { x: { field: "day", type: "quantitative", axis: { format: "d", tickMinStep: 1 } }, y: { field: "size", type: "quantitative", title: "members" },
                color: { field: "list", type: "nominal" } },
  }), "The scenario keeps no lists.");
  const listNames = [...new Set(listGroups.map((m) => m.list))];
  const traitNames = [...new Set(listGroups.map((m) => m.trait))];
  if (listNames.length && traitNames.length) {
    const growth = (l) => {
      const s = lists.filter((d) => d.list === l);
      return s.length ? s[s.length - 1].size - s[0].size : 0;
    };
    const nonExempt = listNames.filter((l) => !lists.some((d) => d.list === l && d.exempt));
    const pool = nonExempt.length ? nonExempt : listNames;
    const state = { list: pool.slice().sort((a, b) => growth(b) - growth(a))[0], trait: traitNames[0] };
    const redraw = () => draw("c-list-groups",
      listGroups.filter((m) => m.list === state.list && m.trait === state.trait), (rows) => ({
        width: HALF, height: 220, data: { values: rows },
        mark: { type: "area", tooltip: true },
        encoding: { x: { field: "day", type: "quantitative", axis: { format: "d", tickMinStep: 1 } },
                    y: { field: "members", type: "quantitative", stack: "zero" },
                    color: { field: "value", type: "nominal", title: state.trait } },
      }), "No members in this list.");
    chooser("c-list-groups", "List:", listNames.map((l) => ({ value: l, label: l })), state.list,
            (v) => { state.list = v; redraw(); });
    chooser("c-list-groups", "Trait:", traitNames.map((t) => ({ value: t, label: t })), state.trait,
            (v) => { state.trait = v; redraw(); });
    redraw();
  } else draw("c-list-groups", [], null, "No list members by group in this run.");

  /* Evasion. */
  draw("c-evasion", evasion, (rows) => ({
    width: HALF - 120, data: { values: rows },
    mark: { type: "bar", tooltip: true },
    encoding: { y: { field: "kind", type: "nominal", title: null, sort: "-x" },
                x: { field: "yuan", type: "quantitative", title: "yuan spent" },
                color: { value: "#6b4fa0" } },
  }), "Nobody evaded.");
  draw("c-evasion-daily", daily.filter((d) => d.evasions !== null), (rows) => ({
    width: HALF - 60, height: 180, data: { values: rows },
    mark: { type: "line", point: true, tooltip: true },
    encoding: { x: { field: "day", type: "quantitative", axis: { format: "d", tickMinStep: 1 } }, y: { field: "evasions", type: "quantitative", title: "acts of evasion" },
                color: { value: "#6b4fa0" } },
  }));

  /* Red list: offences by exempt people against everyone else's. */
  draw("c-redlist", daily, (rows) => ({
    width: WIDE, height: 180, data: { values: rows },
    transform: [{ calculate: "datum.offences - datum.offences_by_exempt", as: "everyone else" },
                { calculate: "datum.offences_by_exempt", as: "red-listed people" },
                { fold: ["red-listed people", "everyone else"], as: ["who", "offences"] }],
    mark: { type: "bar", tooltip: true },
    encoding: { x: { field: "day", type: "ordinal" }, y: { field: "offences", type: "quantitative", stack: "zero" },
                color: { field: "who", type: "nominal", scale: { domain: ["red-listed people", "everyone else"],
                                                                  range: ["#a4262c", "#c9d6ea"] } } },
  }));

  /* Twin: percentage change against the twin. */
  draw("c-twin", twin.filter((t) => t.twin > 0), (rows) => ({
    width: HALF, data: { values: rows },
    transform: [{ calculate: "100 * datum.delta / datum.twin", as: "change" }],
    mark: { type: "bar", tooltip: true },
    encoding: { y: { field: "metric", type: "nominal", sort: null, title: null },
                x: { field: "change", type: "quantitative", title: "% change against the twin" },
                color: { condition: { test: "datum.change < 0", value: "#1f5aa6" }, value: "#a4262c" } },
  }), "Every metric is 0 in the twin.");

  gcSettle();
})();
