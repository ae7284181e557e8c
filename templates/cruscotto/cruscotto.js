// The dashboard's one script, inlined by src/http/cruscotto.rs, whose
// Content-Security-Policy allows it by its SHA-256. Every 60 s it fetches the
// page again and swaps in the figures: no reload, no flicker. The page works
// without it.
(function () {
  "use strict";
  var INTERVAL = 60000;
  var last = Date.now();
  var busy = false;
  var paused = false;
  if (!window.fetch || !window.DOMParser) { return; }
  function status(text) {
    var element = document.getElementById("stato-aggiornamento");
    if (element && element.textContent !== text) { element.textContent = text; }
  }
  function refresh() {
    if (busy) { return; }
    busy = true;
    fetch(window.location.pathname, { cache: "no-store", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("dati");
        var current = document.getElementById("dati");
        var freshTime = doc.getElementById("aggiornato");
        var currentTime = document.getElementById("aggiornato");
        if (!fresh || !current || !freshTime || !currentTime) { throw new Error("risposta inattesa"); }
        var open = [];
        current.querySelectorAll("details[open]").forEach(function (details) { open.push(details.id); });
        var focused = document.activeElement && current.contains(document.activeElement)
          ? document.activeElement.closest("details") : null;
        currentTime.replaceWith(document.adoptNode(freshTime));
        current.replaceWith(document.adoptNode(fresh));
        open.forEach(function (id) {
          var details = document.getElementById(id);
          if (details) { details.open = true; }
        });
        if (focused && focused.id) {
          var summary = document.querySelector("#" + focused.id + " > summary");
          if (summary) { summary.focus({ preventScroll: true }); }
        }
        last = Date.now();
        status("");
      })
      .catch(function () {
        status("Aggiornamento non riuscito: i dati mostrati potrebbero non essere gli ultimi. Nuovo tentativo tra un minuto.");
      })
      .then(function () { busy = false; });
  }
  window.setInterval(function () {
    if (!paused && !document.hidden) { refresh(); }
  }, INTERVAL);
  document.addEventListener("visibilitychange", function () {
    if (!paused && !document.hidden && Date.now() - last >= INTERVAL) { refresh(); }
  });
  // WCAG 2.2.2: whoever is reading can stop the updates.
  var control = document.getElementById("automatico");
  var button = document.getElementById("pausa");
  var label = document.getElementById("automatico-testo");
  if (control && button && label) {
    control.hidden = false;
    button.addEventListener("click", function () {
      paused = !paused;
      label.textContent = paused ? "Aggiornamento automatico sospeso." : "La pagina si aggiorna da sola ogni minuto.";
      button.textContent = paused ? "Riprendi l'aggiornamento" : "Sospendi l'aggiornamento";
      if (!paused) { refresh(); }
    });
  }
}());
