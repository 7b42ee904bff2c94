// browser.mjs — opens a glasscage page (report.html, sweep.html) in Debian's
// headless Chromium through playwright-core, and waits until every chart has
// settled.  Shared by the page tests in this folder.
//
//   const page = await openPage("out/report.html");
//   page.errors      console errors and uncaught exceptions, in order
//   page.dialogs     messages of alert/confirm/prompt dialogs (dismissed): a page
//                    that opens one ran script it should not have
//   page.charts      window.glasscage: {charts, rendered, failed, ready}
//   await page.shot("build/screenshots/report.png");
//   await page.close();
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const CHROMIUM = process.env.GC_CHROMIUM || "/usr/bin/chromium";

export async function openPage(file, { width = 1200, height = 900, timeoutMs = 60000 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "gc-chromium-"));
  // Flags: root needs --no-sandbox; the machine has no network, so Chromium's
  // background connections are switched off rather than refused.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  const requests = [];
  const dialogs = [];
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => { if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) requests.push(r.url()); });
  await page.goto(pathToFileURL(resolve(file)).href, { waitUntil: "load", timeout: timeoutMs });
  await page.waitForFunction(() => window.glasscage && window.glasscage.ready === true, null, { timeout: timeoutMs });
  const charts = await page.evaluate(() => ({ charts: window.glasscage.charts, rendered: window.glasscage.rendered,
                                              failed: window.glasscage.failed }));
  return {
    page, errors, charts, dialogs,
    requests,   // anything but file: and data: means the page is not self-contained
    async shot(path, opts = {}) {
      mkdirSync(dirname(path), { recursive: true });
      await page.screenshot({ path, fullPage: true, ...opts });
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
