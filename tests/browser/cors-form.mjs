// A form on another origin posting through CORS, as the Rete Civica's page
// would: `node cors-form.mjs BASE_URL ALLOWED_PORT OTHER_PORT`.
//
// The page is the README's two snippets for the Rete Civica, as written
// there (the HTML form of "Pages for citizens" and the script of "For the
// Rete Civica form"), plus the few functions the script leaves to the page.
// It is served by a small HTTP server of this script on two origins of its
// own: http://127.0.0.1:ALLOWED_PORT, which the service allows
// (RINASCE_CORS_ORIGINS, RINASCE_FRAME_ANCESTORS), and
// http://127.0.0.1:OTHER_PORT, which it does not. In Chromium, from the
// allowed origin: a 422 whose fields the snippet marks, a 201 with the
// reference shown, a retry with the same key replayed and stored once, a 429
// whose Retry-After the script reads, and every answer's Location and
// rate-limit headers readable by the script. From the other origin the
// browser blocks the calls and nothing is stored; the refused preflight is
// problem+json (a plain fetch from node). /cruscotto framed from the allowed
// origin loads; from the other it is refused.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { launch, log } from "./kit.mjs";

const [baseArgument, allowedPort, otherPort] = process.argv.slice(2);
const base = baseArgument.replace(/\/$/, "");
const allowed = `http://127.0.0.1:${allowedPort}`;
const other = `http://127.0.0.1:${otherPort}`;
const README = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "README.md");

/** The first ```LANGUAGE block after `marker` in the README, as written there. */
function readmeSnippet(marker, language) {
  const readme = readFileSync(README, "utf8");
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `README: no ${JSON.stringify(marker)}`);
  const fence = "```" + language + "\n";
  const open = readme.indexOf(fence, at);
  const close = readme.indexOf("\n```", open + fence.length);
  assert.ok(open >= 0 && close > open, `README: no ${language} block after ${JSON.stringify(marker)}`);
  return readme.slice(open + fence.length, close);
}

const FORM = readmeSnippet("**For the Rete Civica**", "html").replaceAll("https://SERVIZIO", base);
const SCRIPT = readmeSnippet("### For the Rete Civica form", "js");

// The page's own parts, which the snippet leaves to it: SERVICE, form, and how
// a receipt, a field's message and another problem are shown. `fetch` is
// wrapped to record what a script can read of each answer (CORS hides
// every header that is not exposed).
const PAGE = `<!DOCTYPE html>
<html lang="it">
<head><meta charset="utf-8"><title>Rete Civica – Rinasce Firenze</title><link rel="icon" href="data:,">
<style>.fuori-schermo { position: absolute; left: -10000px; }</style></head>
<body>
<h1>Rinasce Firenze</h1>
${FORM}
<p id="ricevuta" role="status"></p>
<p id="problema" role="alert"></p>
<script>
const SERVICE = ${JSON.stringify(base)};
const form = document.querySelector("form");
window.answers = [];
const fetchOfThePage = window.fetch;
window.fetch = async (...args) => {
  const response = await fetchOfThePage(...args);
  window.answers.push({ status: response.status, headers: Object.fromEntries(response.headers) });
  return response;
};
function showReceipt(reference) {
  document.getElementById("ricevuta").textContent = reference;
}
function markField(field, message) {
  const input = form.elements[field];
  const beside = input instanceof RadioNodeList ? input[0].closest("fieldset") : input;
  const note = document.createElement("p");
  note.className = "errore";
  note.dataset.field = field;
  note.textContent = message;
  beside.after(note);
}
function showProblem(title, detail, retryAfter) {
  const shown = document.getElementById("problema");
  shown.textContent = title + ": " + detail;
  shown.dataset.retryAfter = retryAfter ?? "";
}
</script>
<script type="module">
${SCRIPT}
</script>
</body>
</html>
`;

const FRAME = `<!DOCTYPE html>
<html lang="it"><head><meta charset="utf-8"><title>Cruscotto incorniciato</title><link rel="icon" href="data:,"></head>
<body><iframe src="${base}/cruscotto" title="Cruscotto dei contributi" width="800" height="600"></iframe></body></html>
`;

function serve(port) {
  const server = http.createServer((request, response) => {
    const body = { "/": PAGE, "/cornice": FRAME }[request.url];
    response.writeHead(body ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" });
    response.end(body ?? "");
  });
  return new Promise((resolve) => server.listen(Number(port), "127.0.0.1", () => resolve(server)));
}

async function indicators() {
  const response = await fetch(`${base}/api/v1/indicators`);
  assert.equal(response.status, 200);
  return response.json();
}

/** Console messages and page errors; the statuses in `expected` may fail to load. */
function watch(page, expected = []) {
  const seen = { problems: [], console: [] };
  page.on("console", (message) => {
    seen.console.push(message.text());
    const answered = message.text().match(/status of (\d+)/);
    if (answered && expected.includes(Number(answered[1]))) return;
    if (message.type() === "error") seen.problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => seen.problems.push(`page error: ${error.message}`));
  return seen;
}

const lastAnswer = (page) => page.evaluate(() => window.answers.at(-1));

/** Submits the form and waits for the snippet's call to the service to be answered. */
async function submit(page) {
  const count = await page.evaluate(() => window.answers.length);
  await page.click('button[type="submit"]');
  await page.waitForFunction((before) => window.answers.length > before, count);
  return lastAnswer(page);
}

function assertRateLimitHeaders(answer, where) {
  for (const name of ["x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]) {
    assert.match(answer.headers[name] ?? "", /^\d+$/, `${where}: the script cannot read ${name}`);
  }
}

async function fillValid(page, title) {
  await page.selectOption("#thematic_area", "mobilita-green");
  await page.fill("#title", title);
  await page.fill("#body", "Un modulo della Rete Civica che invia a un altro sito, come nel README.");
  await page.check('input[name="author.kind"][value="citizen"]');
  await page.fill("#given", "Giulia");
  await page.fill("#family", "Bruni");
  await page.fill("#email", "giulia.bruni@example.org");
  await page.check('input[name="privacy_notice_accepted"]');
}

async function fromTheAllowedOrigin(browser) {
  const page = await browser.newPage();
  const seen = watch(page, [422, 429]);
  await page.goto(`${allowed}/`);
  // The form token is fetched at once; a person takes longer than its minimum.
  await page.waitForFunction(() => window.answers.length === 1);
  assert.equal((await lastAnswer(page)).status, 200, "GET /form-token from the allowed origin");
  await page.waitForTimeout(1100);

  // A 422: every failing field marked where the snippet puts it.
  const before = await indicators();
  await page.selectOption("#thematic_area", "mobilita-green");
  await page.fill("#title", "Poco");
  await page.fill("#body", "Troppo breve");
  await page.fill("#given", "Giu\u202Elia");
  await page.fill("#family", "Bruni");
  await page.fill("#email", "giulia.bruni@example.org");
  await page.check('input[name="privacy_notice_accepted"]');
  const invalid = await submit(page);
  assert.equal(invalid.status, 422);
  assertRateLimitHeaders(invalid, "422");
  const marked = await page.$$eval("p.errore", (notes) => notes.map((note) => [note.dataset.field, note.textContent]));
  const expected = {
    title: "deve contenere almeno 5 caratteri",
    body: "deve contenere almeno 20 caratteri",
    "author.given_name": "carattere non ammesso U+202E alla posizione 4",
    "author.kind": "campo obbligatorio",
  };
  assert.deepEqual(marked.map(([field]) => field).sort(), Object.keys(expected).sort(), "the fields marked");
  for (const [field, message] of marked) assert.equal(message, expected[field], `${field}'s message`);
  assert.equal(
    await page.$eval('p.errore[data-field="author.kind"]', (note) => note.previousElementSibling.tagName),
    "FIELDSET",
    "the radio buttons' message is beside their fieldset",
  );
  log(`from ${allowed}: a 422's ${marked.length} field errors marked beside their inputs by the snippet`);

  // A 201: the reference shown, Location and the rate-limit headers readable.
  await fillValid(page, "Un modulo su un altro sito");
  const created = await submit(page);
  assert.equal(created.status, 201);
  const reference = await page.locator("#ricevuta").textContent();
  assert.match(reference, /^RF-\d{6}$/, "the receipt shows the reference");
  assert.match(created.headers.location ?? "", /\/api\/v1\/contributions\/[0-9a-f-]{36}$/, "the script reads Location");
  assertRateLimitHeaders(created, "201");
  assert.equal(created.headers["idempotent-replayed"], undefined, "a first answer is not a replay");

  // The same body again (a retry): the same key, replayed, stored once.
  const replayed = await submit(page);
  assert.equal(replayed.status, 201);
  assert.equal(replayed.headers["idempotent-replayed"], "true", "the script reads Idempotent-Replayed");
  assert.equal(replayed.headers.location, created.headers.location);
  assert.equal(await page.locator("#ricevuta").textContent(), reference);
  const after = await indicators();
  assert.equal(after.received, before.received + 1, "a retry with the same key is stored once");
  assert.equal(after.counted, before.counted + 1, "the snippet's submission is counted (not taken for a bot's)");
  log(`from ${allowed}: 201 with ${reference} shown; Location, rate-limit headers and Idempotent-Replayed readable; stored once`);

  // New bodies until the rate limit answers: the script reads Retry-After.
  let limited = null;
  for (let attempt = 1; attempt <= 10 && !limited; attempt++) {
    await page.fill("#title", `Un altro contributo, il numero ${attempt}`);
    const answer = await submit(page);
    if (answer.status === 429) limited = answer;
    else assert.equal(answer.status, 201, `submission ${attempt}`);
  }
  assert.ok(limited, "no 429 within 10 submissions");
  assert.match(limited.headers["retry-after"] ?? "", /^\d+$/, "the script reads Retry-After");
  assert.equal(limited.headers["x-ratelimit-remaining"], "0");
  assert.equal(await page.locator("#problema").getAttribute("data-retry-after"), limited.headers["retry-after"]);
  assert.match(await page.locator("#problema").textContent(), /\S: \S/, "the snippet shows the problem's title and detail");
  log(`from ${allowed}: 429 shown by the snippet with Retry-After ${limited.headers["retry-after"]}`);

  assert.deepEqual(seen.problems, [], "allowed origin: console errors");
  await page.close();
}

async function fromAnotherOrigin(browser) {
  const page = await browser.newPage();
  const seen = watch(page);
  const before = await indicators();
  await page.goto(`${other}/`);
  // The snippet's first call, for the form token, is blocked.
  const blocked = () => seen.problems.some((problem) => /blocked by CORS policy/.test(problem));
  for (let waited = 0; waited < 5000 && !blocked(); waited += 100) await page.waitForTimeout(100);
  assert.ok(blocked(), `no CORS block in the console: ${JSON.stringify(seen.problems)}`);
  assert.equal(await page.evaluate(() => window.answers.length), 0, "the script read an answer");
  const outcome = await page.evaluate(async (url) => {
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": "da-un-altro-sito" },
        body: JSON.stringify({ title: "Da un sito non ammesso" }),
      });
      return `answered ${response.status}`;
    } catch (error) {
      return error.name;
    }
  }, `${base}/api/v1/contributions`);
  assert.equal(outcome, "TypeError", "the browser blocks a submission from an origin not allowed");
  assert.equal((await indicators()).received, before.received, "nothing stored from an origin not allowed");
  await page.close();

  // The refused preflight, as a browser sends it, is a problem document.
  const preflight = async (origin) =>
    fetch(`${base}/api/v1/contributions`, {
      method: "OPTIONS",
      headers: {
        Origin: origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,idempotency-key",
      },
    });
  const refused = await preflight(other);
  assert.equal(refused.status, 403);
  assert.match(refused.headers.get("content-type"), /^application\/problem\+json/);
  const problem = await refused.json();
  assert.equal(problem.status, 403);
  assert.match(problem.type, /cors-refused$/);
  assert.equal(refused.headers.get("access-control-allow-origin"), null);
  const accepted = await preflight(allowed);
  assert.equal(accepted.status, 200);
  assert.equal(accepted.headers.get("access-control-allow-origin"), allowed);
  log(`from ${other}: blocked by the browser, nothing stored; its preflight is a 403 problem+json`);
}

/** /cruscotto in an iframe of `origin`: the frame's heading and document address. */
async function framedDashboard(browser, origin) {
  const page = await browser.newPage();
  const seen = watch(page);
  await page.goto(`${origin}/cornice`);
  // Either the dashboard or, when the browser refuses it, Chromium's error page.
  const heading = (await page.frameLocator("iframe").locator("h1").textContent()).trim();
  const frameUrl = page.frames().find((frame) => frame !== page.mainFrame()).url();
  await page.close();
  return { heading, frameUrl, console: seen.console };
}

async function framing(browser) {
  const inAllowed = await framedDashboard(browser, allowed);
  assert.equal(inAllowed.heading, "Cruscotto dei contributi", `framed from ${allowed}`);
  assert.equal(inAllowed.frameUrl, `${base}/cruscotto`);
  const inOther = await framedDashboard(browser, other);
  assert.notEqual(inOther.heading, "Cruscotto dei contributi", `framed from ${other}: the dashboard loaded`);
  assert.match(inOther.frameUrl, /^chrome-error:/, `framed from ${other}: not Chromium's error page`);
  assert.ok(
    inOther.console.some((text) => text.includes("frame-ancestors")),
    `framed from ${other}: no frame-ancestors refusal in the console: ${JSON.stringify(inOther.console)}`,
  );
  log(`/cruscotto framed: loads in ${allowed}, refused by the browser in ${other} (frame-ancestors)`);
}

const servers = await Promise.all([serve(allowedPort), serve(otherPort)]);
const chromiumProcess = await launch();
// A citizen's browser in Italian: the snippet leaves Accept-Language to it.
const browser = await chromiumProcess.newContext({ locale: "it-IT" });
try {
  await fromTheAllowedOrigin(browser);
  await fromAnotherOrigin(browser);
  await framing(browser);
} finally {
  await chromiumProcess.close();
  for (const server of servers) server.close();
}
