// The page where an author confirms a contribution's address, in a real
// browser: `node conferma.mjs BASE_URL MAIL_DIR`.
//
// Submits a contribution, reads the confirmation link in the
// acknowledgement (.eml of the file transport), and at 375 and 1280 px
// checks the page (which has no script of its own): no request
// outside the server, nothing overflowing sideways, axe-core's WCAG 2.1
// A/AA rules, a screenshot. Then, keyboard only, confirms with the button,
// and checks the confirmed page and the page of an unknown link (404).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const base = process.argv[2].replace(/\/$/, "");
const mailDir = process.argv[3];
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

function log(message) {
  console.log(`browser: ${message}`);
}

async function submit() {
  const response = await fetch(`${base}/api/v1/contributions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      thematic_area: "mobilita-green",
      title: "Più piste ciclabili sui viali",
      body: "Collegare i viali con una pista ciclabile protetta, da Porta al Prato a Piazza Beccaria.",
      author: { kind: "citizen", given_name: "Maria", family_name: "Rossi", email: "maria.rossi@example.org", quartiere: 2 },
      privacy_notice_accepted: true,
      contact_consent: false,
    }),
  });
  assert.equal(response.status, 201, "submission");
  return (await response.json()).reference;
}

/** The link's path, from the acknowledgement as the mail worker wrote it (quoted-printable). */
async function confirmationPath() {
  for (let attempt = 0; attempt < 100; attempt++) {
    for (const file of readdirSync(mailDir, { withFileTypes: true }).filter((f) => f.name.endsWith(".eml"))) {
      const text = readFileSync(path.join(mailDir, file.name), "utf8")
        .replace(/=\r?\n/g, "")
        .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
      const found = text.match(/\/conferma\/[A-Za-z0-9_-]{43}/);
      if (found) return found[0];
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no acknowledgement with a confirmation link in ${mailDir}`);
}

function watch(page, problems) {
  page.on("console", (message) => problems.push(`console ${message.type()}: ${message.text()}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()}`));
  page.on("request", (request) => {
    if (!request.url().startsWith(`${base}/`)) problems.push(`external request: ${request.url()}`);
  });
}

async function assertAccessible(page, where) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const violations = result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  assert.deepEqual(violations, [], `${where}: accessibility violations`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  assert.equal(overflow, false, `${where}: the page overflows sideways`);
}

async function screenshot(page, name) {
  mkdirSync(screenshots, { recursive: true });
  const file = path.join(screenshots, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return path.relative(process.cwd(), file);
}

/** A fresh browser at `width`, watched for console messages and outside requests. */
async function withPage(width, work, expected = []) {
  const profile = mkdtempSync(path.join(tmpdir(), "rinasce-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, args: FLAGS, headless: true, viewport: { width, height: 800 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    watch(page, problems);
    await work(page);
    assert.deepEqual(problems, expected, `${width} px: console messages or failed requests`);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

try {
  const reference = await submit();
  const link = await confirmationPath();
  for (const width of [375, 1280]) {
    await withPage(width, async (page) => {
      const response = await page.goto(`${base}${link}`, { waitUntil: "load" });
      assert.equal(response.status(), 200);
      assert.equal(await page.locator("h1").textContent(), "Conferma il tuo contributo");
      assert.ok((await page.locator("main").textContent()).includes(reference));
      await assertAccessible(page, `${width} px`);
      log(`${width} px: the page asks, axe-core finds nothing, screenshot ${await screenshot(page, `conferma-${width}`)}`);
    });
  }
  await withPage(375, async (page) => {
    await page.goto(`${base}${link}`, { waitUntil: "load" });
    // Keyboard only: the button is the first stop, Enter presses it.
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), "BUTTON");
    await Promise.all([page.waitForURL(`${base}${link}`), page.keyboard.press("Enter")]);
    await page.waitForSelector("p[role=status]");
    assert.equal(await page.locator("h1").textContent(), "Contributo confermato");
    assert.equal(await page.locator("form").count(), 0, "no second button");
    await assertAccessible(page, "confirmed");
    log(`confirmed with the keyboard, screenshot ${await screenshot(page, "conferma-fatto-375")}`);
  });
  await withPage(375, async (page) => {
    const response = await page.goto(`${base}/conferma/${"A".repeat(43)}`, { waitUntil: "load" });
    assert.equal(response.status(), 404);
    assert.equal(await page.locator("h1").textContent(), "Collegamento non valido");
    await assertAccessible(page, "unknown link");
    log("an unknown link: 404 page, axe-core finds nothing");
  }, ["console error: Failed to load resource: the server responded with a status of 404 (Not Found)"]);
  log("all checks passed");
} catch (error) {
  console.error(`browser: FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
}
