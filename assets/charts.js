/* charts.js — shared by report.html and sweep.html (inlined by glasscage).
 * gcData(id) reads a JSON data block; gcChart(el, spec) draws a Vega-Lite
 * spec with vega-embed as SVG and records in el.dataset.marks how many marks
 * it drew.  window.glasscage tells a test (or a curious reader) how many
 * charts were asked for, drawn and failed; `ready` turns true when all are
 * settled.  Chart failures are shown in place and logged as console errors. */
"use strict";
window.glasscage = { charts: 0, rendered: 0, failed: 0, ready: false, pending: [] };

function gcData(id) {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : null;
}


function gcMarks(view) {
  /* Count every non-group scenegraph item (points, bars, lines, text). */
  let n = 0;
  const walk = (node) => {
    if (!node) return;
    if (node.marktype && node.marktype !== "group") { n += (node.items || []).length; return; }
    for (const it of node.items || []) walk(it);
  };
  walk(view.scenegraph().root);
  return n;
}

function gcChart(el, spec) {
  window.glasscage.charts++;
  const base = { $schema: "https://vega.github.io/schema/vega-lite/v6.json",
                 config: { font: "system-ui, sans-serif", view: { stroke: null },
                           axis: { labelFontSize: 11, titleFontSize: 12 } } };
  const p = vegaEmbed(el, Object.assign(base, spec), { actions: false, renderer: "svg" })
    .then((res) => {
      const marks = gcMarks(res.view);
      el.dataset.marks = String(marks);
      window.glasscage.rendered++;
      return marks;
    })
    .catch((e) => {
      window.glasscage.failed++;
      el.textContent = "This chart could not be drawn: " + e;
      console.error("glasscage chart failed:", e);
    });
  window.glasscage.pending.push(p);
  return p;
}

function gcSettle() {
  Promise.all(window.glasscage.pending).then(() => { window.glasscage.ready = true; });
}

/* Numbers for people: thousands separators; ratios to 2 decimals. */
function gcNum(v, digits) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  if (digits === undefined) digits = Number.isInteger(v) ? 0 : 3;
  return v.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/* Builds an element with text only (never innerHTML for data). */
function gcEl(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
