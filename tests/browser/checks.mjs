// Checks shared by the browser scripts: axe-core's WCAG 2.1 A/AA rules,
// no sideways scrolling at 375 px or at 200 % zoom, screenshots, and a
// watch on console errors and requests to other origins.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export function log(message) {
  console.log(`browser: ${message}`);
}

/** Collects in `problems` console errors, page errors, error statuses
 * (unless `expected(response)`) and requests outside `base`. */
export function watch(page, base, problems, expected = () => false) {
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && !expected(response)) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith("data:")) problems.push(`external request: ${url}`);
  });
}

/** axe-core finds no WCAG 2.1 A/AA violation (with every <details> open). */
export async function axeClean(page, where) {
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), AXE_TAGS);
  const violations = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
  );
  assert.deepEqual(violations, [], `${where}: accessibility violations`);
}

export async function noSidewaysScroll(page, where) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${where}: the page scrolls sideways by ${overflow} px`);
}

/** axe at 375 and 1280 px, no sideways scroll at 375 px and at 200 % zoom
 * (1280 px at 200 % = 640 CSS px), a full-page screenshot at each:
 * tests/browser/screenshots/NAME-{375,1280,zoom200}.png. */
export async function checkPage(page, name) {
  mkdirSync(screenshots, { recursive: true });
  for (const width of [375, 1280, 640]) {
    // Resized in place: the page shown may answer a form.
    await page.setViewportSize({ width, height: 900 });
    const where = width === 640 ? `${name} at 200 % zoom` : `${name} at ${width} px`;
    await noSidewaysScroll(page, where);
    if (width !== 640) await axeClean(page, where);
    const suffix = width === 640 ? "zoom200" : String(width);
    await page.screenshot({ path: path.join(screenshots, `${name}-${suffix}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  log(`${name}: axe-core clean at 375 and 1280 px, nothing cut off at 200 %`);
}
