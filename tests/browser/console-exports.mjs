// The researchers' exports page in a real browser:
// `node console-exports.mjs BASE_URL SIGN_IN_LINK DOWNLOAD_DIR`.
//
// A contribution with a known text goes in through the public API (the
// demo data are already there). A researcher signs in with the link, opens
// the exports page from the navigation, chooses filters (one with the
// keyboard) and sees the count (and, with JavaScript, sees it follow a
// change with no page load); then downloads every format (Playwright
// download events, the CSV from the keyboard), opens the report, and the
// suite reads the files with the page's own Python snippets, run as they
// are in the download folder: pandas for CSV, XLSX (openpyxl), JSON and
// NDJSON, pyrefiqda for the REFI-QDA project and codebook, the data package
// through its descriptor; `frictionless validate` (the page's command)
// when installed, and tests/refi-qda/read.py on the project. Row counts
// must equal the count shown, and the known text must be there, exact
// except for the CSV's apostrophe before a formula sign. An invalid filter
// comes back with its message. Each page passes axe-core at 375 and 1280
// px and does not scroll sideways at 375 px or 200 % zoom.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { checkPage, launch, log, watch } from "./kit.mjs";

const [baseArg, signInLink, downloadDir] = process.argv.slice(2);
assert.ok(baseArg && signInLink && downloadDir, "usage: node console-exports.mjs BASE_URL SIGN_IN_LINK DOWNLOAD_DIR");
const base = baseArg.replace(/\/$/, "");
const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const TITLE = "Rastrelliere coperte in piazza Tasso";
const BODY = "Proposta per la piazza, dopo l'incontro di quartiere:\n- rastrelliere coperte per le biciclette\n- una fontanella accanto";
const LIST_LINE = "\n- rastrelliere coperte per le biciclette";

async function submitKnownContribution() {
  const response = await fetch(`${base}/api/v1/contributions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      thematic_area: "mobilita-green",
      title: TITLE,
      body: BODY,
      author: { kind: "citizen", given_name: "Ilaria", family_name: "Gori", email: "ilaria.gori@example.org", quartiere: 3 },
      privacy_notice_accepted: true,
      contact_consent: false,
    }),
  });
  assert.equal(response.status, 201, `POST /contributions: ${await response.text()}`);
}

async function signIn(page) {
  await page.goto(signInLink);
  // The link's page has a button that spends it (mail scanners do not).
  await Promise.all([page.waitForNavigation(), page.locator("main form button[type=submit]").click()]);
  assert.match(page.url(), /\/console\/$/, `signed in: ${page.url()}`);
}

async function countShown(page) {
  return Number(await page.locator("#conteggio").getAttribute("data-count"));
}

/** Chooses filters: pending and approved (the first from the keyboard),
 * Quartiere 3, the online form; then counts. */
async function chooseFilters(page) {
  const pending = page.locator("input[name=status][value=pending]");
  await pending.focus();
  await page.keyboard.press("Space");
  assert.ok(await pending.isChecked(), "Space checks a status");
  await page.locator("input[name=status][value=approved]").check();
  await page.locator("input[name=quartiere][value='3']").check();
  await page.locator("input[name=channel][value=form]").check();
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Conta i contributi" }).click()]);
  const url = new URL(page.url());
  assert.deepEqual(url.searchParams.getAll("status"), ["pending", "approved"]);
  assert.equal(url.searchParams.get("quartiere"), "3");
  assert.equal(url.searchParams.get("channel"), "form");
}

/** Downloads every file of the page into `downloadDir`; the CSV from the keyboard. */
async function downloadAll(page) {
  mkdirSync(downloadDir, { recursive: true });
  const files = {};
  const links = page.locator("a[data-formato]");
  for (let i = 0; i < (await links.count()); i++) {
    const link = links.nth(i);
    const format = await link.getAttribute("data-formato");
    if (format === "report") continue;
    const started = page.waitForEvent("download");
    if (format === "csv") {
      await link.focus();
      await page.keyboard.press("Enter");
    } else {
      await link.click();
    }
    const download = await started;
    assert.equal(await download.failure(), null, `${format}: download failed`);
    const name = download.suggestedFilename();
    assert.ok((await link.textContent()).includes(name), `${format}: the link names ${name}`);
    await download.saveAs(path.join(downloadDir, name));
    files[format] = name;
  }
  assert.deepEqual(Object.keys(files).sort(), ["csv", "datapackage", "json", "ndjson", "qdc", "qdpx", "xlsx"]);
  log(`downloaded ${Object.values(files).join(", ")}`);
  return files;
}

/** What each format's Python snippet must have read. */
const PYTHON_CHECKS = {
  csv: `
assert len(contributi) == N, len(contributi)
riga = contributi[contributi["title"] == TITLE]
assert len(riga) == 1, riga
assert "\\n'- rastrelliere" in riga["body"].iloc[0], "the CSV's apostrophe before a formula sign"
assert str(contributi["quartiere"].dtype) == "Int64"
assert set(contributi["quartiere"].dropna()) == {3}
`,
  xlsx: `
assert len(contributi) == N, len(contributi)
assert BODY in set(contributi["body"]), "the exact text"
assert len(dizionario) > 10
`,
  json: `
assert len(contributi) == N, len(contributi)
assert BODY in set(contributi["body"]), "the exact text"
assert set(contributi["quartiere"]) == {3}
`,
  ndjson: `
assert len(contributi) == N, len(contributi)
assert BODY in set(contributi["body"]), "the exact text"
`,
  qdpx: `
fonti = progetto.sources.text_source
assert len(fonti) == N, len(fonti)
assert any(TITLE in fonte.name for fonte in fonti)
`,
  qdc: `
assert {codice.name for codice in codebook.codes.code} == {"Area tematica", "Tag"}
`,
  datapackage: `
assert len(contributi) == N, len(contributi)
assert TITLE in set(contributi["title"])
`,
};

/** Runs each format's Python snippet from the page, as it is, in the download folder. */
async function runPythonSnippets(page, count) {
  for (const [format, checks] of Object.entries(PYTHON_CHECKS)) {
    const snippet = await page.locator(`code[data-linguaggio=python][data-formato=${format}]`).textContent();
    const values = `N = ${count}\nTITLE = ${JSON.stringify(TITLE)}\nBODY = ${JSON.stringify(BODY)}\n`;
    const script = path.join(downloadDir, `leggi-${format}.py`);
    writeFileSync(script, `${snippet}\n${values}${checks}`);
    try {
      execFileSync("python3", [script], { cwd: downloadDir, stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      throw new Error(`${format}: the page's Python snippet failed:\n${snippet}\n${error.stderr}`);
    }
    log(`${format}: the page's Python snippet reads ${count} rows and the known text`);
  }
}

function installed(command) {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The data package's command from the page, and the REFI-QDA reader of the tests. */
async function runTools(page, files, count) {
  const validate = await page.locator("code[data-linguaggio=shell][data-formato=datapackage]").textContent();
  if (installed("frictionless")) {
    try {
      execFileSync("sh", ["-c", validate], { cwd: downloadDir, stdio: ["ignore", "pipe", "pipe"] });
    } catch (error) {
      throw new Error(`${validate} failed:\n${error.stdout}\n${error.stderr}`);
    }
    log(`${validate}: valid, with no renaming`);
  } else {
    log(`frictionless is not installed: "${validate}" not run`);
  }
  const read = execFileSync(
    "python3",
    [path.join(repository, "tests/refi-qda/read.py"), "qdpx", path.join(downloadDir, files.qdpx), path.join(downloadDir, "read-py")],
    { encoding: "utf8" },
  );
  const project = JSON.parse(read);
  assert.equal(project.sources.length, count, "tests/refi-qda/read.py: sources");
  assert.ok(project.sources.some((s) => s.text.includes(LIST_LINE)), "tests/refi-qda/read.py: the known text");
  log(`tests/refi-qda/read.py reads ${project.sources.length} sources`);
}

async function openReport(page, count) {
  await Promise.all([page.waitForNavigation(), page.getByRole("link", { name: "Apri il rapporto" }).click()]);
  assert.match(page.url(), /\/console\/esportazioni\/rapporto\?/);
  const total = Number((await page.locator("#totale").textContent()).trim().replace(/\./g, ""));
  assert.equal(total, count, "the report counts the same contributions");
  assert.match(await page.locator(".filters").textContent(), /pending, approved/);
  log(`the report opens with the filters and the total ${total}`);
  await page.goBack();
}

/** With JavaScript the count and the links follow a change at once, with
 * no click and no navigation; an invalid filter shows its message. */
async function liveCount(page, count) {
  // A page load would forget this mark.
  await page.evaluate(() => { window.sameDocument = true; });
  await page.locator("input[name=quartiere][value='4']").check();
  await page.waitForFunction((before) => document.getElementById("conteggio")?.dataset.count !== String(before), count);
  const more = await countShown(page);
  assert.ok(more > count, `Quartieri 3 and 4 select more: ${more}`);
  assert.match(await page.locator("a[data-formato=csv]").getAttribute("href"), /quartiere=3%2C4/);
  assert.match(page.url(), /quartiere=3&quartiere=4/, "the address follows");
  assert.equal(await page.locator("#annuncio").textContent(), await page.locator("#conteggio").textContent(), "announced");
  await page.locator("#filtro-etichette").fill("etichetta-inesistente");
  await page.getByRole("alert").waitFor();
  assert.equal(await page.locator("a[data-formato]").count(), 0, "no downloads while a filter is invalid");
  await page.locator("#filtro-etichette").fill("");
  await page.locator("a[data-formato=csv]").waitFor();
  assert.equal(await page.evaluate(() => window.sameDocument), true, "no page load");
  await page.locator("input[name=quartiere][value='4']").uncheck();
  await page.waitForFunction((before) => document.getElementById("conteggio")?.dataset.count === String(before), count);
  log(`with JavaScript the count follows the filters (${more} with Quartiere 4, back to ${count})`);
}

async function invalidFilter(page) {
  await page.locator("#filtro-etichette").fill("etichetta-inesistente");
  await Promise.all([page.waitForNavigation(), page.getByRole("button", { name: "Conta i contributi" }).click()]);
  const alert = page.getByRole("alert");
  assert.match(await alert.textContent(), /Etichette: .*etichetta-inesistente/);
  assert.equal(await page.locator("a[data-formato]").count(), 0, "no downloads for invalid filters");
  assert.equal(await page.locator("#filtro-etichette").inputValue(), "etichetta-inesistente", "the value is kept");
  await checkPage(page, "console-exports-invalid");
}

async function main() {
  await submitKnownContribution();
  const browser = await launch();
  try {
    const context = await browser.newContext({ locale: "it-IT", viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const problems = [];
    // The invalid filter's page is a 422 on purpose (loaded, or fetched by the page's script).
    watch(page, base, problems, [422]);
    await signIn(page);
    await Promise.all([page.waitForNavigation(), page.getByRole("navigation").getByRole("link", { name: "Esportazioni" }).click()]);
    const everything = await countShown(page);
    assert.ok(everything > 100, `the demo data, all but spam and hidden: ${everything}`);
    await checkPage(page, "console-exports");

    await chooseFilters(page);
    const count = await countShown(page);
    assert.ok(count > 0 && count < everything, `the filters select some: ${count} of ${everything}`);
    assert.match(await page.locator("#conteggio").textContent(), new RegExp(`^${count} contribut`));
    await checkPage(page, "console-exports-filtered");
    log(`the filters select ${count} of ${everything}`);

    const files = await downloadAll(page);
    await openReport(page, count);
    await runPythonSnippets(page, count);
    await runTools(page, files, count);
    await liveCount(page, count);
    await invalidFilter(page);
    assert.deepEqual(problems, [], "console errors, failed requests or outside requests");
    await context.close();
  } finally {
    await browser.close();
  }
  log("all checks passed");
}

main().catch((error) => {
  console.error(`browser: FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
});
