// The review page: its shortcuts, and the claim kept while the page is open
// (renewed every two minutes, released when the page is left).
(function () {
  'use strict';
  var root = document.getElementById('revisione');
  if (!root) return;
  var reference = root.getAttribute('data-codice');
  var until = root.getAttribute('data-presa-fino');
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute('content') : '';

  // The element a key acts on: the first of its kind, a fallback
  // (`data-tasto-riserva`) only when there is no other.
  function target(key) {
    var all = root.querySelectorAll('[data-tasto="' + key + '"]');
    for (var i = 0; i < all.length; i++) {
      if (!all[i].hasAttribute('data-tasto-riserva')) return all[i];
    }
    return all[0] || null;
  }

  function press(key) {
    return function () {
      var element = target(key);
      if (!element) return false;
      element.click();
      return true;
    };
  }

  function reach(key) {
    return function () {
      var element = target(key);
      if (!element) return false;
      element.focus();
      if (element.scrollIntoView) element.scrollIntoView({ block: 'center' });
      return true;
    };
  }

  window.rinasceShortcuts({
    a: press('a'), s: press('s'), u: press('u'), j: press('j'), k: press('k'),
    r: reach('r'), d: reach('d'), h: reach('h'), m: reach('m'), t: reach('t'), n: reach('n')
  });

  var conflict = document.getElementById('conflitto');
  if (conflict) conflict.focus();

  if (!until) return;
  var claimUrl = '/console/coda/' + encodeURIComponent(reference);
  var status = document.getElementById('presa-stato');

  function renew() {
    window.fetch(claimUrl + '/presa', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': token }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (claim) {
      if (!claim) return;
      if (claim.held) until = claim.until;
      if (status) status.textContent = claim.text;
    }).catch(function () { /* offline for a moment: the next renewal retries */ });
  }
  var timer = window.setInterval(renew, 120000);

  window.addEventListener('pagehide', function () {
    window.clearInterval(timer);
    if (!navigator.sendBeacon) return;
    var body = new URLSearchParams();
    body.set('csrf_token', token);
    body.set('fino', until);
    navigator.sendBeacon(claimUrl + '/rilascio', body);
  });
})();
