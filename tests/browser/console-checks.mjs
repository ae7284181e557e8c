// What a console suite checks on every page, and how it signs in, shared
// so that each suite's script is only its story:
// - `watch`: console errors, failed requests (but the statuses a step
//   expects) and any request that leaves the server;
// - `checkPage`: axe-core's WCAG 2.1 A/AA rules at 375 and 1280 px, no
//   sideways scroll at 375 px, 1280 px or 200 % zoom (1280 px at 200 % =
//   640 CSS px), screenshots to tests/browser/screenshots/console-NAME-*.png;
// - `signInByEmail`: the sign-in page, the link read from the file
//   transport's .eml, and the button that spends it;
// - `waitFor`: polling for what the server does in the background (mail).
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

export const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

export function log(message) {
  console.log(`browser: ${message}`);
}

/** Collects into `problems` what should not happen on `page`; `expected`: HTTP statuses a step provokes. */
export function watch(page, problems, base, expected = new Set()) {
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && !expected.has(response.status())) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith("data:")) problems.push(`external request: ${url}`);
  });
}

async function axeClean(page, where) {
  // Collapsed details are checked open, as a reader opens them.
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), AXE_TAGS);
  const violations = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
  );
  assert.deepEqual(violations, [], `${where}: accessibility violations`);
}

/** axe at 375 and 1280 px, no sideways scroll there nor at 200 % zoom, screenshots. */
export async function checkPage(page, name) {
  mkdirSync(screenshots, { recursive: true });
  for (const width of [375, 1280, 640]) {
    // Resized in place: a page answering a POST cannot be loaded again.
    await page.setViewportSize({ width, height: 900 });
    const where = width === 640 ? `${name} at 200 % zoom` : `${name} at ${width} px`;
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${where}: the page scrolls sideways by ${overflow} px`);
    if (width !== 640) await axeClean(page, where);
    const suffix = width === 640 ? "zoom200" : String(width);
    await page.screenshot({ path: path.join(screenshots, `console-${name}-${suffix}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  log(`${name}: axe-core clean at 375 and 1280 px, nothing cut off at 200 %`);
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
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  const link = await waitFor(() => {
    for (const name of mailFiles(mailDir).filter((n) => !before.has(n))) {
      const text = mailText(mailDir, name);
      if (!text.toLowerCase().includes(email.toLowerCase())) continue;
      const found = text.match(new RegExp(`${base.replace(/[.:/]/g, "\\$&")}/console/[^\\s"<>]+`));
      if (found) return found[0];
    }
    return null;
  }, `a sign-in e-mail for ${email} in ${mailDir}`);
  await page.goto(link);
  // The button that spends the link (mail scanners that open links do not).
  await Promise.all([page.waitForNavigation(), page.locator("main form button[type=submit]").first().click()]);
  assert.match(page.url(), /\/console\//, `signed in: ${page.url()}`);
  return page;
}
