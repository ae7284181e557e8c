// The moderation console in a real browser:
// `node console-moderation.mjs BASE_URL MAIL_DIR ANNA_EMAIL MARCO_EMAIL`.
//
// Two moderators sign in through the e-mail link (read from the file
// transport's .eml), each in their own browser context. Anna reviews ten
// contributions with the keyboard only (approve and next, reject with a
// standard reason, mark a duplicate from the side-by-side panel, tag, note);
// Marco sees her claim in the queue and on the page; Anna bulk-approves
// five; a stale edit shows Marco's change. Every console page passes
// axe-core's WCAG 2.1 A/AA rules at 375 and 1280 px, does not scroll
// sideways at 375 px or at 200 % zoom (1280 px at 200 % = 640 CSS px), and
// is photographed to tests/browser/screenshots/console-*.png.
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const [baseArg, mailDir, annaEmail, marcoEmail] = process.argv.slice(2);
const base = baseArg.replace(/\/$/, "");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

function log(message) {
  console.log(`browser: ${message}`);
}

function watch(page, problems) {
  page.on("console", (message) => {
    // Error statuses are checked below, by URL: the stale edit's 409 is expected.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console error: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    const expected = response.status() === 409 && response.request().resourceType() === "document";
    if (response.status() >= 400 && !expected) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(`${base}/`) && !url.startsWith("data:")) problems.push(`external request: ${url}`);
  });
}

// --- data, through the public API -------------------------------------------------

const BASE_TEXT = [
  "Servono più alberi lungo i viali per avere ombra d'estate e aria più pulita per tutti.",
  "Chiediamo una pista ciclabile protetta che colleghi il quartiere alla stazione di Campo di Marte.",
  "Proponiamo di aprire le scuole il pomeriggio come centri civici per le famiglie del quartiere.",
  "Le panchine dei giardini sono rotte da mesi: vanno riparate e ne servono di nuove all'ombra.",
  "Più corse degli autobus la sera, soprattutto nel fine settimana, per tornare a casa in sicurezza.",
  "Un mercato rionale coperto in piazza, con i produttori del territorio e prezzi accessibili.",
  "Fontanelle di acqua potabile nei parchi e lungo le piste ciclabili, per chi fa sport.",
  "Biblioteche aperte fino a tardi per studenti e lavoratori, con sale studio silenziose.",
  "Un servizio di bike sharing anche nei quartieri periferici, non solo in centro storico.",
  "Orti urbani condivisi nelle aree verdi abbandonate, curati dalle associazioni del quartiere.",
];

async function submit(title, body, area = "mobilita-green") {
  const response = await fetch(`${base}/api/v1/contributions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      thematic_area: area,
      title,
      body,
      author: { kind: "citizen", given_name: "Giulia", family_name: "Verdi", email: "giulia.verdi@example.org", quartiere: 3 },
      privacy_notice_accepted: true,
      contact_consent: false,
    }),
  });
  const text = await response.text();
  assert.equal(response.status, 201, `POST /contributions: ${text}`);
  return JSON.parse(text);
}

// --- signing in through the e-mail link -------------------------------------------

function mailFiles() {
  try {
    return readdirSync(mailDir).filter((name) => name.endsWith(".eml"));
  } catch {
    return [];
  }
}

/** The sign-in link of the newest .eml sent to `email`. */
async function signInLink(email, before) {
  for (let attempt = 0; attempt < 100; attempt++) {
    for (const name of mailFiles().filter((n) => !before.includes(n))) {
      const text = readFileSync(path.join(mailDir, name), "utf8").replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      if (!text.toLowerCase().includes(email.toLowerCase())) continue;
      const link = text.match(new RegExp(`${base.replace(/[.:/]/g, "\\$&")}/console/[^\\s"<>]+`));
      if (link) return link[0];
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no sign-in e-mail for ${email} in ${mailDir}`);
}

async function signIn(context, email) {
  const page = await context.newPage();
  await page.goto(`${base}/console/coda`);
  assert.match(page.url(), /\/console\/accesso/, "the queue asks to sign in first");
  const before = mailFiles();
  await page.fill("#email", email);
  await page.keyboard.press("Enter");
  await page.waitForLoadState("load");
  const link = await signInLink(email, before);
  await page.goto(link);
  // A confirmation button (so that mail scanners cannot spend the link), if any.
  const confirm = page.locator("main form button[type=submit]");
  if (page.url().includes("/accesso/") && (await confirm.count()) > 0) {
    await Promise.all([page.waitForNavigation(), confirm.first().click()]);
  }
  assert.match(page.url(), /\/console\//, `signed in: ${page.url()}`);
  return page;
}

// --- page checks ------------------------------------------------------------------

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
async function checkPage(page, name) {
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

// --- the keyboard review ----------------------------------------------------------

async function key(page, k, navigates = true) {
  if (navigates) {
    await Promise.all([page.waitForNavigation({ waitUntil: "load" }), page.keyboard.press(k)]);
  } else {
    await page.keyboard.press(k);
  }
}

async function reference(page) {
  return (await page.locator("h1 .codice").textContent()).trim();
}

async function focused(page) {
  return page.evaluate(() => {
    const element = document.activeElement;
    return `${element.tagName.toLowerCase()}#${element.id}${element.name ? `[${element.name}]` : ""}:${element.textContent.trim().slice(0, 40)}`;
  });
}

async function tabTo(page, pattern, limit = 8) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (pattern.test(await focused(page))) return;
  }
  throw new Error(`Tab never reached ${pattern}; at ${await focused(page)}`);
}

async function api(token, method, url) {
  return fetch(`${base}/api/v1${url}`, { method, headers: { Authorization: `Bearer ${token}` } });
}

async function main() {
  const originals = [];
  let copy;
  for (const [i, text] of BASE_TEXT.entries()) {
    originals.push(await submit(`Proposta ${i + 1}`, text));
    // Right after the second, a near-copy of it, to be marked its duplicate.
    if (i === 1) copy = await submit("Pista ciclabile (copia)", `${text} Grazie a chi leggerà.`);
  }
  const bulk = [];
  for (let i = 0; i < 5; i++) bulk.push(await submit(`Da approvare insieme ${i + 1}`, `Testo numero ${i + 1} di un gruppo di contributi approvati tutti insieme.`));
  const stale = await submit("Contributo conteso", "Due persone della moderazione lo rivedono nello stesso momento.");
  const token = process.env.MODERATOR_TOKEN;

  const browser = await chromium.launch({ executablePath, args: FLAGS, headless: true });
  const problems = [];
  try {
    const annaContext = await browser.newContext({ locale: "it-IT", viewport: { width: 1280, height: 900 } });
    const marcoContext = await browser.newContext({ locale: "it-IT", viewport: { width: 1280, height: 900 } });
    const anna = await signIn(annaContext, annaEmail);
    const marco = await signIn(marcoContext, marcoEmail);
    watch(anna, problems);
    watch(marco, problems);
    log("both moderators signed in through the e-mail link");

    // Anna starts from the queue: "next pending", reached with Tab.
    await anna.goto(`${base}/console/coda?status=pending`);
    await tabTo(anna, /button.*Prossimo in attesa/, 30);
    await key(anna, "Enter");
    const reviewed = [];

    // 1, 2: approve and next (a).
    for (let i = 0; i < 2; i++) {
      reviewed.push(await reference(anna));
      await key(anna, "a");
    }
    // 3: the near-copy, beside the second with the shared passages marked;
    // d reaches "mark as duplicate of this one", Enter marks it and goes on.
    assert.equal(await reference(anna), copy.reference, "oldest pending first");
    const panel = await anna.locator(".simili").textContent();
    assert.ok(panel.includes(originals[1].reference), "the original is shown beside the text");
    assert.ok((await anna.locator(".simili mark").count()) > 0, "shared passages are highlighted");
    reviewed.push(await reference(anna));
    await key(anna, "d", false);
    assert.match(await focused(anna), /button.*Segna come duplicato di questo/);
    await key(anna, "Enter");
    const copyDetail = await (await api(token, "GET", `/moderation/contributions/${copy.id}`)).json();
    assert.equal(copyDetail.status, "duplicate");
    assert.equal(copyDetail.duplicate_of, originals[1].id);
    // 4: reject with the first standard reason: r, ↓, Tab to "Respingi", Enter; then j.
    reviewed.push(await reference(anna));
    await key(anna, "r", false);
    assert.match(await focused(anna), /select#motivo-respingi/);
    await anna.keyboard.press("ArrowDown");
    await tabTo(anna, /button.*Respingi$/);
    await key(anna, "Enter");
    assert.match(await anna.locator(".stato-riga").textContent(), /respinto/);
    await key(anna, "j");
    // 5: a tag (t, type, Enter) and a note (n, type, Tab, Enter).
    reviewed.push(await reference(anna));
    const fifth = anna.url();
    await key(anna, "t", false);
    await anna.keyboard.type("verde-urbano");
    await key(anna, "Enter");
    assert.ok((await anna.locator(".etichetta").allTextContents()).includes("verde-urbano"), "tag added");
    await key(anna, "n", false);
    await anna.keyboard.type("Segnalato anche all'assemblea del Quartiere 3.");
    await tabTo(anna, /button.*Aggiungi la nota/);
    await key(anna, "Enter");
    assert.ok((await anna.locator(".note").textContent()).includes("assemblea del Quartiere 3"), "note added");

    // Marco, in his own browser, sees Anna's claim in the queue and on the page.
    await marco.goto(`${base}/console/coda?status=pending`);
    const row = marco.locator("tr", { hasText: reviewed.at(-1) });
    assert.match(await row.textContent(), /in revisione da Anna Bianchi/, "the queue shows who is reviewing");
    await marco.goto(fifth);
    assert.match(await marco.locator("main").textContent(), /in revisione da Anna Bianchi/, "the page warns Marco");
    log("Marco sees Anna's claim in the queue and on the page");
    await checkPage(marco, "revisione-presa");
    await marco.goto(`${base}/console/coda?status=pending`);

    // 5 approved, then 6–10: approve and next.
    await key(anna, "a");
    while (reviewed.length < 10) {
      reviewed.push(await reference(anna));
      await key(anna, "a");
    }
    assert.equal(new Set(reviewed).size, 10, `ten reviewed: ${reviewed}`);
    log(`ten contributions reviewed with the keyboard only: ${reviewed.join(", ")}`);

    // Bulk-approve five from the queue.
    await anna.goto(`${base}/console/coda?q=${encodeURIComponent("approvati tutti insieme")}&status=pending`);
    await checkPage(anna, "coda");
    for (const item of bulk) await anna.check(`input[name=ids][value="${item.reference}"]`);
    await anna.selectOption("#bulk-azione", "approve");
    await Promise.all([anna.waitForNavigation(), anna.click("text=Applica ai selezionati")]);
    assert.equal(await anna.locator(".esito-ok").count(), 5, "five rows applied");
    await checkPage(anna, "esito-multiplo");
    for (const item of bulk) {
      const detail = await (await api(token, "GET", `/moderation/contributions/${item.id}`)).json();
      assert.equal(detail.status, "approved");
    }
    log("five approved in one bulk action, each row's outcome shown");

    // A stale edit: Anna has the page open, Marco approves, Anna marks spam.
    await anna.goto(`${base}/console/coda/${stale.id}`);
    await marco.goto(`${base}/console/coda/${stale.id}`);
    await Promise.all([marco.waitForNavigation(), marco.click("button[data-tasto=a]")]);
    await key(anna, "s");
    const conflict = await anna.locator("#conflitto").textContent();
    assert.match(conflict, /Modifica non salvata/);
    assert.match(conflict, /Marco Neri/);
    assert.match(conflict, /approvato/);
    assert.equal((await (await api(token, "GET", `/moderation/contributions/${stale.id}`)).json()).status, "approved");
    await anna.screenshot({ path: path.join(screenshots, "console-conflitto-1280.png"), fullPage: true });
    log("a stale edit shows Marco's change and keeps it");

    // Shortcuts can be turned off: then `a` does nothing.
    await anna.goto(`${base}/console/coda/${originals[0].id}`);
    await anna.evaluate(() => { document.getElementById("scorciatoie").open = true; });
    await anna.uncheck("#scorciatoie-attive");
    await anna.reload();
    const before = anna.url();
    await anna.keyboard.press("?");
    await anna.waitForTimeout(200);
    assert.equal(anna.url(), before);
    assert.equal(await anna.evaluate(() => document.getElementById("scorciatoie").open), false, "? is off too");
    log("shortcuts turned off stay off");

    // The remaining pages: a review page with near-duplicates, the offline form.
    await anna.goto(`${base}/console/coda/${originals[1].id}`);
    await checkPage(anna, "revisione");
    await anna.goto(`${base}/console/offline`);
    await checkPage(anna, "offline");
    assert.deepEqual(problems, [], "console errors or external requests");
    log("all checks passed");
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`browser: FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
});
