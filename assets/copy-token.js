// The token page: a button that copies the token shown once. Without
// JavaScript the button stays hidden and the token is selected by hand
// from its read-only field.
(function () {
  'use strict';
  var button = document.getElementById('copia-token');
  if (!button) return;
  var field = document.getElementById(button.getAttribute('data-campo'));
  var status = document.getElementById('copia-esito');
  if (!field || !status) return;

  function report(copied) {
    status.textContent = button.getAttribute(copied ? 'data-copiato' : 'data-non-copiato');
  }

  // Older browsers, or a page not allowed the clipboard API.
  function copyBySelection() {
    field.focus();
    field.select();
    try {
      return document.execCommand('copy');
    } catch (e) {
      return false;
    }
  }

  button.hidden = false;
  button.addEventListener('click', function () {
    field.select();
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(field.value).then(
        function () { report(true); },
        function () { report(copyBySelection()); }
      );
    } else {
      report(copyBySelection());
    }
  });
  field.addEventListener('focus', function () { field.select(); });
})();
