// Two moderators clear the queue at the same time (issue 13, "done when"):
// `node console-two-moderators.mjs BASE_URL MAIL_DIR ANNA_EMAIL MARCO_EMAIL`,
// with MODERATOR_TOKEN (an API token, to check what is stored) and the
// pending contributions already submitted.
//
// Each signs in through the e-mail link read from the .eml file, in their
// own browser context. Marco sees Anna's claim in the queue and on the page;
// his stale reject of the contribution she approved shows who changed what
// and does not overwrite her. Then both work the queue at once with "next
// pending" and "approve and next" (one tag, one reject with a standard
// reason) until nothing is pending. Checked: they never had the same
// contribution open from the queue at once, each page said the claim was
// theirs, nothing is pending at the end, every contribution has exactly one
// status change by one of the two, and neither browser met a 412 or a 500
// (the one 409 is the stale reject). Keyboard use is proved by the
// console-moderation suite, not again here. The pages visited are axe-clean
// (kit.mjs's checkPage).
import assert from "node:assert/strict";
import process from "node:process";
import { checkPage, launch, log, signInByEmail, submitAndWait, watch } from "./kit.mjs";

const [baseArg, mailDir, annaEmail, marcoEmail] = process.argv.slice(2);
const base = baseArg.replace(/\/$/, "");
const token = process.env.MODERATOR_TOKEN;
const REVIEW_PAGE = /\/console\/coda\/RF-\d+/;
const OWN_CLAIM = "Lo stai rivedendo tu";

// --- helpers of this suite --------------------------------------------------------

async function api(url) {
  const response = await fetch(`${base}/api/v1${url}`, { headers: { Authorization: `Bearer ${token}` } });
  const text = await response.text();
  assert.equal(response.status, 200, `GET ${url}: ${text}`);
  return JSON.parse(text);
}

/** The sign-in page, as a browser not signed in meets it. */
async function checkSignInPage(context) {
  const page = await context.newPage();
  await page.goto(`${base}/console/coda`);
  assert.match(page.url(), /\/console\/accesso/, "the queue asks to sign in first");
  await checkPage(page, "console-due-accesso");
  await page.close();
}

/** Every response status a page's documents and requests met, for the end. */
function recordStatuses(page, statuses) {
  page.on("response", (response) => statuses.push({ status: response.status(), url: response.url() }));
}

async function reference(page) {
  return (await page.locator("h1 .codice").textContent()).trim();
}

async function claimText(page) {
  return (await page.locator("#presa-stato").textContent()).trim();
}

/** Presses a form's button by its visible text and waits for the next page. */
async function press(page, text) {
  await submitAndWait(page, () => page.getByRole("button", { name: text, exact: false }).first().click());
}

// --- the run ----------------------------------------------------------------------

async function main() {
  const pending = (await api("/moderation/contributions?status=pending&limit=100")).items;
  assert.equal(pending.length, 30, "thirty pending contributions to start with");
  const browser = await launch();
  const problems = [];
  const statuses = [];
  try {
    const contexts = await Promise.all(
      [0, 1].map(() => browser.newContext({ locale: "it-IT", viewport: { width: 1280, height: 900 } })),
    );
    await checkSignInPage(contexts[0]);
    const anna = await signInByEmail(contexts[0], base, mailDir, annaEmail);
    const marco = await signInByEmail(contexts[1], base, mailDir, marcoEmail);
    for (const page of [anna, marco]) {
      // A refused stale step answers its page with 409: counted below.
      watch(page, base, problems, [409]);
      recordStatuses(page, statuses);
    }
    log("both moderators signed in through the e-mail link, each in their own browser");

    // Anna takes the oldest pending one; Marco sees her claim in the queue
    // and on the page, and opening it leaves the claim hers.
    await anna.goto(`${base}/console/coda?status=pending`);
    await press(anna, "Prossimo in attesa");
    const first = await reference(anna);
    assert.match(await claimText(anna), new RegExp(OWN_CLAIM));
    await marco.goto(`${base}/console/coda?status=pending`);
    const row = marco.locator("tbody tr", { hasText: first });
    assert.match(await row.textContent(), /in revisione da Anna Bianchi/, "the queue row names who reviews it");
    await checkPage(marco, "console-due-coda");
    await marco.goto(`${base}/console/coda/${first}`);
    assert.match(await marco.locator("main").textContent(), /in revisione da Anna Bianchi/, "the page warns Marco");
    assert.equal(await claimText(marco), "", "the claim is not Marco's");
    await checkPage(marco, "console-due-presa-altrui");
    const firstId = pending.find((item) => item.reference === first).id;
    assert.equal((await api(`/moderation/contributions/${firstId}`)).claim.staff_name, "Anna Bianchi");
    log(`Marco sees Anna's claim on ${first} in the queue and on the page`);

    // Anna tags it and approves it; Marco, on the page as it was, rejects
    // it: refused, his page says who changed what, and her approval stays.
    await anna.fill("#nuova-etichetta", "verde-urbano");
    await submitAndWait(anna, () => anna.press("#nuova-etichetta", "Enter"));
    assert.ok((await anna.locator(".etichetta").allTextContents()).includes("verde-urbano"), "tag added");
    await checkPage(anna, "console-due-revisione");
    await press(anna, "Approva e successivo");
    await marco.selectOption("#motivo-respingi", { index: 1 });
    await submitAndWait(marco, () => marco.getByRole("button", { name: "Respingi", exact: true }).click());
    const conflict = await marco.locator("#conflitto").textContent();
    assert.match(conflict, /Modifica non salvata/);
    assert.match(conflict, /Anna Bianchi/);
    assert.match(conflict, /approvato/);
    assert.match(conflict, /verde-urbano/);
    assert.equal((await api(`/moderation/contributions/${firstId}`)).status, "approved", "Anna's approval kept");
    await checkPage(marco, "console-due-conflitto");
    log(`Marco's stale reject of ${first} shows Anna's changes and keeps them`);

    // Both at once until nothing is pending.
    // Who has which contribution open from the queue now.
    const current = new Map([["Anna Bianchi", await reference(anna)]]);
    const reviewed = new Map([["Anna Bianchi", [first]], ["Marco Neri", []]]);
    let rejected = false;
    async function work(page, name) {
      if (name === "Marco Neri") await press(page, "Prossimo in attesa");
      while (REVIEW_PAGE.test(page.url())) {
        const shown = await reference(page);
        for (const [other, theirs] of current) {
          assert.ok(other === name || theirs !== shown, `${name} and ${other} both have ${shown} open`);
        }
        current.set(name, shown);
        assert.match(await claimText(page), new RegExp(OWN_CLAIM), `${shown} is claimed by ${name}`);
        reviewed.get(name).push(shown);
        if (name === "Marco Neri" && !rejected) {
          rejected = true;
          await page.selectOption("#motivo-respingi", { index: 1 });
          await press(page, "Respingi e successivo");
        } else {
          await press(page, "Approva e successivo");
        }
      }
      current.delete(name);
      assert.match(page.url(), /\/console\/coda\?status=pending&vuota=1$/, `${name} is told nothing is left`);
    }
    const started = Date.now();
    await Promise.all([work(anna, "Anna Bianchi"), work(marco, "Marco Neri")]);
    const [annas, marcos] = [reviewed.get("Anna Bianchi"), reviewed.get("Marco Neri")];
    log(`queue cleared in ${((Date.now() - started) / 1000).toFixed(1)} s: Anna ${annas.length}, Marco ${marcos.length}`);
    assert.ok(marcos.length > 0 && annas.length > 1, "both worked the queue");
    assert.deepEqual([...annas, ...marcos].sort(), pending.map((item) => item.reference).sort(), "each once, all of them");
    await checkPage(anna, "console-due-coda-vuota");

    // What is stored: nothing pending, one status change each, by one of the two.
    const after = await api("/moderation/contributions?status=pending&limit=100");
    assert.equal(after.items.length, 0);
    assert.equal(after.status_counts.pending, 0);
    const byWhom = (item) => (annas.includes(item.reference) ? "Anna Bianchi" : "Marco Neri");
    for (const item of pending) {
      const history = await api(`/moderation/contributions/${item.id}/history?limit=100`);
      const changes = history.items.filter((event) => event.action === "status_changed");
      assert.equal(changes.length, 1, `${item.reference}: ${JSON.stringify(changes)}`);
      assert.equal(changes[0].actor_name, byWhom(item), `${item.reference} changed by who reviewed it`);
    }
    const rejections = (await api("/moderation/contributions?status=rejected&limit=100")).items;
    assert.equal(rejections.length, 1, "Marco's one reject");
    assert.ok(rejections[0].status_reason, "with the standard reason");
    log("nothing pending; each contribution changed status once, by whoever reviewed it");

    const conflicts = statuses.filter((entry) => entry.status === 409);
    assert.equal(conflicts.length, 1, `only the stale reject answers 409: ${JSON.stringify(conflicts)}`);
    const refused = statuses.filter((entry) => entry.status === 412 || entry.status >= 500);
    assert.deepEqual(refused, [], "no 412 or 5xx reached either moderator");
    assert.deepEqual(problems, [], "console errors, error statuses or outside requests");
    log("all checks passed");
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(`browser: FAILED: ${error.stack ?? error}`);
  process.exitCode = 1;
});
