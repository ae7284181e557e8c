// Signing in to the staff console in a real browser:
// `node console-signin.mjs BASE_URL MAIL_DIR EMAIL`.
//
// A moderator asks for a link on the sign-in page, reads it from the .eml
// file the server delivered, presses the button and sees the console's
// home. A POST without the CSRF token changes nothing; signing out ends the
// session. At 375 px and 1280 px: axe-core's WCAG 2.1 A/AA rules on each
// page, nothing overflowing sideways, a screenshot in screenshots/.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const [baseArg, mailDir, email] = process.argv.slice(2);
const base = baseArg.replace(/\/$/, "");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const WIDTHS = [375, 1280];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

function log(message) {
  console.log(`browser: ${message}`);
}

/** Console errors and requests to anywhere but the server. */
function watch(page, problems) {
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("request", (request) => {
    if (!request.url().startsWith(base)) problems.push(`request outside the server: ${request.url()}`);
  });
}

/** axe-core, no sideways overflow and a screenshot, at each width. */
async function checkPage(page, name) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(AXE);
    const result = await page.evaluate(() =>
      window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
    );
    const violations = result.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
    );
    assert.deepEqual(violations, [], `${name} at ${width} px: accessibility violations`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} at ${width} px: ${overflow} px overflow sideways`);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, `console-${name}-${width}.png`), fullPage: true });
  }
  log(`${name}: no WCAG 2.1 AA violations at ${WIDTHS.join(" and ")} px, screenshots written`);
}

/** Quoted-printable text, decoded. */
function unquote(text) {
  const bytes = text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** The sign-in link of the message delivered to `address` (polls the folder). */
async function deliveredLink(address) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const files = existsSync(mailDir) ? readdirSync(mailDir).filter((f) => f.endsWith(".eml")) : [];
    for (const file of files) {
      const message = unquote(readFileSync(path.join(mailDir, file), "utf8"));
      if (!message.includes(address)) continue;
      const link = message.match(/https?:\/\/[^\s"<>]+\/console\/accesso\/link\?token=[^\s"<>]+/);
      if (link) return link[0].replaceAll("&amp;", "&");
    }
    await sleep(100);
  }
  throw new Error(`no sign-in link for ${address} in ${mailDir}`);
}

const profile = mkdtempSync(path.join(tmpdir(), "rinasce-chromium-"));
try {
  const context = await chromium.launchPersistentContext(profile, { executablePath, args: FLAGS, headless: true, locale: "it-IT" });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    watch(page, problems);

    // Not signed in: the console sends to the sign-in page, coming back after.
    await page.goto(`${base}/console/`);
    assert.equal(new URL(page.url()).pathname, "/console/accesso");
    assert.equal(await page.locator("h1").textContent(), "Accesso alla console");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Vai al contenuto", "the skip link comes first");
    await checkPage(page, "accesso");

    // Asking for the link, with the keyboard only.
    await page.locator("#email").focus();
    await page.keyboard.type(email);
    await page.keyboard.press("Enter");
    await page.waitForURL(`${base}/console/accesso`);
    assert.equal(await page.locator("h1").textContent(), "Controlla la posta");
    await checkPage(page, "collegamento-inviato");

    const link = await deliveredLink(email);
    assert.ok(link.startsWith(`${base}/console/accesso/link?token=`), link);
    await page.goto(link);
    await checkPage(page, "collegamento");
    await page.getByRole("button", { name: "Accedi" }).click();
    await page.waitForURL(`${base}/console/`);
    assert.match(await page.locator("main").textContent(), /Anna Bianchi/);
    assert.match(await page.locator("header").textContent(), /Anna Bianchi/);
    const [cookie] = (await context.cookies(`${base}/console/`)).filter((c) => c.name === "rinasce_sessione");
    assert.ok(cookie, "a session cookie");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Strict");
    assert.equal(cookie.path, "/console");
    await checkPage(page, "inizio");
    log("signed in through the link from the .eml file");

    // The link works once.
    const again = await context.newPage();
    await again.goto(link);
    await again.getByRole("button", { name: "Accedi" }).click();
    assert.equal(await again.locator("h1").textContent(), "Collegamento non valido");
    await again.close();

    // A POST without the CSRF token, from the console's own page: refused, nothing changed.
    const before = problems.length;
    const refused = await page.evaluate(async () => {
      const response = await fetch("/console/esci", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "",
      });
      return response.status;
    });
    assert.equal(refused, 403, "sign-out without the CSRF token");
    problems.splice(before); // Chromium logs the expected 403.
    await page.reload();
    assert.equal(new URL(page.url()).pathname, "/console/", "still signed in");
    log("a POST without the CSRF token changed nothing");

    // English through the switch, and back.
    await page.getByRole("link", { name: "English" }).click();
    assert.equal(await page.locator("html").getAttribute("lang"), "en");
    assert.equal(await page.locator("h1").textContent(), "Staff console");
    await checkPage(page, "inizio-en");
    await page.getByRole("link", { name: "Italiano" }).click();
    assert.equal(await page.locator("html").getAttribute("lang"), "it");

    // Signing out ends the session.
    await page.getByRole("button", { name: "Esci" }).click();
    await page.waitForURL(`${base}/console/accesso?uscita=1`);
    assert.match(await page.locator("main").textContent(), /Sei uscita o uscito/);
    await checkPage(page, "uscita");
    await page.goto(`${base}/console/`);
    assert.equal(new URL(page.url()).pathname, "/console/accesso", "signed out");
    log("signing out ended the session");

    assert.deepEqual(problems, [], "console errors or requests outside the server");
  } finally {
    await context.close();
  }
  log("all checks passed");
} catch (error) {
  console.error(`browser: FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  rmSync(profile, { recursive: true, force: true });
}
