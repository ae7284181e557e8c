// The offline registration form: the meeting's fields are asked for only
// when the channel is a meeting (`event`), and then name and date are
// required. Without this script they are always shown, with a hint.
(function () {
  'use strict';
  var channel = document.getElementById('canale');
  var meeting = document.getElementById('incontro');
  if (!channel || !meeting) return;
  var required = ['incontro-nome', 'incontro-data'].map(function (id) {
    return document.getElementById(id);
  });
  function update() {
    var atMeeting = channel.value === 'event';
    meeting.hidden = !atMeeting;
    meeting.disabled = !atMeeting;
    required.forEach(function (input) {
      if (input) input.required = atMeeting;
    });
  }
  channel.addEventListener('change', update);
  update();
})();
