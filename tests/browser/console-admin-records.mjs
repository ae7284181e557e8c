// The admin's record pages in a real browser, in two acts around a restart
// of the server (console-admin-records.sh):
//
// `node console-admin-records.mjs seed BASE_URL`: while the server's SMTP
// relay is a closed port, two contributions arrive by the form (their
// acknowledgements fail for good) and a moderator registers one received
// on paper, without an address, with a note that names its author.
//
// `node console-admin-records.mjs console BASE_URL MAIL_DIR ADMIN_EMAIL`:
// the server now writes mail to MAIL_DIR. The admin signs in through the
// e-mail link, filters the audit log (and gets a bad date back with its
// message), follows a reference to its review page, reads a failed e-mail
// and retries every failed one from the outbox page (the .eml files then
// arrive), and answers an erasure request for the paper contribution by its
// reference, rewriting the note that names the person. Every page passes
// axe-core at 375 and 1280 px and does not scroll sideways at 200 % zoom.
//
// Both acts read ADMIN_TOKEN and MODERATOR_TOKEN (API tokens) from the
// environment, to set up and to check what is stored.
import assert from "node:assert/strict";
import process from "node:process";
import { checkPage, launch, log, mailFiles, mailText, signInByEmail, waitFor, watch } from "./kit.mjs";

const [act, baseArg, mailDir, adminEmail] = process.argv.slice(2);
const base = baseArg.replace(/\/$/, "");
const { ADMIN_TOKEN: adminToken, MODERATOR_TOKEN: moderatorToken } = process.env;
const FORM_AUTHORS = ["giulia.verdi@example.org", "marco.neri@example.org"];
const NAMING_NOTE = "Rosa Gialli ha consegnato il foglio all'URP di persona.";
const OTHER_NOTE = "Proposta da discutere in commissione.";
const REWRITTEN_NOTE = "La cittadina ha consegnato il foglio all'URP di persona.";

async function api(token, method, url, body) {
  const response = await fetch(`${base}/api/v1${url}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.ok, `${method} ${url}: ${response.status} ${text}`);
  return JSON.parse(text);
}

async function outbox(status) {
  return (await api(adminToken, "GET", `/admin/outbox?status=${status}`)).items;
}

async function paperContribution() {
  const { items } = await api(moderatorToken, "GET", "/moderation/contributions?channel=paper");
  assert.equal(items.length, 1, "one paper contribution");
  return items[0];
}

// --- act 1: mail that fails, a paper contribution -----------------------------------

async function seed() {
  const { items: areas } = await (await fetch(`${base}/api/v1/thematic-areas`)).json();
  for (const [i, email] of FORM_AUTHORS.entries()) {
    const response = await fetch(`${base}/api/v1/contributions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        thematic_area: areas[i].code,
        title: ["Più alberi in piazza", "Fontanelle nei parchi"][i],
        body: "Un testo abbastanza lungo per essere un contributo vero e proprio.",
        author: { kind: "citizen", given_name: "Persona", family_name: `Numero ${i + 1}`, email, quartiere: 2 },
        privacy_notice_accepted: true,
        contact_consent: false,
      }),
    });
    assert.equal(response.status, 201, await response.text());
  }
  const paper = await api(moderatorToken, "POST", "/moderation/contributions", {
    channel: "paper",
    thematic_area: areas[0].code,
    title: "Panchine all'ombra",
    body: "Scritto a mano e consegnato all'URP: panchine all'ombra lungo i viali per chi aspetta il bus.",
    author: { kind: "citizen", given_name: "Rosa", family_name: "Gialli" },
  });
  for (const text of [NAMING_NOTE, OTHER_NOTE]) {
    await api(moderatorToken, "POST", `/moderation/contributions/${paper.id}/notes`, { text });
  }
  await waitFor(async () => (await outbox("failed")).length === FORM_AUTHORS.length, "both acknowledgements to fail");
  log(`seeded: ${paper.reference} on paper; both acknowledgements failed (nothing listens on the SMTP port)`);
}

// --- act 2: the console --------------------------------------------------------------

async function submitForm(page, button) {
  await Promise.all([page.waitForNavigation({ waitUntil: "load" }), button.click()]);
}

async function auditLog(page, paper) {
  await page.goto(`${base}/console/admin`);
  await submitForm(page, page.getByRole("link", { name: "Registro delle attività" }));
  assert.equal(await page.locator("h1").textContent(), "Registro delle attività");
  await checkPage(page, "admin-registro");

  // Anna's notes: filtered by her name and the action.
  await page.fill("#filtro-chi", "anna");
  await page.selectOption("#filtro-azione", "note_added");
  await submitForm(page, page.getByRole("button", { name: "Filtra" }));
  const rows = page.locator("table.registro tbody tr");
  assert.equal(await rows.count(), 2, "two notes by Anna");
  for (const text of await rows.allTextContents()) {
    assert.match(text, /Anna Bianchi/);
    assert.match(text, /nota aggiunta/);
    assert.ok(text.includes(paper.reference), text);
  }
  await checkPage(page, "admin-registro-filtrato");
  const filtered = page.url();

  // A date the log cannot read comes back with its message.
  await page.fill("#filtro-dal", "ieri");
  const [refused] = await Promise.all([
    page.waitForNavigation({ waitUntil: "load" }),
    page.getByRole("button", { name: "Filtra" }).click(),
  ]);
  assert.equal(refused.status(), 422);
  assert.match(await page.locator("[role=alert]").textContent(), /deve essere una data/);
  assert.equal(await page.getAttribute("#filtro-dal", "aria-invalid"), "true");
  assert.equal(await page.inputValue("#filtro-dal"), "ieri", "what was typed is kept");
  await checkPage(page, "admin-registro-errore");

  // The reference leads to the contribution's review page.
  await page.goto(filtered);
  await submitForm(page, page.getByRole("link", { name: paper.reference }).first());
  assert.equal(new URL(page.url()).pathname, `/console/coda/${paper.reference}`);
  assert.equal((await page.locator("h1 .codice").textContent()).trim(), paper.reference);
  log(`audit log filtered by actor and action; ${paper.reference} opens its review page`);

  // The same page in English, and back.
  await page.goto(filtered);
  await submitForm(page, page.getByRole("link", { name: "English" }));
  assert.equal(await page.locator("h1").textContent(), "Audit log");
  assert.match(await page.locator("table.registro").textContent(), /note added/);
  await submitForm(page, page.getByRole("link", { name: "Italiano" }));
}

async function retryFailedMail(page) {
  await page.goto(`${base}/console/admin/email`);
  await checkPage(page, "admin-posta");
  await page.selectOption("#filtro-stato", "failed");
  await submitForm(page, page.getByRole("button", { name: "Filtra" }));
  const rows = page.locator("table.posta tbody tr");
  assert.equal(await rows.count(), 2, "two failed acknowledgements");
  for (const text of await rows.allTextContents()) assert.match(text, /non riuscito/);

  await submitForm(page, rows.first().locator("a"));
  assert.match(await page.locator("h1").textContent(), /contributo ricevuto/);
  const error = (await page.locator(".errore-invio").textContent()).trim();
  assert.ok(error.length > 0, "the last error is shown");
  assert.match(await page.locator("pre.corpo").textContent(), /RF-00000/);
  await checkPage(page, "admin-messaggio");

  await page.goto(`${base}/console/admin/email`);
  const before = new Set(mailFiles(mailDir));
  await submitForm(page, page.getByRole("button", { name: "Ritenta i 2 messaggi non riusciti" }));
  assert.match(await page.locator("[role=status]").textContent(), /2 messaggi rimessi in coda/);
  await checkPage(page, "admin-posta-ritentata");
  for (const email of FORM_AUTHORS) {
    await waitFor(
      () => mailFiles(mailDir).some((name) => !before.has(name) && mailText(mailDir, name).includes(email)),
      `the acknowledgement to ${email} in ${mailDir}`,
    );
  }
  await waitFor(async () => (await outbox("sent")).filter((m) => FORM_AUTHORS.includes(m.recipient)).length === 2, "both sent");
  assert.deepEqual(await outbox("failed"), []);
  log("both failed acknowledgements retried from the page: their .eml files arrived");
}

async function erasure(page, paper) {
  await page.goto(`${base}/console/admin/cancellazioni`);
  await checkPage(page, "admin-cancellazioni");
  const byContribution = page.locator("form", { has: page.locator("#contributo") });

  await page.fill("#contributo", "RF-999999");
  const [refused] = await Promise.all([
    page.waitForNavigation({ waitUntil: "load" }),
    byContribution.getByRole("button").click(),
  ]);
  assert.equal(refused.status(), 422);
  assert.match(await page.locator("[role=alert]").textContent(), /nessun contributo con questo id o riferimento/);
  await checkPage(page, "admin-cancellazioni-errore");

  await page.fill("#contributo", paper.reference.toLowerCase());
  await submitForm(page, byContribution.getByRole("button"));
  assert.equal(await page.locator("h1").textContent(), "Conferma la cancellazione");
  assert.match(await page.locator("table").textContent(), /Rosa Gialli/);
  await checkPage(page, "admin-cancellazioni-conferma");

  const naming = page.locator("fieldset.nota-scelta", { hasText: NAMING_NOTE });
  await naming.getByLabel("Riscrivila con il testo qui sotto").check();
  await naming.getByLabel("Nuovo testo della nota").fill(REWRITTEN_NOTE);
  await submitForm(page, page.getByRole("button", { name: "Conferma la cancellazione" }));
  assert.equal(await page.locator("h1").textContent(), "Cancellazione eseguita");
  assert.deepEqual(await page.locator(".riferimenti li").allTextContents(), [paper.reference]);
  assert.match(await page.locator(".fatti").textContent(), /Note riscritte\s*1/);
  await checkPage(page, "admin-cancellazioni-esito");

  const stored = await api(moderatorToken, "GET", `/moderation/contributions/${paper.id}`);
  assert.equal(stored.author.given_name, null);
  assert.equal(stored.author.family_name, null);
  assert.deepEqual(stored.notes.map((note) => note.text), [REWRITTEN_NOTE, OTHER_NOTE]);
  log(`${paper.reference} (paper) erased by its reference, the note naming its author rewritten`);
}

async function console_() {
  const paper = await paperContribution();
  const browser = await launch();
  const problems = [];
  try {
    const context = await browser.newContext({ locale: "it-IT", viewport: { width: 1280, height: 900 } });
    const page = await signInByEmail(context, base, mailDir, adminEmail);
    watch(page, base, problems, [422]);
    log("the admin signed in through the e-mail link");
    await auditLog(page, paper);
    await retryFailedMail(page);
    await erasure(page, paper);
    assert.deepEqual(problems, [], "console errors, failed requests or external requests");
    log("all checks passed");
  } finally {
    await browser.close();
  }
}

const acts = { seed, console: console_ };
acts[act]().catch((error) => {
  console.error(`browser: FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
});
