// Offline registration and tags in a real browser:
// `node console-offline-tags.mjs BASE_URL SIGN_IN_LINK MAIL_DIR` (MODERATOR_TOKEN
// in the environment, for checks through the API).
//
// Anna signs in, registers a contribution handed in at a Quartiere meeting,
// clicking "Registra" twice (two POSTs reach the server, one contribution is
// stored), finds it in the queue and on its review page with the meeting,
// then on the tags page renames one tag, is refused a rename onto an
// existing tag (the page offers the merge), and merges after confirming.
// Every page is checked with axe-core at 375 and 1280 px and at 200 % zoom,
// and photographed.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import process from "node:process";
import { checkPage, launch, log, signInWithLink, submitAndWait, waitFor, watch } from "./kit.mjs";

const [baseArg, signInLink, mailDir] = process.argv.slice(2);
const base = baseArg.replace(/\/$/, "");
const token = process.env.MODERATOR_TOKEN;
const MEETING = "Assemblea pubblica del Quartiere 4";
const TITLE = "Più corse dei bus la sera";

async function api(method, url, body, headers = {}) {
  const response = await fetch(`${base}/api/v1${url}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: body && JSON.stringify(body),
  });
  const text = await response.text();
  assert.ok(response.status < 300, `${method} ${url}: ${response.status} ${text}`);
  return { json: text ? JSON.parse(text) : null, etag: response.headers.get("etag") };
}

/** A contribution from the form, tagged `tags` by the moderator. */
async function tagged(title, tags) {
  const response = await fetch(`${base}/api/v1/contributions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      thematic_area: "sviluppo-economia-cittadina",
      title,
      body: "Un mercato rionale coperto in piazza, con i produttori del territorio e prezzi accessibili.",
      author: { kind: "citizen", given_name: "Paolo", family_name: "Rossi", email: "paolo.rossi@example.org", quartiere: 2 },
      privacy_notice_accepted: true,
    }),
  });
  assert.equal(response.status, 201);
  const { id } = await response.json();
  const { etag } = await api("GET", `/moderation/contributions/${id}`);
  await api("PATCH", `/moderation/contributions/${id}`, { tags }, { "Content-Type": "application/merge-patch+json", "If-Match": etag });
  return id;
}

async function tagCounts() {
  const { json } = await api("GET", "/moderation/tags");
  return Object.fromEntries(json.items.map((item) => [item.tag, item.count]));
}

async function registerFromAMeeting(anna, problems) {
  await anna.goto(`${base}/console/offline`);
  // The meeting's fields are there for a meeting, and only then.
  assert.equal(await anna.inputValue("#canale"), "event");
  assert.equal(await anna.locator("#incontro").isVisible(), true);
  assert.equal(await anna.locator("#incontro-nome").getAttribute("required"), "");
  await anna.selectOption("#canale", "paper");
  assert.equal(await anna.locator("#incontro").isVisible(), false, "no meeting for paper");
  await anna.selectOption("#canale", "event");
  await checkPage(anna, "offline-incontro");

  await anna.fill("#incontro-nome", MEETING);
  await anna.fill("#incontro-data", "2026-11-20");
  await anna.selectOption("#incontro-quartiere", "4");
  await anna.selectOption("#area", "mobilita-green");
  await anna.fill("#titolo", TITLE);
  await anna.fill("#testo", "Chiedo più corse dei bus la sera nel Quartiere 4, soprattutto dopo le 21.");
  await anna.fill("#nome", "Lucia");
  await anna.fill("#cognome", "Neri");
  await anna.fill("#email", "lucia.neri@example.org");
  await anna.selectOption("#quartiere", "4");
  await anna.check("#informativa");

  // A double click on a slow connection: the first answer is late, the
  // second click sends the form again. (A quick double click is coalesced by
  // Chromium into one submission, so the first request is held here until
  // the second is on its way.) The server gets both.
  let posts = 0;
  let secondSent;
  const second = new Promise((resolve) => { secondSent = resolve; });
  await anna.route(`${base}/console/offline`, async (route) => {
    if (route.request().method() !== "POST") return route.continue();
    posts += 1;
    if (posts > 1) {
      secondSent();
      return route.continue();
    }
    const answer = await route.fetch({ maxRedirects: 0 });
    await Promise.race([second, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    // The browser dropped the first navigation for the second one.
    await route.fulfill({ response: answer }).catch(() => {});
  });
  // The mouse, at the button: the page is still the form while it waits.
  const submit = anna.locator("form.modulo button[type=submit]");
  await submit.scrollIntoViewIfNeeded();
  const box = await submit.boundingBox();
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await anna.mouse.click(x, y);
  while (posts === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  await anna.mouse.click(x, y);
  // The second post aborts the first navigation (net::ERR_ABORTED), which
  // waitForURL may catch: wait instead for the page that lands.
  await waitFor(() => /\/console\/coda\/RF-\d{6}$/.test(anna.url()), "the review page after the double click");
  await anna.waitForLoadState("load");
  await anna.unroute(`${base}/console/offline`);
  assert.equal(posts, 2, "the form was sent twice");
  // Both answers lead to the one contribution.
  const { json: queue } = await api("GET", `/moderation/contributions?q=${encodeURIComponent(TITLE)}`);
  assert.equal(queue.items.length, 1, "stored once");
  const registered = queue.items[0];
  assert.equal(anna.url(), `${base}/console/coda/${registered.reference}`);
  assert.deepEqual(registered.meeting, { name: MEETING, date: "2026-11-20", quartiere: 4 });
  assert.equal(registered.privacy_notice_accepted, true);
  assert.equal(registered.channel, "event");
  log(`a double click registered ${registered.reference} once`);

  const facts = await anna.locator(".scheda.testo .fatti").textContent();
  assert.match(facts, /Incontro:?\s*Assemblea pubblica del Quartiere 4, 20 novembre 2026 \(Quartiere 4 – Isolotto-Legnaia\)/);
  await checkPage(anna, "offline-registrato");

  // In the queue, with the other meetings' contributions.
  await anna.goto(`${base}/console/coda?channel=event`);
  const rows = await anna.locator("table.coda tbody tr").allTextContents();
  assert.equal(rows.length, 1);
  assert.match(rows[0], new RegExp(registered.reference));
  assert.match(rows[0], /Più corse dei bus la sera/);
  log("it is in the queue, filtered by channel");

  // Its author was acknowledged, with how it arrived.
  for (let attempt = 0; attempt < 100; attempt++) {
    const files = readdirSync(mailDir).filter((name) => name.endsWith(".eml"));
    const texts = files.map((name) => readFileSync(path.join(mailDir, name), "utf8"));
    const ours = texts.filter((text) => text.includes("lucia.neri@example.org"));
    if (ours.length > 0) {
      assert.equal(ours.length, 1, "one acknowledgement");
      const text = ours[0].replace(/=\r?\n/g, "");
      assert.match(text, /registrato/);
      assert.match(text, new RegExp(registered.reference));
      log("the author's acknowledgement was written");
      return registered;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  problems.push("no acknowledgement e-mail for lucia.neri@example.org");
  return registered;
}

async function renameAndMerge(anna) {
  await tagged("Mercato coperto in piazza", ["mercati", "verde"]);
  await tagged("Mercato del contadino", ["mercati"]);
  await tagged("Mercati rionali ogni settimana", ["Mercati rionali"]);

  await anna.goto(`${base}/console/etichette`);
  assert.equal(await anna.locator("h1").textContent(), "Etichette");
  assert.equal(await anna.locator('nav a[aria-current="page"]').textContent(), "Etichette");
  assert.match(await anna.locator("#etichetta-mercati").textContent(), /2 contributi/);
  await checkPage(anna, "etichette");

  // Rename by keyboard: type the new name, Enter.
  await anna.fill("#nome-mercati", "Mercati storici");
  await submitAndWait(anna, () => anna.press("#nome-mercati", "Enter"));
  assert.equal(anna.url(), `${base}/console/etichette`);
  assert.equal(
    (await anna.locator('[role="status"]').textContent()).trim(),
    "Etichetta «mercati» rinominata in «mercati-storici»: 2 contributi aggiornati.",
  );
  assert.deepEqual(await tagCounts(), { "mercati-rionali": 1, "mercati-storici": 2, verde: 1 });
  await checkPage(anna, "etichette-rinominata");
  await anna.reload();
  assert.equal(await anna.locator('[role="status"]').count(), 0, "the message is shown once");

  // Onto an existing tag: refused, the merge offered instead.
  await anna.fill("#nome-mercati-storici", "mercati rionali");
  await submitAndWait(anna, () => anna.click('#etichetta-mercati-storici button:has-text("Rinomina")'));
  assert.match(await anna.locator('[role="alert"]').textContent(), /esiste già/);
  await checkPage(anna, "etichette-conflitto");
  await submitAndWait(anna, () => anna.click('[role="alert"] button'));

  // The confirmation: nothing changes until it is given.
  assert.equal(await anna.locator("h1").textContent(), "Unire «mercati-storici» a «mercati-rionali»?");
  assert.deepEqual(await tagCounts(), { "mercati-rionali": 1, "mercati-storici": 2, verde: 1 });
  await checkPage(anna, "etichette-unione");
  await submitAndWait(anna, () => anna.click('button:has-text("Sì, unisci le etichette")'));
  assert.equal(
    (await anna.locator('[role="status"]').textContent()).trim(),
    "Etichetta «mercati-storici» unita a «mercati-rionali» ed eliminata: 2 contributi aggiornati.",
  );
  assert.deepEqual(await tagCounts(), { "mercati-rionali": 3, verde: 1 });
  assert.equal(await anna.locator("#etichetta-mercati-storici").count(), 0);
  await checkPage(anna, "etichette-unite");
  log("tags renamed and merged from the tags page");

  // The merge form of the list, too: into `verde`, then confirmed.
  await anna.fill("#in-verde", "mercati-rionali");
  await submitAndWait(anna, () => anna.click('#etichetta-verde button:has-text("Unisci")'));
  await submitAndWait(anna, () => anna.click('button:has-text("Sì, unisci le etichette")'));
  assert.deepEqual(await tagCounts(), { "mercati-rionali": 3 }, "one tag left, on all three");
}

async function main() {
  const browser = await launch();
  const problems = [];
  try {
    const context = await browser.newContext({ locale: "it-IT", viewport: { width: 1280, height: 900 } });
    const anna = await signInWithLink(context, signInLink);
    watch(anna, base, problems, [409]);
    log("Anna signed in");
    await registerFromAMeeting(anna, problems);
    await renameAndMerge(anna);
    assert.deepEqual(problems, [], "console errors, error statuses or external requests");
    log("all checks passed");
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`browser: FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
});
