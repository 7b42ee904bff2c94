// guide_shots.mjs — regenerates the screenshots of docs/guide.md from real runs.
//   node tools/guide_shots.mjs BUILD_DIR        (make guide-shots)
// Runs the guide's own commands into a temporary folder, opens the pages in
// headless Chromium (tests/browser/browser.mjs) and saves element screenshots
// to docs/images/guide-*.png.  Nothing in the guide's pictures is drawn by hand.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { openPage } from "../tests/browser/browser.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const exe = resolve(process.argv[2] || "build", "glasscage");
const images = join(root, "docs", "images");
mkdirSync(images, { recursive: true });
const tmp = mkdtempSync(join(tmpdir(), "gc-guide-"));
const gc = (...args) => execFileSync(exe, args, { stdio: ["ignore", "ignore", "inherit"] });

async function shoot(file, shots) {
  const p = await openPage(file, { width: 1100, height: 900 });
  if (p.errors.length || p.charts.failed) throw new Error(`${file}: ${p.errors.join("; ")}`);
  for (const [name, selector, maxHeight, open] of shots) {
    if (open) await p.page.evaluate((s) => { for (const d of document.querySelectorAll(s)) d.open = true; }, open);
    const el = await p.page.$(selector);
    if (!el) throw new Error(`${file}: no element ${selector}`);
    const b = await el.boundingBox();
    const out = join(images, `guide-${name}.png`);
    await p.page.screenshot({ path: out, fullPage: true,
      clip: { x: Math.max(0, b.x - 8), y: Math.max(0, b.y - 8), width: b.width + 16, height: Math.min(b.height, maxHeight) + 16 } });
    console.log(`wrote ${out}`);
  }
  await p.close();
}

try {
  gc("run", "--out", join(tmp, "default"), "--quiet");
  await shoot(join(tmp, "default", "report.html"), [
    ["headline", "#headline", 900],
    ["rules", "#rules", 1100],
    ["groups", "#groups", 1000],
    ["lists", "#lists", 900],
  ]);
  gc("run", "builtin:tianjin_petitioners", "--twin", "no-response", "--out", join(tmp, "tianjin"), "--quiet");
  await shoot(join(tmp, "tianjin", "report.html"), [
    ["twin", "#twin", 1000],
    ["explained", "#explained", 700, "#explained details.agent"],
  ]);
  gc("sweep", "builtin:key_persons", "--set", "population.size=100000", "--vary", "response.capacity_per_day=10,40,160",
     "--replicates", "3", "--out", join(tmp, "sweep"), "--quiet");
  await shoot(join(tmp, "sweep", "sweep.html"), [["sweep", "#sweep section", 1000]]);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
