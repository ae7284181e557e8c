// /partecipa with JavaScript: the form posts the API's JSON body to
// /api/v1/contributions itself, with an Idempotency-Key (a double click is
// stored once), shows character counters from the limits written in the
// page (data-min, data-max), and shows every failing field the API names,
// with an error summary that takes the focus. Without this script the form
// posts to /partecipa and the server answers with the same rules.
"use strict";

(function () {
  const form = document.getElementById("modulo");
  if (!form || !window.fetch || !window.crypto) return;
  // getRandomValues works on plain http too (randomUUID needs https).
  const newKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  const summary = document.getElementById("riepilogo");
  const summaryList = document.getElementById("riepilogo-elenco");
  const summaryNote = document.getElementById("riepilogo-nota");
  const receipt = document.getElementById("ricevuta");
  const progress = document.getElementById("invio-stato");
  const keyField = form.elements.namedItem("idempotency_key");
  const TEXT_FIELDS = ["given_name", "family_name", "organization_name", "email"];

  // What the server counts (src/domain/text.rs): characters (code points),
  // after dropping what pasted text hides (soft hyphens, zero-width and
  // direction marks), with CR LF as one line break and a paragraph
  // separator as two (one space on one line), then trimming.
  const INVISIBLE = /[\u00AD\u200B\u2060-\u2064\uFEFF\u180E\u200E\u200F\u061C]/g;
  const length = (text, multiline) =>
    Array.from(
      text
        .replace(INVISIBLE, "")
        .replace(/\r\n/g, "\n")
        .replace(/\u2029/g, multiline ? "\n\n" : " ")
        .normalize("NFC")
        .trim(),
    ).length;

  function updateCounter(input) {
    const counter = document.getElementById(`${input.id}-contatore`);
    if (!counter) return;
    const min = Number(input.dataset.min);
    const max = Number(input.dataset.max);
    const used = length(input.value, input.tagName === "TEXTAREA");
    counter.hidden = false;
    counter.textContent = `${used} caratteri su ${max} (minimo ${min})`;
    counter.classList.toggle("oltre", used > max);
  }

  // The organisation's name is for associations: hidden while a citizen
  // writes, unless it holds something (typed, or refused by the server).
  const organization = document.getElementById("author-organization_name");
  const organizationField = organization && organization.closest(".campo");
  function showOrganizationForKind() {
    if (!organizationField) return;
    const kind = form.querySelector('input[name="author.kind"]:checked');
    const keep = organization.value !== "" || organization.getAttribute("aria-invalid") === "true";
    organizationField.hidden = kind !== null && kind.value === "citizen" && !keep;
  }
  for (const radio of form.querySelectorAll('input[name="author.kind"]')) {
    radio.addEventListener("change", showOrganizationForKind);
  }
  showOrganizationForKind();

  for (const input of form.querySelectorAll("[data-max]")) {
    updateCounter(input);
    input.addEventListener("input", () => updateCounter(input));
  }

  // The same body the server builds from the plain form post.
  function body() {
    const value = (name) => {
      const field = form.elements.namedItem(name);
      return field && field.value !== undefined ? field.value : "";
    };
    const checked = (name) => form.elements.namedItem(name).checked;
    const author = {};
    const kind = value("author.kind");
    if (kind) author.kind = kind;
    for (const name of TEXT_FIELDS) author[name] = value(`author.${name}`);
    const quartiere = value("author.quartiere").trim();
    author.quartiere = quartiere === "" ? null : /^-?\d+$/.test(quartiere) ? Number(quartiere) : quartiere;
    const bot = {};
    for (const name of ["website", "form_token"]) {
      if (form.elements.namedItem(name)) bot[name] = value(name);
    }
    return {
      ...bot,
      thematic_area: value("thematic_area"),
      title: value("title"),
      body: value("body"),
      author,
      privacy_notice_accepted: checked("privacy_notice_accepted"),
      contact_consent: checked("contact_consent"),
    };
  }

  const inputId = (field) => field.replace(/\./g, "-");
  const labelOf = (field) => {
    const input = document.getElementById(inputId(field));
    if (!input) return field;
    if (input.dataset.label) return input.dataset.label;
    const fieldset = input.closest("fieldset");
    if (fieldset) return fieldset.querySelector("legend").textContent.trim();
    const label = form.querySelector(`label[for="${input.id}"]`) || input.closest("label");
    return label ? label.textContent.trim() : field;
  };

  function clearErrors() {
    for (const message of form.querySelectorAll(".errore-campo")) {
      message.hidden = true;
      message.textContent = "";
    }
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    summaryList.replaceChildren();
    summaryNote.hidden = true;
    summary.hidden = true;
  }

  function showErrors(errors, note) {
    clearErrors();
    for (const { field, message } of errors) {
      const id = inputId(field);
      const text = document.getElementById(`${id}-errore`);
      if (text) {
        text.textContent = `Errore: ${message}`;
        text.hidden = false;
      }
      const inputs = field === "author.kind"
        ? form.querySelectorAll('input[name="author.kind"]')
        : [document.getElementById(id)].filter(Boolean);
      for (const input of inputs) input.setAttribute("aria-invalid", "true");
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = `#${document.getElementById(id) ? id : "modulo"}`;
      link.textContent = `${labelOf(field)}: ${message}`;
      item.append(link);
      summaryList.append(item);
    }
    if (note) {
      summaryNote.textContent = note;
      summaryNote.hidden = false;
    }
    summary.hidden = false;
    document.title = `Errore: ${document.title.replace(/^Errore: /, "")}`;
    summary.focus();
  }

  // A link of the summary moves the focus to its field, not only the view.
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (!link) return;
    const target = document.getElementById(link.hash.slice(1));
    if (target) {
      event.preventDefault();
      target.focus();
    }
  });

  // One key per body: the same body sent twice (a double click, a retry) is
  // stored once; a corrected body is a new submission with a new key.
  let sent = null;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const json = JSON.stringify(body());
    if (sent === null || sent.json !== json) {
      sent = { json, key: sent === null && keyField ? keyField.value : newKey() };
    }
    progress.textContent = "Invio in corso…";
    let response;
    try {
      response = await fetch("/api/v1/contributions", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "Accept-Language": "it",
          "Idempotency-Key": sent.key,
        },
        body: json,
      });
    } catch {
      progress.textContent = "";
      showErrors([], "Il contributo non è stato inviato: la connessione non risponde. Riprovi tra poco.");
      return;
    }
    progress.textContent = "";
    if (response.status === 201) {
      const answer = await response.json();
      clearErrors();
      form.hidden = true;
      document.getElementById("ricevuta-codice").textContent = answer.reference;
      receipt.hidden = false;
      document.title = document.title.replace(/^Errore: /, "").replace("Invia un contributo", "Contributo ricevuto");
      // The page's heading says what the page now is, as the page without scripts does.
      const heading = document.querySelector("h1");
      if (heading) heading.textContent = "Contributo ricevuto";
      receipt.focus();
      return;
    }
    let problem = {};
    try {
      problem = await response.json();
    } catch {
      // Not a problem document: the generic note below.
    }
    if (response.status === 422 && Array.isArray(problem.errors)) {
      showErrors(problem.errors, null);
    } else {
      showErrors([], problem.detail || "Il contributo non è stato inviato. Riprovi tra poco.");
    }
  });
})();
