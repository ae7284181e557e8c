// The dashboard in a real browser: `node cruscotto.mjs BASE_URL`.
//
// Drives Debian's headless Chromium (CHROMIUM, default /usr/bin/chromium)
// with a fresh profile. At 375 px and 1280 px it checks that /cruscotto
// renders with no console errors and no request outside the server, that
// every figure shown equals GET /api/v1/indicators, that nothing overflows
// sideways, and writes a screenshot to tests/browser/screenshots/. It also
// checks the 60-second refresh (with a fake clock: new figures, no reload),
// the page without JavaScript, the badge, and runs axe-core's WCAG 2.1 A/AA
// rules (contrast included) with every table alternative open.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const base = (process.argv[2] ?? process.env.RINASCE_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const WIDTHS = [375, 1280];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

function log(message) {
  console.log(`browser: ${message}`);
}

async function indicators() {
  const response = await fetch(`${base}/api/v1/indicators`);
  assert.equal(response.status, 200, "GET /api/v1/indicators");
  return response.json();
}

/** `1.234,5%` → 1234.5 */
function italianNumber(text) {
  const cleaned = text.replace(/\s|%/g, "").replace(/\./g, "").replace(",", ".");
  assert.match(cleaned, /^-?\d+(\.\d+)?$/, `not a number: ${JSON.stringify(text)}`);
  return Number(cleaned);
}

/** Every figure the page must show, keyed as in its data-figure attributes. */
function expectedFigures(api) {
  const figures = new Map([
    ["counted", api.counted],
    ["target", api.target],
    ["received", api.received],
    ["percent", api.percent],
  ]);
  for (const area of api.by_thematic_area) figures.set(`area:${area.code}`, area.count);
  for (const q of api.by_quartiere) figures.set(`quartiere:${q.quartiere ?? "nessuno"}`, q.count);
  for (const kind of api.by_author_kind) figures.set(`autore:${kind.kind}`, kind.count);
  return figures;
}

/** The figures on the page: [{key, text, visible}]. */
function shownFigures(page) {
  return page.$$eval("[data-figure]", (elements) =>
    elements.map((element) => ({
      key: element.dataset.figure,
      text: element.textContent,
      visible: element.checkVisibility(),
    })),
  );
}

async function assertFiguresMatch(page, api, where) {
  const shown = await shownFigures(page);
  for (const [key, value] of expectedFigures(api)) {
    const elements = shown.filter((figure) => figure.key === key);
    assert.ok(elements.length > 0, `${where}: no figure ${key}`);
    assert.ok(elements.some((figure) => figure.visible), `${where}: figure ${key} is not visible`);
    for (const figure of elements) {
      assert.equal(italianNumber(figure.text), value, `${where}: ${key} shows ${figure.text}, the API says ${value}`);
    }
  }
  const reached = shown.filter((figure) => figure.key === "reached_at");
  assert.equal(reached.length, api.reached_at ? 1 : 0, `${where}: "obiettivo raggiunto" shown iff reached_at is set`);
  if (api.reached_at) assert.match(reached[0].text, /obiettivo raggiunto il/);

  const rows = await page.$$eval("#tabella-andamento tbody tr", (trs) => trs.map((tr) => tr.textContent));
  assert.equal(rows.length, api.daily.length, `${where}: one table row per day`);
  if (api.daily.length > 0) {
    const cells = await page.$$eval("#tabella-andamento tbody tr:last-child td", (tds) => tds.map((td) => td.textContent));
    assert.equal(italianNumber(cells[1]), api.daily.at(-1).cumulative, `${where}: last cumulative`);
  }

  // Fewer than 7 complete days of data: no projected date.
  const today = Date.parse(api.generated_at.slice(0, 10));
  const completeDays = api.daily.length ? (today - Date.parse(api.daily[0].date)) / 86400000 : 0;
  if (completeDays < 7 || api.counted >= api.target) {
    assert.ok(!shown.some((figure) => figure.key === "projection"), `${where}: a projection with too little data`);
  }
}

function watch(page, problems) {
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith("data:")) problems.push(`external request: ${url}`);
  });
}

async function submitOne() {
  const response = await fetch(`${base}/api/v1/contributions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      thematic_area: (await indicators()).by_thematic_area.at(-1).code,
      title: "Contributo arrivato durante il test",
      body: "Il cruscotto deve mostrarlo entro un minuto senza ricaricare la pagina.",
      author: {
        kind: "cultural_association",
        given_name: "Anna",
        family_name: "Verdi",
        organization_name: "Circolo di prova",
        email: "anna.verdi@example.org",
        quartiere: null,
      },
      privacy_notice_accepted: true,
      contact_consent: false,
    }),
  });
  assert.equal(response.status, 201, `POST /api/v1/contributions: ${await response.text()}`);
}

async function checkWidth(context, width, checkRefresh) {
  const where = `${width} px`;
  const page = await context.newPage();
  const problems = [];
  watch(page, problems);
  await page.setViewportSize({ width, height: width < 600 ? 800 : 900 });
  await page.clock.install();

  const response = await page.goto(`${base}/cruscotto`, { waitUntil: "load" });
  assert.equal(response.status(), 200, `${where}: status`);
  assert.match(response.headers()["content-type"], /^text\/html/, `${where}: content type`);
  assert.equal(await page.getAttribute("html", "lang"), "it", `${where}: lang`);
  assert.equal(await page.title(), "Cruscotto dei contributi – Rinasce Firenze – Comune di Firenze");
  await assertFiguresMatch(page, await indicators(), where);

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `${where}: the page scrolls sideways by ${overflow} px`);

  // Every chart has a name and a table alternative.
  const charts = await page.$$eval("figure", (figures) =>
    figures.map((figure) => ({
      named: Boolean(document.getElementById(figure.getAttribute("aria-labelledby"))?.textContent.trim()),
      table: Boolean(figure.closest("section")?.querySelector("details table caption")),
    })),
  );
  assert.equal(charts.length, 4, `${where}: four charts`);
  for (const chart of charts) assert.deepEqual(chart, { named: true, table: true }, `${where}: chart accessibility`);

  // The automatic updates can be paused and resumed (WCAG 2.2.2).
  const pause = page.locator("#pausa");
  assert.ok(await pause.isVisible(), `${where}: no pause button`);
  await pause.click();
  assert.equal(await pause.textContent(), "Riprendi l'aggiornamento");
  await pause.click();
  assert.equal(await pause.textContent(), "Sospendi l'aggiornamento");

  mkdirSync(screenshots, { recursive: true });
  const file = path.join(screenshots, `cruscotto-${width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log(`${where}: figures equal the API, screenshot ${path.relative(process.cwd(), file)}`);

  if (checkRefresh) {
    const before = await indicators();
    await page.evaluate(() => {
      window.notReloaded = true;
      document.querySelector("#tabella-aree").open = true;
    });
    await submitOne();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the API cache's horizon
    await page.clock.runFor(60_000);
    await page.waitForFunction(
      (expected) => document.querySelector("[data-figure=counted]").textContent.replace(/\./g, "") === String(expected),
      before.counted + 1,
      { timeout: 10_000 },
    );
    assert.equal(await page.evaluate(() => window.notReloaded), true, `${where}: the refresh reloaded the page`);
    assert.equal(await page.evaluate(() => document.querySelector("#tabella-aree").open), true, `${where}: the refresh closed a table`);
    await assertFiguresMatch(page, await indicators(), `${where} after the refresh`);
    log(`${where}: refreshed after 60 s without reloading`);
  }

  // The badge, as an <img> on the page would load it.
  const badge = await page.evaluate(async (url) => {
    const response = await fetch(url);
    const image = new Image();
    image.src = url;
    await image.decode();
    return {
      type: response.headers.get("content-type"),
      cache: response.headers.get("cache-control"),
      width: image.naturalWidth,
      title: new DOMParser().parseFromString(await response.text(), "image/svg+xml").querySelector("svg > title")?.textContent,
    };
  }, `${base}/cruscotto/progress.svg`);
  assert.match(badge.type, /^image\/svg\+xml/, "badge content type");
  assert.match(badge.cache ?? "", /max-age=\d+/, "badge Cache-Control");
  assert.ok(badge.width > 0, "the badge renders as an image");
  assert.match(badge.title ?? "", /^Rinasce Firenze: /, "badge title");

  assert.deepEqual(problems, [], `${where}: console errors or failed requests`);
  await page.close();
}

/** axe-core's WCAG 2.0/2.1 A and AA rules, tables open, on a page with real timers. */
async function checkAccessibility(context, width) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: 900 });
  await page.goto(`${base}/cruscotto`, { waitUntil: "load" });
  await page.evaluate(() => document.querySelectorAll("details").forEach((details) => { details.open = true; }));
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const violations = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
  );
  assert.deepEqual(violations, [], `${width} px: accessibility violations`);
  log(`${width} px: no WCAG 2.1 AA violations found by axe-core (${result.passes.length} rules passed)`);
  await page.close();
}

async function checkWithoutJavaScript(profile) {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: FLAGS,
    headless: true,
    javaScriptEnabled: false,
    viewport: { width: 375, height: 800 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = [];
    watch(page, problems);
    const response = await page.goto(`${base}/cruscotto`, { waitUntil: "load" });
    assert.equal(response.status(), 200);
    await assertFiguresMatch(page, await indicators(), "without JavaScript");
    assert.equal(await page.locator("#automatico").isVisible(), false, "without JavaScript: a pause button that cannot work");
    assert.deepEqual(problems, [], "without JavaScript: console errors or failed requests");
    log("without JavaScript: figures equal the API");
  } finally {
    await context.close();
  }
}

const profiles = [];
function freshProfile() {
  const dir = mkdtempSync(path.join(tmpdir(), "rinasce-chromium-"));
  profiles.push(dir);
  return dir;
}

try {
  const context = await chromium.launchPersistentContext(freshProfile(), {
    executablePath,
    args: FLAGS,
    headless: true,
  });
  try {
    for (const [i, width] of WIDTHS.entries()) {
      await checkWidth(context, width, i === 0);
      await checkAccessibility(context, width);
    }
  } finally {
    await context.close();
  }
  await checkWithoutJavaScript(freshProfile());
  log("all checks passed");
} catch (error) {
  console.error(`browser: FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
}
