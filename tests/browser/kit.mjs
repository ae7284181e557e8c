// What the browser suites share, so that each suite's script is only its story:
// - `launch`: Debian's Chromium, headless (CHROMIUM overrides the path);
// - `watch`: console errors, failed requests (but the statuses a step
//   expects) and any request that leaves the server;
// - `checkPage`: axe-core's WCAG 2.1 A/AA rules at 375 and 1280 px, no
//   sideways scroll at 375 px, 1280 px or 200 % zoom (1280 px at 200 % =
//   640 CSS px), screenshots to tests/browser/screenshots/NAME-*.png;
// - signing in to the console: with a link printed by
//   `rinasce staff sign-in-link`, or through the e-mail read from the file
//   transport's .eml;
// - `waitFor`: polling for what the server does in the background (mail).
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
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
 * Collects in `problems` what no page may do: script errors, error statuses
 * a step does not expect, requests outside `base`. `expected` lists the
 * statuses a step provokes (e.g. [409, 422] for refused forms), or is a
 * predicate over the response.
 */
export function watch(page, base, problems, expected = []) {
  const isExpected = typeof expected === "function" ? expected : (response) => expected.includes(response.status());
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && !isExpected(response)) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith("data:")) problems.push(`external request: ${url}`);
  });
}

/** axe-core finds no WCAG 2.1 A/AA violation (with every <details> open, as a reader opens them). */
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

/** axe at 375 and 1280 px, no sideways scroll there nor at 200 % zoom, a
 * full-page screenshot at each: tests/browser/screenshots/NAME-{375,1280,zoom200}.png. */
export async function checkPage(page, name) {
  mkdirSync(screenshots, { recursive: true });
  for (const width of [375, 1280, 640]) {
    // Resized in place: a page answering a POST cannot be loaded again.
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

/** Clicks (or presses Enter) through `action` and waits for the page it leads to. */
export async function submitAndWait(page, action) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), action()]);
}

/** Spends a single-use sign-in link with its button (mail scanners that only open links do not). */
async function spendSignInLink(page, link) {
  await page.goto(link);
  const confirm = page.locator("main form button[type=submit]");
  if (page.url().includes("/accesso/") && (await confirm.count()) > 0) {
    await submitAndWait(page, () => confirm.first().click());
  }
  assert.match(page.url(), /\/console\//, `signed in: ${page.url()}`);
  assert.doesNotMatch(page.url(), /\/accesso/, `signed in: ${page.url()}`);
  return page;
}

/** Opens a link printed by `rinasce staff sign-in-link` in `context`; returns the page, signed in. */
export async function signInWithLink(context, link) {
  return spendSignInLink(await context.newPage(), link);
}

/** The .eml files in `mailDir`. */
export function mailFiles(mailDir) {
  try {
    return readdirSync(mailDir).filter((name) => name.endsWith(".eml"));
  } catch {
    return [];
  }
}

/** The text of an .eml, quoted-printable soft breaks and `=3D` undone. */
export function mailText(mailDir, name) {
  return readFileSync(path.join(mailDir, name), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
}

/** Polls `condition` every 100 ms (at most `tries` times) until it returns something; returns that. */
export async function waitFor(condition, what, tries = 100) {
  for (let attempt = 0; attempt < tries; attempt++) {
    const result = await condition();
    if (result) return result;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`waited in vain for ${what}`);
}

/** Signs `email` in, in `context`, through the e-mail link; returns the page, signed in. */
export async function signInByEmail(context, base, mailDir, email) {
  const page = await context.newPage();
  await page.goto(`${base}/console/`);
  assert.match(page.url(), /\/console\/accesso/, "the console asks to sign in first");
  const before = new Set(mailFiles(mailDir));
  await page.fill("#email", email);
  await submitAndWait(page, () => page.keyboard.press("Enter"));
  const link = await waitFor(() => {
    for (const name of mailFiles(mailDir).filter((n) => !before.has(n))) {
      const text = mailText(mailDir, name);
      if (!text.toLowerCase().includes(email.toLowerCase())) continue;
      const found = text.match(new RegExp(`${base.replace(/[.:/]/g, "\\$&")}/console/[^\\s"<>]+`));
      if (found) return found[0];
    }
    return null;
  }, `a sign-in e-mail for ${email} in ${mailDir}`);
  return spendSignInLink(page, link);
}
