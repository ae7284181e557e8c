// Single-key shortcuts of the moderation pages (WCAG 2.1.4): never inside a
// text field, a list or an editable area, never with Ctrl, Alt or Cmd, and
// all of them can be turned off (remembered in this browser).
(function () {
  'use strict';
  var STORAGE_KEY = 'rinasce-scorciatoie';

  function enabled() {
    try {
      return window.localStorage.getItem(STORAGE_KEY) !== 'off';
    } catch (e) {
      return true;
    }
  }

  var toggle = document.getElementById('scorciatoie-attive');
  if (toggle) {
    toggle.checked = enabled();
    toggle.addEventListener('change', function () {
      try {
        window.localStorage.setItem(STORAGE_KEY, toggle.checked ? 'on' : 'off');
      } catch (e) { /* private mode: the choice lasts this page only */ }
    });
  }

  var NOT_TYPING = ['checkbox', 'radio', 'button', 'submit', 'reset'];

  function typing(target) {
    if (!target || !target.tagName) return false;
    if (target.isContentEditable) return true;
    var tag = target.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
    return tag === 'INPUT' && NOT_TYPING.indexOf(target.type) < 0;
  }

  function toggleHelp() {
    var help = document.getElementById('scorciatoie');
    if (!help) return;
    help.open = !help.open;
    if (help.open) help.querySelector('summary').focus();
  }

  // `handlers` maps a key to a function; a function answering false lets
  // the key do what it normally does.
  window.rinasceShortcuts = function (handlers) {
    document.addEventListener('keydown', function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey ||
          event.isComposing || typing(event.target) || !enabled()) {
        return;
      }
      if (event.key === '?') {
        toggleHelp();
        event.preventDefault();
        return;
      }
      var handler = handlers[event.key];
      if (handler && handler() !== false) event.preventDefault();
    });
  };
})();
