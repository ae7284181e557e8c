// The citizens' pages in a real browser:
//   node citizen.mjs open BASE_URL MAIL_DIR SERVER_LOG MODERATOR_TOKEN
//   node citizen.mjs closed BASE_URL        (a server whose consultation closed)
//
// With the consultation open: the /partecipa form without JavaScript and
// with it — a valid submission, every kind of invalid field with its message
// and the focus on the error summary, text pasted from Word (soft hyphens,
// U+2028) accepted, a double click stored once; the status page reached
// through the link of the acknowledgement's .eml file, before and after a
// moderator publishes, then the author's erasure from it, confirmed; the
// secret never in the access log; /, /partecipa,
// /contributi, a contribution and the status page at 375 and 1280 px with
// no sideways scrolling, no request outside the server and no axe-core
// WCAG 2.1 AA violation, each with a screenshot in tests/browser/screenshots/.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const [mode, baseArgument, mailDir, serverLog, moderatorToken] = process.argv.slice(2);
const base = baseArgument.replace(/\/$/, "");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const WIDTHS = [375, 1280];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const log = (message) => console.log(`citizen: ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const profiles = [];
async function browser(javaScriptEnabled, width = 375) {
  const profile = mkdtempSync(path.join(tmpdir(), "rinasce-citizen-"));
  profiles.push(profile);
  return chromium.launchPersistentContext(profile, {
    executablePath,
    args: FLAGS,
    headless: true,
    javaScriptEnabled,
    viewport: { width, height: width < 600 ? 800 : 900 },
  });
}

/** Console errors, failed or external requests; `expected` statuses ≥ 400 are allowed. */
function watch(page, expected = []) {
  const problems = [];
  page.on("console", (m) => {
    const answered = m.text().match(/responded with a status of (\d+)/);
    if (answered && expected.includes(Number(answered[1]))) return;
    if (m.type() === "error" || m.type() === "warning") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith("data:")) problems.push(`external request: ${url}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && !expected.includes(response.status())) {
      problems.push(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  return problems;
}

async function api(pathAndQuery, options = {}) {
  const response = await fetch(`${base}${pathAndQuery}`, options);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

async function received() {
  return (await api("/api/v1/indicators")).body.received;
}

const moderator = { Authorization: `Bearer ${moderatorToken}` };
async function storedByTitle(title) {
  const { body } = await api(`/api/v1/moderation/contributions?limit=500`, { headers: moderator });
  return body.items.filter((item) => item.title === title);
}

async function fillValid(page, values = {}) {
  const v = {
    area: "mobilita-green",
    title: "Una pista ciclabile sul lungarno",
    body: "Collegare i lungarni con una pista protetta, separata dalle auto.",
    given: "Giulia",
    family: "Bruni",
    email: "giulia.bruni@example.org",
    ...values,
  };
  await page.selectOption("#thematic_area", v.area);
  await page.fill("#title", v.title);
  await page.fill("#body", v.body);
  await page.check("#author-kind");
  await page.fill("#author-given_name", v.given);
  await page.fill("#author-family_name", v.family);
  await page.fill("#author-email", v.email);
  await page.selectOption("#author-quartiere", "3");
  await page.check("#privacy_notice_accepted");
  // A person takes longer than the bot-timing floor (RINASCE_FORM_MIN_SECONDS=1
  // in suites/citizen.sh); a form sent sooner after the page was shown is
  // stored as spam, without an acknowledgement, as a bot's would be.
  const shownFor = await page.evaluate(() => performance.now());
  if (shownFor < 1500) await sleep(1500 - shownFor);
}

/** Every failing field shows its message, is marked invalid and points to the message. */
async function assertFieldErrors(page, expected, where) {
  for (const [id, message] of Object.entries(expected)) {
    const text = await page.locator(`#${id}-errore`).textContent();
    assert.ok(text.includes(message), `${where}: ${id} shows ${JSON.stringify(text)}, expected ${message}`);
    assert.ok(await page.locator(`#${id}-errore`).isVisible(), `${where}: ${id} message hidden`);
    assert.equal(await page.getAttribute(`#${id}`, "aria-invalid"), "true", `${where}: ${id} not aria-invalid`);
    const describedBy = await page.evaluate(
      (fieldId) => {
        const field = document.getElementById(fieldId);
        return (field.closest("fieldset") ?? field).getAttribute("aria-describedby") ?? "";
      },
      id,
    );
    assert.ok(describedBy.split(" ").includes(`${id}-errore`), `${where}: ${id} aria-describedby ${describedBy}`);
    assert.equal(await page.locator(`#riepilogo a[href="#${id}"]`).count(), 1, `${where}: no summary link to ${id}`);
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), "riepilogo", `${where}: focus not on the summary`);
  assert.match(await page.title(), /^Errore: /, `${where}: title`);
}

// Text pasted from Word or a PDF (soft hyphens, U+2028, U+2029, a
// no-break and a zero-width space), and what is stored of it.
const PASTED = "Testo incolla\u00ADto da un docu\u00ADmento:\u2028una riga nuova\u2029e un paragrafo, con\u00A0spazi\u200B strani.";
const PASTED_STORED = "Testo incollato da un documento:\nuna riga nuova\n\ne un paragrafo, con spazi strani.";

const EMPTY_FORM_ERRORS = {
  thematic_area: "scegliere un'area tematica",
  title: "campo obbligatorio",
  body: "campo obbligatorio",
  "author-kind": "campo obbligatorio",
  "author-given_name": "campo obbligatorio",
  "author-family_name": "campo obbligatorio",
  "author-email": "campo obbligatorio",
  privacy_notice_accepted: "occorre accettare",
};

async function formWithoutJavaScript() {
  const context = await browser(false);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = watch(page, [422]);
    await page.goto(`${base}/partecipa`);
    await page.fill("#title", "Un titolo che resta");
    await page.click("#invia");
    await page.waitForLoadState("load");
    const { title: _typed, ...emptyErrors } = EMPTY_FORM_ERRORS;
    await assertFieldErrors(page, emptyErrors, "no JS, empty form");
    assert.equal(await page.inputValue("#title"), "Un titolo che resta", "no JS: what was typed is kept");

    const before = await received();
    await page.fill("#title", "Poco");
    await fillValid(page, { title: "Poco", email: "scritto-male.example.org" });
    await page.click("#invia");
    await page.waitForLoadState("load");
    await assertFieldErrors(page, { title: "almeno 5 caratteri", "author-email": "non è un indirizzo e-mail valido" }, "no JS, two errors");
    assert.equal(await page.inputValue("#body"), "Collegare i lungarni con una pista protetta, separata dalle auto.");
    assert.equal(await page.isChecked("#privacy_notice_accepted"), true, "no JS: the box stays ticked");
    assert.equal(await received(), before, "no JS: nothing stored while invalid");

    // Pasted from Word or a PDF, submitted with a double click: the hidden
    // idempotency key stores it once, whichever post the page shows.
    await fillValid(page, { title: "Senza JavaScript funziona", body: PASTED, email: "senza.js@example.org" });
    const posts = [];
    page.on("request", (request) => {
      if (request.method() === "POST") posts.push(request.postData());
    });
    await page.dblclick("#invia");
    await page.locator("#ricevuta-codice").waitFor();
    const code = await page.locator("#ricevuta-codice").textContent();
    assert.match(code, /^RF-\d{6}$/, "no JS: the receipt shows the reference");
    const stored = await storedByTitle("Senza JavaScript funziona");
    // Chromium sends one post for a double click; a second one (a retry
    // from history, a slow double submission) carries the same hidden key.
    assert.ok(posts.length >= 1);
    const again = await page.request.post(`${base}/partecipa`, {
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      data: posts[0],
    });
    assert.ok((await again.text()).includes(`>${code}<`), "no JS: the same post again does not show the same receipt");
    assert.equal(stored.length, 1, "no JS: a double click stored once");
    assert.equal((await storedByTitle("Senza JavaScript funziona")).length, 1, "no JS: the same post again stored twice");
    assert.equal(stored[0].body, PASTED_STORED, "no JS: pasted text normalised");
    assert.equal(await received(), before + 1);
    assert.deepEqual(problems, [], "no JS: console errors or failed requests");
    log(`without JavaScript: errors marked and focused, typed text kept, pasted text accepted, double click stored once (${code})`);
  } finally {
    await context.close();
  }
}

async function formWithJavaScript() {
  const context = await browser(true);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = watch(page, [422]);
    await page.goto(`${base}/partecipa`);
    await page.check('input[name="author.kind"][value="citizen"]');
    assert.equal(await page.locator("#author-organization_name").isVisible(), false, "no organisation for a citizen");
    await page.check('input[name="author.kind"][value="trade_association"]');
    assert.equal(await page.locator("#author-organization_name").isVisible(), true, "an association gives its name");
    await page.goto(`${base}/partecipa`);
    await page.fill("#title", "Contatore");
    assert.equal(await page.locator("#title-contatore").textContent(), "9 caratteri su 150 (minimo 5)", "title counter");
    await page.fill("#body", "x".repeat(5001));
    assert.match(await page.locator("#body-contatore").textContent(), /^5001 caratteri su 5000/, "body counter");
    assert.ok(await page.locator("#body-contatore.oltre").count(), "counter marks the excess");
    // Counted as the server counts: pasted soft hyphens and zero-width spaces are not characters.
    await page.fill("#body", PASTED);
    assert.equal(
      await page.locator("#body-contatore").textContent(),
      `${[...PASTED_STORED].length} caratteri su 5000 (minimo 20)`,
      "body counter on pasted text",
    );
    await page.fill("#body", "x".repeat(4999) + "\u00AD".repeat(50));
    assert.equal(await page.locator("#body-contatore.oltre").count(), 0, "soft hyphens do not push the text over");

    // Every kind of invalid field, from the API's answer.
    await page.fill("#title", "");
    await page.fill("#body", "");
    const before = await received();
    await page.click("#invia");
    await page.locator("#riepilogo").waitFor({ state: "visible" });
    await assertFieldErrors(page, EMPTY_FORM_ERRORS, "JS, empty form");
    await page.click('#riepilogo a[href="#author-email"]');
    assert.equal(await page.evaluate(() => document.activeElement?.id), "author-email", "a summary link focuses its field");

    await fillValid(page, { title: "Con \u202E rovesciato", email: "scritto-male.example.org" });
    await page.fill("#author-family_name", "");
    await page.check('input[name="author.kind"][value="trade_association"]');
    await page.click("#invia");
    await page.waitForFunction(() => document.querySelector("#author-email-errore").textContent.includes("e-mail"));
    await assertFieldErrors(
      page,
      {
        title: "carattere non ammesso U+202E alla posizione 5",
        "author-email": "non è un indirizzo e-mail valido",
        "author-family_name": "campo obbligatorio",
        "author-organization_name": "obbligatorio quando",
      },
      "JS, four errors",
    );
    assert.equal(await page.locator("#thematic_area-errore").isVisible(), false, "a corrected field is no longer marked");
    assert.equal(await received(), before, "JS: nothing stored while invalid");

    // Pasted from Word or a PDF, submitted with a double click.
    const title = "Incollato con un doppio clic";
    await fillValid(page, { title, body: PASTED, email: "doppio.clic@example.org" });
    await page.dblclick("#invia");
    await page.locator("#ricevuta").waitFor({ state: "visible" });
    await page.waitForLoadState("networkidle");
    const code = await page.locator("#ricevuta-codice").textContent();
    assert.match(code, /^RF-\d{6}$/, "JS: the receipt shows the reference");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "ricevuta", "JS: focus on the receipt");
    const stored = await storedByTitle(title);
    assert.equal(stored.length, 1, "JS: a double click stored once");
    assert.equal(stored[0].body, PASTED_STORED);
    assert.equal(await received(), before + 1);
    assert.deepEqual(problems, [], "JS: console errors or failed requests");
    log(`with JavaScript: counters, errors from the API, pasted text accepted, double click stored once (${code})`);
  } finally {
    await context.close();
  }
}

/** The link of the acknowledgement sent to `address`, read from its .eml file. */
async function statusLinkFor(address) {
  for (let attempt = 0; attempt < 100; attempt++) {
    for (const name of readdirSync(mailDir).filter((n) => n.endsWith(".eml"))) {
      const raw = readFileSync(path.join(mailDir, name), "utf8");
      if (!raw.includes(address)) continue;
      // Quoted-printable: soft line breaks and =XX escapes.
      const text = raw.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
      const match = text.match(/https?:\/\/[^\s"<]+\/stato\/[A-Za-z0-9_-]{43}/);
      if (match) return match[0];
    }
    await sleep(200);
  }
  throw new Error(`no acknowledgement with a status link for ${address} in ${mailDir}`);
}

async function statusPage() {
  const link = await statusLinkFor("doppio.clic@example.org");
  const context = await browser(true);
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const problems = watch(page);
    const response = await page.goto(link);
    assert.equal(response.headers()["cache-control"], "no-store");
    assert.equal(response.headers()["referrer-policy"], "no-referrer");
    assert.equal(await page.locator("#stato").textContent(), "Ricevuto, in revisione");

    const [item] = await storedByTitle("Incollato con un doppio clic");
    const approved = await api(`/api/v1/moderation/contributions/${item.id}`, {
      method: "PATCH",
      headers: { ...moderator, "Content-Type": "application/merge-patch+json", "If-Match": `"v${item.version}"` },
      body: JSON.stringify({ status: "approved" }),
    });
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    await page.reload();
    assert.equal(await page.locator("#stato").textContent(), "Pubblicato");
    await page.click("text=Leggi il contributo pubblicato");
    await page.waitForURL(/\/contributi\/RF-\d{6}$/);
    assert.equal(await page.locator("h1").textContent(), "Incollato con un doppio clic");
    assert.deepEqual(problems, [], "status page: console errors or failed requests");
    log("status page: reached from the .eml link, in review, then published with its link");
  } finally {
    await context.close();
  }
  const secret = link.split("/stato/")[1];
  const serverLines = readFileSync(serverLog, "utf8");
  assert.ok(!serverLines.includes(secret), "the status link's secret is in the server log");
  assert.ok(serverLines.includes("/stato/[link personale]"), "the status page's request is not in the access log");
  log("access log: the status page's path is logged without its secret");
  return link;
}

async function publicPages(statusLink) {
  const reference = (await api("/api/v1/contributions")).body.items[0].reference;
  const pages = [
    ["home", "/"],
    ["partecipa", "/partecipa"],
    ["contributi", "/contributi"],
    ["contributo", `/contributi/${reference}`],
    ["stato", statusLink.slice(statusLink.indexOf("/stato/"))],
  ];
  mkdirSync(screenshots, { recursive: true });
  for (const width of WIDTHS) {
    const context = await browser(true, width);
    try {
      for (const [name, where] of pages) {
        const page = await context.newPage();
        const problems = watch(page);
        const response = await page.goto(`${base}${where}`);
        assert.equal(response.status(), 200, `${name}: status`);
        assert.equal(await page.getAttribute("html", "lang"), "it");
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `${name} at ${width} px scrolls sideways by ${overflow} px`);
        await assertAccessible(page, `${name} at ${width} px`);
        await page.screenshot({ path: path.join(screenshots, `citizen-${name}-${width}.png`), fullPage: true });
        assert.deepEqual(problems, [], `${name} at ${width} px: console errors or failed requests`);
        await page.close();
      }
    } finally {
      await context.close();
    }
    log(`${width} px: ${pages.length} pages without sideways scrolling, axe-core clean, screenshots taken`);
  }
  // The form with its errors shown must be accessible too.
  const context = await browser(true, 375);
  try {
    const page = await context.newPage();
    await page.goto(`${base}/partecipa`);
    await page.click("#invia");
    await page.locator("#riepilogo").waitFor({ state: "visible" });
    await assertAccessible(page, "the form with errors");
    await page.screenshot({ path: path.join(screenshots, "citizen-partecipa-errori-375.png"), fullPage: true });
  } finally {
    await context.close();
  }
}

/** The erasure from the status page: asked, confirmed, said what was erased; the link is then spent. */
async function erasure(statusLink) {
  const context = await browser(true, 375);
  try {
    const page = await context.newPage();
    const problems = watch(page, [404]);
    await page.goto(statusLink);
    await page.click("text=Chiedi la cancellazione dei dati");
    await page.waitForURL(statusLink);
    assert.equal(await page.locator("h2#titolo-conferma").textContent(), "Vuole cancellare i suoi dati?");
    await assertAccessible(page, "erasure confirmation");
    await page.click("text=Sì, cancella i miei dati");
    await page.locator("#esito-cancellazione").waitFor();
    const said = await page.locator("#esito-cancellazione").textContent();
    assert.match(said, /Abbiamo cancellato nome, cognome e indirizzo e-mail da 1 contributo \(RF-\d{6}\)/);
    await assertAccessible(page, "erasure done");
    await page.screenshot({ path: path.join(screenshots, "citizen-stato-cancellato-375.png"), fullPage: true });
    const [item] = await storedByTitle("Incollato con un doppio clic");
    assert.equal(item.author.email, null, "the address is erased");
    assert.equal((await page.goto(statusLink)).status(), 404, "the link is spent");
    assert.deepEqual(problems, [], "erasure: console errors or failed requests");
    log("erasure: confirmed from the status page, the page says what was erased, the link is spent");
  } finally {
    await context.close();
  }
}

async function assertAccessible(page, where) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  const violations = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`,
  );
  assert.deepEqual(violations, [], `${where}: accessibility violations`);
}

async function closedConsultation() {
  for (const javaScriptEnabled of [false, true]) {
    const context = await browser(javaScriptEnabled);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      const problems = watch(page);
      await page.goto(`${base}/partecipa`);
      const notice = await page.locator("#consultazione").textContent();
      assert.equal(notice, "La consultazione è chiusa: è stata aperta dal 1 gennaio 2026 alle 09:00 al 1 febbraio 2026 alle 09:00.");
      assert.equal(await page.locator("#modulo").count(), 0, "a closed consultation shows no form");
      assert.deepEqual(problems, []);
      if (javaScriptEnabled) {
        mkdirSync(screenshots, { recursive: true });
        await page.screenshot({ path: path.join(screenshots, "citizen-partecipa-chiusa-375.png"), fullPage: true });
      }
    } finally {
      await context.close();
    }
  }
  log("closed consultation: the form says so with its dates, with and without JavaScript");
}

try {
  if (mode === "closed") {
    await closedConsultation();
  } else {
    await formWithoutJavaScript();
    await formWithJavaScript();
    const link = await statusPage();
    await publicPages(link);
    await erasure(link);
  }
} finally {
  for (const profile of profiles) rmSync(profile, { recursive: true, force: true });
}
