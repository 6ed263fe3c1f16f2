// The ticket composer: switches between public reply and internal note, and inserts a canned
// reply where the cursor is without leaving the page (what was typed stays). Without this
// script the same form still works: the insert button posts the composer and the page comes
// back with the typed text followed by the canned reply.
(function () {
  "use strict";
  var form = document.getElementById("composer");
  if (!form) { return; }
  var body = document.getElementById("reply-body");
  var send = document.getElementById("composer-send");
  var pending = document.getElementById("composer-pending");
  var insert = document.getElementById("canned-insert");
  var token = document.querySelector("meta[name=csrf-token]");

  function mode() {
    var checked = form.querySelector("input[name='reply-mode']:checked");
    return checked ? checked.value : "reply";
  }

  function showMode() {
    var note = mode() === "note";
    form.classList.toggle("is-note", note);
    send.textContent = note ? "Add note" : "Send reply";
    pending.textContent = note ? "Add note and set pending" : "Send and set pending";
  }

  function put(text) {
    var start = body.selectionStart, end = body.selectionEnd, value = body.value;
    if (document.activeElement !== body && value) { start = end = value.length; }
    var before = value.slice(0, start), after = value.slice(end);
    var gap = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    body.value = before + gap + text + after;
    var caret = (before + gap + text).length;
    body.focus();
    body.setSelectionRange(caret, caret);
  }

  function problem(text) {
    var box = document.getElementById("canned-problem");
    if (!box) {
      box = document.createElement("p");
      box.id = "canned-problem";
      box.className = "error";
      box.setAttribute("role", "alert");
      insert.parentNode.appendChild(box);
    }
    box.textContent = text;
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "reply-mode") { showMode(); }
  });
  showMode();

  if (insert) {
    insert.addEventListener("click", function (event) {
      event.preventDefault();
      var data = new FormData();
      data.append("canned_id", document.getElementById("canned_id").value);
      fetch(form.getAttribute("data-canned-url"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json", "X-CSRFToken": token ? token.content : "" }
      }).then(function (response) {
        return response.json().then(function (json) { return { ok: response.ok, json: json }; });
      }).then(function (answer) {
        if (!answer.ok) { problem(answer.json.message || answer.json.error || "That canned reply could not be inserted."); return; }
        var old = document.getElementById("canned-problem");
        if (old) { old.remove(); }
        put(answer.json.text);
      }).catch(function () {
        problem("The canned reply could not be fetched; check the connection and try again.");
      });
    });
  }
})();
