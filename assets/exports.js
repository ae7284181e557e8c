// The exports page: with JavaScript the count and the download links follow
// the filters as they change. The script asks the server for the page of
// the new filters (the same GET the "Conta i contributi" button sends) and
// takes its problems and results, so the counting and the links stay the
// server's; the count, or the problem, is announced to screen readers.
(function () {
  'use strict';
  var form = document.getElementById('filtri');
  var announcer = document.getElementById('annuncio');
  if (!form || !announcer || !window.fetch || !window.DOMParser) return;
  var REPLACED = ['problemi', 'risultati'];
  var timer = null;
  var asked = 0;

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (String(value).trim() !== '') params.append(name, value);
    });
    return params.toString();
  }

  function refresh() {
    var params = query();
    var address = form.getAttribute('action') + (params ? '?' + params : '');
    var mine = ++asked;
    fetch(address, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (response) {
        if (!response.ok && response.status !== 422) throw new Error('HTTP ' + response.status);
        return response.text();
      })
      .then(function (html) {
        if (mine !== asked) return; // a newer change is on its way
        var page = new DOMParser().parseFromString(html, 'text/html');
        REPLACED.forEach(function (id) {
          var fresh = page.getElementById(id);
          var here = document.getElementById(id);
          if (fresh && here) here.replaceWith(document.adoptNode(fresh));
        });
        document.title = page.title;
        history.replaceState(null, '', address);
        var count = document.getElementById('conteggio');
        var problem = document.querySelector('#problemi [role=alert]');
        // A problem is announced by its alert role; a count by the live region.
        announcer.textContent = count && !problem ? count.textContent : '';
      })
      .catch(function () {
        // Offline or the server down: the button still submits the form.
      });
  }

  function later(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, delay);
  }

  form.addEventListener('change', function () { later(250); });
  form.addEventListener('input', function (event) {
    if (event.target.type === 'text' || event.target.type === 'search') later(600);
  });
})();
