// Who else is viewing this ticket: a heartbeat every ~20 s marks this agent as viewing and
// shows the others' names. Without this script the names shown when the page loaded stay.
(function () {
  "use strict";
  var box = document.getElementById("viewers");
  var token = document.querySelector("meta[name=csrf-token]");
  if (!box || !token || !window.fetch) { return; }
  var url = box.getAttribute("data-url");
  var every = (parseInt(box.getAttribute("data-every"), 10) || 20) * 1000;

  function show(names) {
    box.textContent = names.length
      ? names.join(", ") + (names.length === 1 ? " is" : " are") + " also viewing this ticket."
      : "";
    box.hidden = names.length === 0;
  }

  function beat() {
    if (document.hidden) { return; }  // a background tab is not someone looking
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token.getAttribute("content") }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { show(data.viewers || []); } })
      .catch(function () { /* the next beat tries again */ });
  }

  setInterval(beat, every);
  document.addEventListener("visibilitychange", beat);
})();
