// Signing in to the staff console with the Comune's identity provider:
// `node console-oidc.mjs BASE_URL ISSUER_PORT EMAIL SECOND_URL`.
//
// Starts a real OpenID Connect server (oauth2-mock-server) on
// 127.0.0.1:ISSUER_PORT, where the service under test looks for it. The
// moderator EMAIL signs in with the button on the sign-in page and sees the
// console's home. Begun on the second server process (SECOND_URL, same
// database and public URL, as behind a load balancer), the sign-in is
// finished by the first. Then, each in a fresh browser, the provider's ID token is
// changed (another audience, another nonce, an unverified address, an
// address with no account): each gets the refusal page and no session.
// With the provider stopped, the page says it cannot be reached. axe-core
// and screenshots at 375 and 1280 px on each page shown.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { OAuth2Server } from "oauth2-mock-server";
import { chromium } from "playwright-core";

const [baseArg, issuerPort, email, secondArg] = process.argv.slice(2);
const base = baseArg.replace(/\/$/, "");
const second = secondArg.replace(/\/$/, "");
const issuer = `http://127.0.0.1:${issuerPort}`;
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const screenshots = path.join(path.dirname(fileURLToPath(import.meta.url)), "screenshots");
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
const WIDTHS = [375, 1280];
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const REFUSED = "Accesso non riuscito";

function log(message) {
  console.log(`browser: ${message}`);
}

/** axe-core, no sideways overflow and a screenshot, at each width. */
async function checkPage(page, name) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(AXE);
    const result = await page.evaluate(() =>
      window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
    );
    const violations = result.violations.map((v) => `${v.id}: ${v.help}`);
    assert.deepEqual(violations, [], `${name} at ${width} px: accessibility violations`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} at ${width} px: ${overflow} px overflow sideways`);
    mkdirSync(screenshots, { recursive: true });
    await page.screenshot({ path: path.join(screenshots, `console-oidc-${name}-${width}.png`), fullPage: true });
  }
  log(`${name}: no WCAG 2.1 AA violations at ${WIDTHS.join(" and ")} px, screenshots written`);
}

const provider = new OAuth2Server();
await provider.issuer.keys.generate("RS256");
await provider.start(Number(issuerPort), "127.0.0.1");
provider.issuer.url = issuer;
/** What the next ID tokens say, changed by each case. */
let claims = {};
provider.service.on("beforeTokenSigning", (token) => {
  Object.assign(token.payload, claims);
});

/** In a fresh browser: the sign-in page, its identity provider button, and where it leads. */
async function signIn(browser, name) {
  const context = await browser.newContext({ locale: "it-IT" });
  const page = await context.newPage();
  const problems = [];
  // Refusals are error statuses, which Chromium logs: checked below instead.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console: ${m.text()}`);
  });
  const callback = page.waitForResponse((r) => r.url().startsWith(`${base}/console/accesso/comune/ritorno`));
  page.on("request", (r) => {
    if (!r.url().startsWith(base) && !r.url().startsWith(issuer)) problems.push(`request to ${r.url()}`);
  });
  await page.goto(`${base}/console/`);
  await page.getByRole("link", { name: "Accedi con l'identità del Comune" }).click();
  const status = (await callback).status();
  await page.waitForLoadState("load");
  return { context, page, problems, status };
}

/** The console's home opened with the session, if there is one. */
async function hasSession(page) {
  await page.goto(`${base}/console/`);
  return !page.url().includes("/console/accesso");
}

async function expectRefused(browser, name, caseClaims) {
  claims = { email, email_verified: true, ...caseClaims };
  const { context, page, problems, status } = await signIn(browser, name);
  assert.equal(status, 403, `${name}: status of the provider's answer`);
  await page.getByRole("heading", { level: 1, name: REFUSED }).waitFor();
  assert.equal(await hasSession(page), false, `${name}: a session was opened`);
  assert.deepEqual(problems, [], `${name}: problems`);
  await context.close();
  log(`${name}: refused, no session`);
}

const browser = await chromium.launch({ executablePath, args: FLAGS, headless: true });
try {
  // The moderator's verified address: in.
  claims = { email: email.toUpperCase(), email_verified: true };
  {
    const context = await browser.newContext({ locale: "it-IT" });
    const page = await context.newPage();
    await page.goto(`${base}/console/accesso`);
    await checkPage(page, "accesso");
    await page.getByRole("link", { name: "Accedi con l'identità del Comune" }).click();
    await page.waitForURL(`${base}/console/`);
    await page.getByText("Anna Bianchi").first().waitFor();
    await checkPage(page, "home");
    assert.equal(await hasSession(page), true, "the session does not last");
    await context.close();
    log("signed in with the identity provider");
  }
  {
    const context = await browser.newContext({ locale: "it-IT" });
    const page = await context.newPage();
    await page.goto(`${second}/console/accesso`);
    const callback = page.waitForResponse((r) => r.url().startsWith(`${base}/console/accesso/comune/ritorno`));
    await page.getByRole("link", { name: "Accedi con l'identità del Comune" }).click();
    assert.equal((await callback).status(), 200, "the first server finishes the second's sign-in");
    await page.waitForURL(`${base}/console/`);
    await page.getByText("Anna Bianchi").first().waitFor();
    assert.equal(await hasSession(page), true, "no session after the second server's sign-in");
    await context.close();
    log("begun on the second server process, finished by the first");
  }
  await expectRefused(browser, "wrong-audience", { aud: "another-client" });
  await expectRefused(browser, "wrong-nonce", { nonce: "not-the-one-sent" });
  await expectRefused(browser, "unverified-email", { email_verified: false });
  await expectRefused(browser, "no-email", { email: undefined });
  await expectRefused(browser, "no-account", { email: "nessuno@comune.example.org" });
  {
    claims = { email: "nessuno@comune.example.org", email_verified: true };
    const { context, page } = await signIn(browser, "refused-page");
    await checkPage(page, "rifiuto");
    await context.close();
  }
  {
    await provider.stop();
    const context = await browser.newContext({ locale: "it-IT" });
    const page = await context.newPage();
    await page.goto(`${base}/console/accesso`);
    const answer = page.waitForResponse((r) => r.url().startsWith(`${base}/console/accesso/comune`));
    await page.getByRole("link", { name: "Accedi con l'identità del Comune" }).click();
    assert.equal((await answer).status(), 503);
    await page.getByRole("heading", { level: 1, name: "Servizio di identità non raggiungibile" }).waitFor();
    await checkPage(page, "irraggiungibile");
    await context.close();
    log("provider down: 503 page");
  }
} finally {
  await browser.close();
  if (provider.listening) await provider.stop();
}
