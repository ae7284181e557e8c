// Loads demo contributions through the public API, as the Rete Civica form
// would: `node seed.mjs BASE_URL [COUNT]`. Deterministic, so that every run
// shows the same spread over areas, quartieri and kinds of author.
import process from "node:process";

const base = (process.argv[2] ?? process.env.RINASCE_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");
const count = Number(process.argv[3] ?? 60);
if (!Number.isInteger(count) || count < 1) {
  throw new Error(`COUNT must be a positive integer, got ${process.argv[3]}`);
}

// A small linear congruential generator: reproducible "randomness".
let state = 20201;
function next() {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
}
function pick(items, weights) {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = next() * total;
  for (let i = 0; i < items.length; i++) {
    r -= weights[i];
    if (r < 0) return items[i];
  }
  return items[items.length - 1];
}

const areasResponse = await fetch(`${base}/api/v1/thematic-areas`);
if (!areasResponse.ok) {
  throw new Error(`GET /api/v1/thematic-areas: ${areasResponse.status}`);
}
const areas = (await areasResponse.json()).items.filter((area) => area.active);
// Uneven on purpose, and the last area is left empty: the dashboard must
// show it with zero.
const areaWeights = areas.map((_, i) => (i === areas.length - 1 ? 0 : 1 + ((i * 7) % 5)));
const quartieri = [1, 2, 3, 4, 5, null];
const quartiereWeights = [5, 4, 2, 3, 4, 1];
const kinds = ["citizen", "cultural_association", "trade_association", "other_organization"];
const kindWeights = [14, 3, 2, 1];
const names = [["Maria", "Rossi"], ["Giulia", "Bianchi"], ["Luca", "Ferri"], ["Ahmed", "Benali"], ["Chiara", "Neri"], ["Paolo", "Conti"]];
const ideas = [
  ["Più piste ciclabili sui viali", "Collegare i viali di circonvallazione con una pista ciclabile protetta e continua."],
  ["Un mercato rionale la domenica", "Riaprire il mercato del quartiere anche la domenica mattina, con i produttori locali."],
  ["Biblioteche aperte la sera", "Tenere aperte le biblioteche di quartiere fino alle 22 per chi studia e lavora."],
  ["Alberi nelle piazze", "Piantare alberi nelle piazze più assolate per avere ombra d'estate."],
  ["Cortili scolastici aperti", "Aprire i cortili delle scuole ai bambini del quartiere il pomeriggio e nei fine settimana."],
];

for (let i = 0; i < count; i++) {
  const kind = pick(kinds, kindWeights);
  const [given, family] = names[i % names.length];
  const [title, body] = ideas[i % ideas.length];
  const submission = {
    thematic_area: pick(areas, areaWeights).code,
    title: `${title} (${i + 1})`,
    body,
    author: {
      kind,
      given_name: given,
      family_name: family,
      organization_name: kind === "citizen" ? null : `Associazione di esempio ${i + 1}`,
      email: `demo.${i + 1}@example.org`,
      quartiere: pick(quartieri, quartiereWeights),
    },
    privacy_notice_accepted: true,
    contact_consent: false,
  };
  const response = await fetch(`${base}/api/v1/contributions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(submission),
  });
  if (response.status !== 201) {
    throw new Error(`POST /api/v1/contributions: ${response.status} ${await response.text()}`);
  }
}
console.log(`seed: ${count} contributions submitted to ${base}`);
