// What a console suite needs in Chromium: launching it, signing in with a
// link printed by `rinasce staff sign-in-link`, watching for console errors
// and outside requests, and checking a page (axe-core WCAG 2.1 A/AA at 375
// and 1280 px, no sideways scroll at 375 px nor at 200 % zoom, screenshots
// to tests/browser/screenshots/console-NAME-WIDTH.png).
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export function log(message) {
  console.log(`browser: ${message}`);
}

export function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: FLAGS, headless: true });
}

/**
 * Collects in `problems` what no console page may do: script errors, error
 * statuses other than the documents listed in `expected` (e.g. [409, 422]
 * for refused forms, which answer with the page again), requests outside `base`.
 */
export function watch(page, base, problems, expected = []) {
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    const refusedForm = expected.includes(response.status()) && response.request().resourceType() === "document";
    if (response.status() >= 400 && !refusedForm) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith("data:")) problems.push(`external request: ${url}`);
  });
}

/** Opens a single-use sign-in link and spends it with its button. */
export async function signInWithLink(context, link) {
  const page = await context.newPage();
  await page.goto(link);
  const confirm = page.locator("main form button[type=submit]");
  if (page.url().includes("/accesso/") && (await confirm.count()) > 0) {
    await Promise.all([page.waitForNavigation(), confirm.first().click()]);
  }
  assert.match(page.url(), /\/console\//, `signed in: ${page.url()}`);
  assert.doesNotMatch(page.url(), /\/accesso/, `signed in: ${page.url()}`);
  return page;
}

async function axeClean(page, where) {
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), AXE_TAGS);
  const violations = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
  );
  assert.deepEqual(violations, [], `${where}: accessibility violations`);
}

async function noSidewaysScroll(page, where) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${where}: the page scrolls sideways by ${overflow} px`);
}

/** axe at 375 and 1280 px, no sideways scroll at 375 px and at 200 % zoom, screenshots. */
export async function checkPage(page, name) {
  mkdirSync(screenshots, { recursive: true });
  for (const width of [375, 1280, 640]) {
    // Resized in place: a page answering a POST cannot be loaded again.
    await page.setViewportSize({ width, height: 900 });
    const where = width === 640 ? `${name} at 200 % zoom` : `${name} at ${width} px`;
    await noSidewaysScroll(page, where);
    if (width !== 640) await axeClean(page, where);
    const suffix = width === 640 ? "zoom200" : String(width);
    await page.screenshot({ path: path.join(screenshots, `console-${name}-${suffix}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  log(`${name}: axe-core clean at 375 and 1280 px, nothing cut off at 200 %`);
}

/** Clicks `locator` (or presses Enter in it) and waits for the page it leads to. */
export async function submitAndWait(page, action) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), action()]);
}
