// The queue: j and k move between rows, Enter opens the row's contribution.
(function () {
  'use strict';
  function links() {
    return Array.prototype.slice.call(document.querySelectorAll('a.riga-link'));
  }
  function move(step) {
    return function () {
      var all = links();
      if (!all.length) return false;
      var at = all.indexOf(document.activeElement);
      var next = at < 0 ? 0 : Math.min(all.length - 1, Math.max(0, at + step));
      all[next].focus();
      return true;
    };
  }
  window.rinasceShortcuts({ j: move(1), k: move(-1) });
})();
