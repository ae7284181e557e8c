// The descriptive report in a real browser: `node report.mjs BASE_URL TOKEN`.
//
// With a researcher's token it opens GET /api/v1/exports/report in headless
// Chromium (CHROMIUM, default /usr/bin/chromium) at 375 and 1280 px: no
// console error (the page's own policy allows its style and nothing else),
// no request outside the page, nothing overflowing sideways, axe-core's
// WCAG 2.1 A/AA rules clean, a screenshot in tests/browser/screenshots/.
// The total equals the rows of the CSV export with the same filters, each
// "Scarica" link downloads the CSV of the table beside it, and page.pdf()
// prints the report (A4, several pages).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const base = (process.argv[2] ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const token = process.argv[3];
assert.ok(token, "usage: node report.mjs BASE_URL TOKEN");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const FILTERS = "status=approved,pending";

function log(message) {
  console.log(`browser: ${message}`);
}

/** `1.234` → 1234 */
function italianCount(text) {
  const digits = text.trim().replace(/\./g, "");
  assert.match(digits, /^\d+$/, `not a count: ${JSON.stringify(text)}`);
  return Number(digits);
}

/** The rows of the CSV export with the same filters. */
async function exportedRows() {
  const response = await fetch(`${base}/api/v1/exports/contributions?format=ndjson&${FILTERS}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200, "the export");
  return (await response.text()).split("\n").filter((line) => line.trim()).length;
}

function watch(page, problems) {
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") {
      problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/api/v1/exports/report`) && !url.startsWith("data:")) {
      problems.push(`request outside the page: ${url}`);
    }
  });
}

/** A CSV as rows of cells (no quoted semicolons in these tables' numbers). */
function parseCsv(text) {
  assert.ok(text.startsWith("\ufeff"), "CSV with a BOM");
  const rows = [];
  let row = [""];
  let quoted = false;
  const body = text.slice(1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') { row[row.length - 1] += '"'; i++; }
      else if (c === '"') quoted = false;
      else row[row.length - 1] += c;
    } else if (c === '"') quoted = true;
    else if (c === ";") row.push("");
    else if (c === "\r" && body[i + 1] === "\n") { rows.push(row); row = [""]; i++; }
    else row[row.length - 1] += c;
  }
  return rows;
}

async function checkDownloads(page) {
  const links = page.locator("a[download]");
  const count = await links.count();
  assert.ok(count >= 6, `a CSV link for each table: ${count}`);
  for (let i = 0; i < count; i++) {
    const link = links.nth(i);
    if (!(await link.isVisible())) continue;
    const name = await link.getAttribute("download");
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    assert.equal(download.suggestedFilename(), name);
    const file = await download.path();
    const rows = parseCsv(readFileSync(file, "utf8"));
    // The table right before the link holds the same header and rows.
    const table = await link.evaluate((a) => {
      const t = a.closest("p").previousElementSibling.querySelector("table");
      return [...t.rows].map((r) => [...r.cells].map((c) => c.textContent.trim()));
    });
    assert.deepEqual(rows[0], table[0], `${name}: header`);
    assert.equal(rows.length, table.length, `${name}: rows`);
    const numbers = (cells) => cells.map((c) => (/^[\d.]+$/.test(c) ? italianCount(c) : c));
    for (let r = 1; r < rows.length; r++) {
      // Counts: digits in the CSV, Italian grouping on the page.
      const csv = rows[r].map((c) => (/^\d+$/.test(c) ? Number(c) : c));
      const shown = numbers(table[r]);
      csv.forEach((cell, c) => {
        if (typeof cell === "number") assert.equal(shown[c], cell, `${name}: row ${r} cell ${c}`);
      });
    }
  }
  log(`${count} CSV links download the tables beside them`);
}

async function checkWidth(context, width, expected) {
  const page = await context.newPage();
  const problems = [];
  watch(page, problems);
  await page.setViewportSize({ width, height: 900 });
  const response = await page.goto(`${base}/api/v1/exports/report?${FILTERS}`, { waitUntil: "load" });
  assert.equal(response.status(), 200);
  assert.match(response.headers()["content-security-policy"], /style-src 'sha256-/);
  assert.equal(italianCount(await page.locator("#totale").textContent()), expected, `${width} px: total`);
  assert.match(await page.locator(".facts").textContent(), /ora di Roma/);
  assert.match(await page.locator(".filters").textContent(), /approved, pending/);
  assert.equal(await page.locator("svg[role=img]").count(), 2, "two charts");
  assert.ok((await page.locator("blockquote").count()) > 0, "sample texts");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${width} px: the page overflows sideways by ${overflow} px`);

  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const violations = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
  );
  assert.deepEqual(violations, [], `${width} px: accessibility violations`);
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = false; }));

  mkdirSync(screenshots, { recursive: true });
  const file = path.join(screenshots, `report-${width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  log(`${width} px: total ${expected}, axe-core clean, screenshot ${path.relative(process.cwd(), file)}`);

  if (width === 1280) {
    await checkDownloads(page);
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    assert.ok(pages >= 5, `the PDF has the cover and a page per section: ${pages} pages`);
    const out = path.join(screenshots, "report.pdf");
    writeFileSync(out, pdf);
    log(`page.pdf(): ${pages} A4 pages, ${path.relative(process.cwd(), out)}`);
  }
  assert.deepEqual(problems, [], `${width} px: console errors or outside requests`);
  await page.close();
}

const profile = mkdtempSync(path.join(tmpdir(), "rinasce-chromium-"));
try {
  const expected = await exportedRows();
  assert.ok(expected > 100, `demo data: ${expected}`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: FLAGS,
    headless: true,
    acceptDownloads: true,
    extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  try {
    for (const width of [375, 1280]) await checkWidth(context, width, expected);
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
