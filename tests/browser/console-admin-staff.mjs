// The admin pages for staff, thematic areas and settings in a real browser:
// `node console-admin-staff.mjs BASE_URL SIGN_IN_LINK` with MARIO_TOKEN set
// to the API token of the moderator Mario Rossi.
//
// An admin signs in through a single-use link, creates a moderator (reads
// the token shown once, copies it with the button, uses it on the API),
// changes a role, deactivates then reactivates Mario (his token stops, then
// works again), gets a refused form back, reorders the areas with the
// keyboard only (Tab and Enter on the move buttons, with and without
// JavaScript) and with a mouse drag, checking the order on the page and
// through GET /api/v1/thematic-areas. Every page passes axe-core's WCAG 2.1
// A/AA rules at 375 and 1280 px, does not scroll sideways at 375 px, 1280 px
// or 200 % zoom (1280 px at 200 % = 640 CSS px), and is photographed to
// tests/browser/screenshots/console-admin-*.png.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const [baseArg, signInLink] = process.argv.slice(2);
const base = baseArg.replace(/\/$/, "");
const marioToken = process.env.MARIO_TOKEN;
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

function log(message) {
  console.log(`browser: ${message}`);
}

/** Console errors, failed requests (but the refusals a step expects) and requests elsewhere. */
function watch(page, problems, expected) {
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
  await page.evaluate(AXE);
  const result = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags } }), AXE_TAGS);
  const violations = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
  );
  assert.deepEqual(violations, [], `${where}: accessibility violations`);
}

/**
 * axe at 375 and 1280 px, no sideways scroll there nor at 200 % zoom,
 * screenshots. A page without JavaScript cannot run axe: its markup is the
 * same as the page checked with it.
 */
async function checkPage(page, name, { axe = true } = {}) {
  mkdirSync(screenshots, { recursive: true });
  for (const width of [375, 1280, 640]) {
    // Resized in place: a page answering a POST cannot be loaded again.
    await page.setViewportSize({ width, height: 900 });
    const where = width === 640 ? `${name} at 200 % zoom` : `${name} at ${width} px`;
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${where}: the page scrolls sideways by ${overflow} px`);
    if (axe && width !== 640) await axeClean(page, where);
    const suffix = width === 640 ? "zoom200" : String(width);
    await page.screenshot({ path: path.join(screenshots, `console-admin-${name}-${suffix}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  log(`${name}: ${axe ? "axe-core clean at 375 and 1280 px, " : ""}nothing cut off at 200 %`);
}

async function apiStatus(token, url) {
  const response = await fetch(`${base}/api/v1${url}`, { headers: { Authorization: `Bearer ${token}` } });
  return response.status;
}

async function apiOrder() {
  const { items } = await (await fetch(`${base}/api/v1/thematic-areas`)).json();
  assert.deepEqual(items.map((a) => a.position), items.map((_, i) => i + 1), "positions stay 1..n");
  return items;
}

/** The areas' names in the page's order. */
async function pageOrder(page) {
  return page.locator("#aree-elenco > li").evaluateAll((items) =>
    items.map((item) => item.querySelector(".area-nome").textContent.replace(/^\s*\d+\.\s*/, "").trim()),
  );
}

/** What has the focus: the area of its list item and its direction, or its text. */
async function focused(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    const item = element.closest("#aree-elenco > li");
    return item ? `${item.dataset.codice}:${element.dataset.verso ?? element.textContent.trim()}` : element.textContent.trim();
  });
}

/** Tab, and nothing else, until `wanted` has the focus. */
async function tabTo(page, wanted, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if ((await focused(page)) === wanted) return;
  }
  throw new Error(`Tab never reached ${wanted}; at ${await focused(page)}`);
}

async function card(page, name) {
  return page.locator("li.account", { has: page.locator("h3", { hasText: name }) });
}

async function submitAndWait(page, locator) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), locator.click()]);
}

async function staffChores(page) {
  await page.goto(`${base}/console/admin`);
  await checkPage(page, "indice");
  await submitAndWait(page, page.getByRole("link", { name: "Personale" }));
  assert.equal(await page.locator("h1").textContent(), "Personale");
  await checkPage(page, "personale");

  // A moderator: the token is shown once, copied by the button, and works.
  await page.fill("#nuovo-name", "Giulia Verdi");
  await page.fill("#nuovo-email", "giulia.verdi@comune.example.org");
  await page.selectOption("#nuovo-role", "moderator");
  await submitAndWait(page, page.getByRole("button", { name: "Crea l'account" }));
  assert.equal(await page.locator("h1").textContent(), "Account creato: Giulia Verdi");
  const token = await page.inputValue("#token");
  assert.match(token, /^rf_/);
  assert.equal(await page.getAttribute("#token", "readonly"), "");
  await page.getByRole("button", { name: "Copia il token" }).click();
  await page.waitForFunction(() => document.getElementById("copia-esito").textContent !== "");
  assert.equal(await page.textContent("#copia-esito"), "Token copiato negli appunti.");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token, "the clipboard holds the token");
  assert.equal(await apiStatus(token, "/moderation/contributions"), 200, "the new token works");
  await checkPage(page, "token");
  log("a moderator created; the token shown once was copied and works on the API");

  // The role: moderator → researcher, at once.
  await page.goto(`${base}/console/admin/personale`);
  const giulia = await card(page, "Giulia Verdi");
  assert.doesNotMatch(await page.content(), new RegExp(token), "the token is not shown again");
  await giulia.locator("select[name=role]").selectOption("researcher");
  await submitAndWait(page, giulia.getByRole("button", { name: "Cambia il ruolo di Giulia Verdi" }));
  assert.equal(await page.locator(".avviso-successo").textContent(), "Ora il ruolo di Giulia Verdi è: ricerca.");
  assert.equal(await apiStatus(token, "/moderation/contributions"), 403, "a researcher does not moderate");
  log("a role changed; it applies at once");

  // Mario: deactivated after the confirmation page, then reactivated.
  const mario = await card(page, "Mario Rossi");
  await submitAndWait(page, mario.getByRole("link", { name: "Disattiva… Mario Rossi" }));
  assert.equal(await page.locator("h1").textContent(), "Disattivare l'account di Mario Rossi?");
  await checkPage(page, "conferma");
  assert.equal(await apiStatus(marioToken, "/moderation/contributions"), 200, "nothing before confirming");
  await submitAndWait(page, page.getByRole("button", { name: "Disattiva l'account" }));
  assert.match(await page.locator(".avviso-successo").textContent(), /Account di Mario Rossi disattivato/);
  assert.match(await (await card(page, "Mario Rossi")).textContent(), /disattivato/);
  assert.equal(await apiStatus(marioToken, "/moderation/contributions"), 401, "the token stopped");
  await submitAndWait(page, (await card(page, "Mario Rossi")).getByRole("button", { name: "Riattiva Mario Rossi" }));
  assert.match(await page.locator(".avviso-successo").textContent(), /Account di Mario Rossi riattivato/);
  assert.equal(await apiStatus(marioToken, "/moderation/contributions"), 200, "the token works again");
  await checkPage(page, "personale-esito");
  log("Mario deactivated (token refused) and reactivated (token accepted)");

  // A refused form: the message beside the field, what was typed kept, the summary focused.
  await page.fill("#nuovo-name", "Piero Neri");
  await page.fill("#nuovo-email", "piero.neri");
  await page.selectOption("#nuovo-role", "researcher");
  await submitAndWait(page, page.getByRole("button", { name: "Crea l'account" }));
  assert.match(await page.textContent("#nuovo-email-errore"), /non è un indirizzo e-mail valido/);
  assert.equal(await page.inputValue("#nuovo-name"), "Piero Neri");
  assert.equal(await page.inputValue("#nuovo-email"), "piero.neri");
  assert.equal(await page.inputValue("#nuovo-role"), "researcher");
  assert.match(await page.evaluate(() => document.activeElement.textContent), /Account non creato/);
  await checkPage(page, "personale-errore");

  // The admin's own card says why it cannot be deactivated.
  assert.match(await (await card(page, "Chiara Conti")).textContent(), /ultimo amministratore attivo/);

  // English.
  await page.goto(`${base}/console/admin/personale`);
  await submitAndWait(page, page.getByRole("link", { name: "English" }));
  assert.equal(await page.locator("h1").textContent(), "Staff");
  await checkPage(page, "personale-en");
  await submitAndWait(page, page.getByRole("link", { name: "Italiano" }));
  log("the refused form, the admin's own card and the English page checked");
}

async function areaChores(page, withoutScript) {
  const before = await apiOrder();
  await page.goto(`${base}/console/admin/aree`);
  await checkPage(page, "aree");
  assert.deepEqual(await pageOrder(page), before.map((a) => a.name));

  // Keyboard only, with the script: the third area up twice; the focus stays on its button.
  const third = before[2];
  await page.locator("body").focus();
  await tabTo(page, `${third.code}:su`);
  await page.keyboard.press("Enter");
  await page.waitForFunction((name) => document.getElementById("esito").textContent.includes(`«${name}» ora è in posizione 2 di 9.`), third.name);
  assert.equal(await focused(page), `${third.code}:su`, "the focus stays on the moved area's button");
  await page.keyboard.press("Enter");
  await page.waitForFunction((name) => document.getElementById("esito").textContent.includes(`«${name}» ora è in posizione 1 di 9.`), third.name);
  assert.equal(await focused(page), `${third.code}:giu`, "at the top, the focus moves to its other button");
  let expected = [third, before[0], before[1], ...before.slice(3)];
  assert.deepEqual(await pageOrder(page), expected.map((a) => a.name), "the page's order");
  assert.deepEqual((await apiOrder()).map((a) => a.code), expected.map((a) => a.code), "the API's order");
  log(`keyboard only (Tab, Enter, Enter): ${third.code} moved to the top, focus kept`);

  // Keyboard only, without JavaScript: plain form posts, the page comes back focused.
  await withoutScript.goto(`${base}/console/admin/aree`);
  assert.equal(await withoutScript.locator(".maniglia:visible").count(), 0, "no drag handles without a script");
  const first = expected[0];
  await withoutScript.locator("body").focus();
  await tabTo(withoutScript, `${first.code}:giu`);
  await Promise.all([withoutScript.waitForNavigation({ waitUntil: "load" }), withoutScript.keyboard.press("Enter")]);
  assert.match(withoutScript.url(), new RegExp(`spostata=${first.code}&verso=giu`));
  assert.equal(await focused(withoutScript), `${first.code}:giu`, "the moved area's button has the focus");
  assert.match(await withoutScript.textContent("#esito"), new RegExp(`«${first.name}» ora è in posizione 2 di 9.`));
  expected = [expected[1], first, ...expected.slice(2)];
  assert.deepEqual((await apiOrder()).map((a) => a.code), expected.map((a) => a.code));
  await checkPage(withoutScript, "aree-senza-script", { axe: false });
  log(`without JavaScript: Tab, Enter moved ${first.code} down, focus kept after the page came back`);

  // A drag with the mouse: the last area onto the first (a window tall
  // enough to show both).
  await page.setViewportSize({ width: 1280, height: 2400 });
  await page.reload();
  const last = expected[8];
  const handle = page.locator(`#area-${last.code} .maniglia`);
  assert.ok(await handle.isVisible(), "the script shows the drag handles");
  const from = await handle.boundingBox();
  const target = await page.locator("#aree-elenco > li").first().boundingBox();
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + 5, { steps: 20 });
  await page.mouse.up();
  await page.waitForFunction((name) => document.getElementById("esito").textContent.includes(`«${name}» ora è in posizione 1 di 9.`), last.name);
  await page.setViewportSize({ width: 1280, height: 900 });
  expected = [last, ...expected.slice(0, 8)];
  assert.deepEqual(await pageOrder(page), expected.map((a) => a.name), "the page's order after the drag");
  assert.deepEqual((await apiOrder()).map((a) => a.code), expected.map((a) => a.code), "the API's order after the drag");
  await checkPage(page, "aree-spostate");
  log(`a mouse drag moved ${last.code} to the top`);

  // One area's page, and the settings.
  await submitAndWait(page, page.getByRole("link", { name: `Modifica ${last.name}` }));
  await checkPage(page, "area");
  await page.goto(`${base}/console/admin/impostazioni`);
  assert.match(await page.locator("main").textContent(), /RINASCE_TARGET/);
  await checkPage(page, "impostazioni");
}

async function main() {
  const browser = await chromium.launch({ executablePath, args: FLAGS, headless: true });
  const problems = [];
  // A refused form answers 422 by design.
  const expected = new Set([422]);
  try {
    const context = await browser.newContext({ locale: "it-IT", viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
    const page = await context.newPage();
    watch(page, problems, expected);
    await page.goto(signInLink);
    await submitAndWait(page, page.getByRole("button", { name: "Accedi" }));
    assert.equal(new URL(page.url()).pathname, "/console/");
    log("the admin signed in through the single-use link");

    await staffChores(page);

    const noScriptContext = await browser.newContext({ locale: "it-IT", viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    await noScriptContext.addCookies(await context.cookies());
    const withoutScript = await noScriptContext.newPage();
    watch(withoutScript, problems, expected);
    await areaChores(page, withoutScript);

    assert.deepEqual(problems, [], "console errors, failed or external requests");
    log("all checks passed");
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`browser: FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
});
