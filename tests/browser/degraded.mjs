// The public side with PostgreSQL stopped, in three steps run by
// suites/degraded.sh around the stop and the start of its private cluster:
//   node degraded.mjs before BASE_URL STATE_FILE   figures read while it runs
//   node degraded.mjs during BASE_URL STATE_FILE   PostgreSQL stopped
//   node degraded.mjs after  BASE_URL STATE_FILE   PostgreSQL started again
//
// `before` loads /cruscotto, the badge and the thematic areas (which the
// service then keeps) and writes what they showed to STATE_FILE. `during`,
// in Chromium: the dashboard shows those figures with their time and a
// notice, axe-core clean at 375 and 1280 px; the badge is an SVG, never
// problem+json; the thematic areas answer as last read; a submission
// through /partecipa gets the 503 page without JavaScript and the 503
// problem+json with Retry-After with it, shown on the form. `after`: the
// service answers again, the notice is gone and a submission is stored.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import process from "node:process";
import { checkPage, launch, log, watch } from "./kit.mjs";

const [step, baseArgument, stateFile] = process.argv.slice(2);
const base = baseArgument.replace(/\/$/, "");
const NOTICE = "#dati-non-aggiornati";

async function json(pathAndQuery) {
  const response = await fetch(`${base}${pathAndQuery}`);
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** The figures a dashboard shows, by their data-figure keys, as numbers. */
function shownFigures(page) {
  return page.$$eval("[data-figure]", (elements) =>
    Object.fromEntries(
      elements
        .filter((element) => element.dataset.figure !== "generated_at" && element.dataset.figure !== "reached_at")
        .map((element) => [element.dataset.figure, element.textContent.replace(/[\s.%]/g, "").replace(",", ".")]),
    ),
  );
}

/** The badge as a page's <img> would load it: type, caching, title, and whether it renders. */
function loadBadge(page) {
  return page.evaluate(async (url) => {
    const response = await fetch(url);
    const text = await response.text();
    const image = new Image();
    image.src = url;
    await image.decode();
    const svg = new DOMParser().parseFromString(text, "image/svg+xml");
    return {
      type: response.headers.get("content-type"),
      cache: response.headers.get("cache-control"),
      root: svg.documentElement.localName,
      title: svg.querySelector("svg > title")?.textContent ?? null,
      width: image.naturalWidth,
    };
  }, `${base}/cruscotto/progress.svg`);
}

async function browserContext(javaScriptEnabled = true) {
  const browser = await launch();
  const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 }, locale: "it-IT" });
  return { browser, context };
}

async function before() {
  const startedAt = new Date().toISOString();
  const { browser, context } = await browserContext();
  try {
    const page = await context.newPage();
    const problems = [];
    watch(page, base, problems);
    assert.equal((await page.goto(`${base}/cruscotto`)).status(), 200);
    const figures = await shownFigures(page);
    assert.equal(await page.locator(NOTICE).count(), 0, "a notice while the database answers");
    const badge = await loadBadge(page);
    assert.match(badge.cache, /max-age=60/);
    const areas = await json("/api/v1/thematic-areas");
    assert.equal(areas.status, 200);
    assert.deepEqual(problems, []);
    writeFileSync(
      stateFile,
      JSON.stringify({ startedAt, endedAt: new Date().toISOString(), figures, badgeTitle: badge.title, areas: areas.body }),
    );
    log(`before: the dashboard shows ${figures.counted} counted; badge and ${areas.body.items.length} areas read`);
  } finally {
    await browser.close();
  }
}

async function fillTheForm(page, title) {
  await page.selectOption("#thematic_area", "mobilita-green");
  await page.fill("#title", title);
  await page.fill("#body", "Scritto mentre il database del servizio non risponde.");
  await page.check("#author-kind");
  await page.fill("#author-given_name", "Marta");
  await page.fill("#author-family_name", "Galli");
  await page.fill("#author-email", "marta.galli@example.org");
  await page.check("#privacy_notice_accepted");
}

async function during() {
  const state = JSON.parse(readFileSync(stateFile, "utf8"));
  assert.equal((await json("/api/v1/status")).status, 503, "the service does not see PostgreSQL stopped");
  const { browser, context } = await browserContext();
  try {
    // The dashboard: the last figures, their time, a notice; accessible.
    const page = await context.newPage();
    const problems = [];
    watch(page, base, problems);
    const response = await page.goto(`${base}/cruscotto`);
    assert.equal(response.status(), 200, "the dashboard while PostgreSQL is stopped");
    assert.deepEqual(await shownFigures(page), state.figures, "the dashboard's figures are not the last ones read");
    assert.ok(await page.locator(NOTICE).isVisible(), "no notice that the figures are not current");
    assert.match(await page.locator(NOTICE).textContent(), /Il database non risponde in questo momento/);
    const noticeTime = await page.locator(`${NOTICE} time`).getAttribute("datetime");
    const readAt = Date.parse(noticeTime); // whole seconds
    assert.ok(
      readAt >= Date.parse(state.startedAt) - 1000 && readAt <= Date.parse(state.endedAt),
      `the notice's time ${noticeTime} is not when the figures were read (${state.startedAt}…${state.endedAt})`,
    );
    assert.equal(await page.locator("[data-figure=generated_at]").getAttribute("datetime"), noticeTime);
    await checkPage(page, "degraded-cruscotto");

    // The badge: still the SVG of the last figures.
    const badge = await loadBadge(page);
    assert.match(badge.type, /^image\/svg\+xml/, "the badge's content type");
    assert.equal(badge.root, "svg", "the badge's body is not an SVG");
    assert.equal(badge.title, state.badgeTitle, "the badge does not show the last figures");
    assert.ok(badge.width > 0, "the badge does not render");
    assert.equal(badge.cache, "no-cache", "a stale badge may be cached");

    // The thematic areas, as last read.
    const areas = await page.evaluate(async (url) => {
      const answer = await fetch(url);
      return { status: answer.status, warning: answer.headers.get("warning"), body: await answer.json() };
    }, `${base}/api/v1/thematic-areas`);
    assert.equal(areas.status, 200);
    assert.deepEqual(areas.body, state.areas);
    assert.match(areas.warning ?? "", /^110 /);
    assert.deepEqual(problems, [], "the degraded dashboard: console errors or failed requests");
    log("during: the dashboard shows the last figures with their time and a notice; badge SVG; areas as last read");
  } finally {
    await browser.close();
  }

  // A submission without JavaScript: the 503 page, with Retry-After.
  {
    const { browser, context } = await browserContext(false);
    try {
      const page = await context.newPage();
      assert.equal((await page.goto(`${base}/partecipa`)).status(), 200, "the form while PostgreSQL is stopped");
      await fillTheForm(page, "Inviato senza JavaScript");
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${base}/partecipa` && r.request().method() === "POST"),
        page.click("#invia"),
      ]);
      assert.equal(answer.status(), 503);
      assert.match(answer.headers()["content-type"], /^text\/html/);
      assert.match(answer.headers()["retry-after"] ?? "", /^\d+$/, "the 503 page without Retry-After");
      await page.waitForLoadState("load");
      assert.equal((await page.locator("h1").textContent()).trim(), "Servizio momentaneamente non disponibile");
      log(`during: /partecipa without JavaScript answers the 503 page, Retry-After ${answer.headers()["retry-after"]}`);
    } finally {
      await browser.close();
    }
  }

  // With JavaScript: the API's 503 problem+json, its detail shown on the form.
  const { browser: jsBrowser, context: jsContext } = await browserContext(true);
  try {
    const page = await jsContext.newPage();
    await page.goto(`${base}/partecipa`);
    await fillTheForm(page, "Inviato con JavaScript");
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${base}/api/v1/contributions` && r.request().method() === "POST"),
      page.click("#invia"),
    ]);
    assert.equal(answer.status(), 503);
    assert.match(answer.headers()["content-type"], /^application\/problem\+json/);
    assert.match(answer.headers()["retry-after"] ?? "", /^\d+$/, "the 503 problem without Retry-After");
    const problem = await answer.json();
    await page.locator("#riepilogo").waitFor({ state: "visible" });
    assert.equal(await page.locator("#riepilogo-nota").textContent(), problem.detail, "the form does not show the problem");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "riepilogo");
    assert.equal(await page.inputValue("#title"), "Inviato con JavaScript", "what was typed is kept");
    log(`during: /partecipa with JavaScript gets 503 problem+json, Retry-After ${answer.headers()["retry-after"]}, shown on the form`);
  } finally {
    await jsBrowser.close();
  }
}

async function after() {
  const state = JSON.parse(readFileSync(stateFile, "utf8"));
  let status = 0;
  for (let attempt = 0; attempt < 60 && status !== 200; attempt++) {
    status = (await json("/api/v1/status")).status;
    if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.equal(status, 200, "the service did not recover after PostgreSQL came back");
  const { browser, context } = await browserContext();
  try {
    const page = await context.newPage();
    const problems = [];
    watch(page, base, problems);
    await page.goto(`${base}/partecipa`);
    await fillTheForm(page, "Inviato quando il database risponde");
    await page.waitForTimeout(1100); // a person is slower than the bot timing's floor
    await page.click("#invia");
    await page.locator("#ricevuta").waitFor({ state: "visible" });
    assert.match(await page.locator("#ricevuta-codice").textContent(), /^RF-\d{6}$/);
    await new Promise((resolve) => setTimeout(resolve, 600)); // the figures' cache horizon
    await page.goto(`${base}/cruscotto`);
    assert.equal(await page.locator(NOTICE).count(), 0, "the notice stays after PostgreSQL came back");
    assert.equal((await shownFigures(page)).counted, String(Number(state.figures.counted) + 1));
    const badge = await loadBadge(page);
    assert.match(badge.cache, /max-age=60/);
    assert.notEqual(badge.title, state.badgeTitle, "the badge still shows the figures from before");
    assert.equal((await json("/api/v1/thematic-areas")).headers.get("warning"), null);
    assert.deepEqual(problems, []);
    log("after: the service recovered: a submission is stored, the dashboard and the badge are current");
  } finally {
    await browser.close();
  }
}

const steps = { before, during, after };
assert.ok(steps[step], `unknown step ${step}: before, during or after`);
await steps[step]();
