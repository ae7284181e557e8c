// The thematic areas' order. Without JavaScript the "move up" and "move
// down" buttons are plain forms and the page comes back with the focus on
// the moved area's button. With it, a move is sent in the background: the
// list is redrawn from the page the server answers, the live region says
// where the area went, and the focus stays on the moved area's button.
// Dragging an area by its handle (mouse, pen or touch) sends its new
// position the same way; the service shifts the others.
(function () {
  'use strict';
  var list = document.getElementById('aree-elenco');
  var status = document.getElementById('esito');
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!list || !status || !meta || !window.fetch || !window.DOMParser) return;
  var token = meta.getAttribute('content');
  var busy = false;

  function items() {
    return Array.prototype.slice.call(list.children);
  }

  // Handles are for pointers only: the buttons do the same from the keyboard.
  function showHandles() {
    Array.prototype.forEach.call(list.querySelectorAll('.maniglia'), function (handle) {
      handle.hidden = false;
    });
  }

  // The server's page after the move: its list and its message replace
  // ours; the live region itself stays, so that its new text is announced.
  function redraw(html) {
    var page = new DOMParser().parseFromString(html, 'text/html');
    var newList = page.getElementById('aree-elenco');
    var newStatus = page.getElementById('esito');
    if (!newList || !newStatus) throw new Error('not the areas page');
    list.innerHTML = newList.innerHTML;
    status.className = newStatus.className;
    status.textContent = newStatus.textContent;
    showHandles();
    var target = list.querySelector('[autofocus]');
    if (target) {
      // The live region speaks; the button need not repeat it.
      target.removeAttribute('aria-describedby');
      target.removeAttribute('autofocus');
      target.focus();
    }
  }

  function send(action, fields, fallback) {
    if (busy) return;
    busy = true;
    list.classList.add('in-corso');
    if (!fields.has('csrf_token')) fields.append('csrf_token', token);
    fetch(action, {
      method: 'POST',
      body: fields,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
    })
      .then(function (response) { return response.text(); })
      .then(redraw)
      .catch(fallback)
      .then(function () {
        busy = false;
        list.classList.remove('in-corso');
      });
  }

  list.addEventListener('submit', function (event) {
    var form = event.target;
    event.preventDefault();
    send(form.action, new URLSearchParams(new FormData(form)), function () { form.submit(); });
  });

  // Dragging: the item follows the pointer among the others; dropped
  // elsewhere, its new position (1..n) is sent.
  var drag = null;

  function finishDrag(cancelled) {
    if (!drag) return;
    var item = drag.item;
    var from = drag.from;
    drag = null;
    item.classList.remove('trascinata');
    var to = items().indexOf(item);
    if (cancelled || to === from) {
      var others = items().filter(function (other) { return other !== item; });
      list.insertBefore(item, others[from] || null);
      return;
    }
    var fields = new URLSearchParams();
    fields.append('posizione', String(to + 1));
    fields.append('versione', item.getAttribute('data-versione'));
    var action = '/console/admin/aree/' + encodeURIComponent(item.getAttribute('data-codice')) + '/posizione';
    send(action, fields, function () { window.location.reload(); });
  }

  list.addEventListener('pointerdown', function (event) {
    var handle = event.target.closest ? event.target.closest('.maniglia') : null;
    if (!handle || busy || event.button !== 0) return;
    event.preventDefault();
    var item = handle.closest('li');
    drag = { item: item, from: items().indexOf(item) };
    item.classList.add('trascinata');
    handle.setPointerCapture(event.pointerId);
  });

  // Near the window's top or bottom edge, the page scrolls along.
  var EDGE = 48;

  list.addEventListener('pointermove', function (event) {
    if (!drag) return;
    if (event.clientY < EDGE) window.scrollBy(0, -EDGE / 2);
    else if (event.clientY > window.innerHeight - EDGE) window.scrollBy(0, EDGE / 2);
    var others = items().filter(function (item) { return item !== drag.item; });
    var before = null;
    for (var i = 0; i < others.length; i++) {
      var box = others[i].getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) {
        before = others[i];
        break;
      }
    }
    if (drag.item.nextElementSibling !== before) list.insertBefore(drag.item, before);
  });

  list.addEventListener('pointerup', function () { finishDrag(false); });
  list.addEventListener('pointercancel', function () { finishDrag(true); });
  document.addEventListener('keydown', function (event) {
    if (drag && event.key === 'Escape') finishDrag(true);
  });

  showHandles();
})();
