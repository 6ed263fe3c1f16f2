// Desk keyboard shortcuts; the list is in templates/desk/_shortcuts.html ("?" shows it).
// Keys typed into a field, or with Ctrl/Alt/Meta, are left alone.
(function () {
  "use strict";
  var help = document.getElementById("shortcuts-help");
  var rows = ticketRows();
  var current = -1;

  // Read again on each move: a queue refreshes its rows in place (static/js/queue.js).
  function ticketRows() {
    return Array.prototype.slice.call(document.querySelectorAll("table tbody tr"))
      .filter(function (row) { return row.querySelector("a[href*='/desk/tickets/']"); });
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" ||
      (target && target.isContentEditable);
  }

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) { return false; }
    field.scrollIntoView({ block: "center" });
    field.focus();
    return true;
  }

  // The composer writes replies and notes: choose the kind, then focus the text.
  function write(kind) {
    var option = document.querySelector("input[name='reply-mode'][value='" + kind + "']");
    if (option && !option.checked) {
      option.checked = true;
      option.dispatchEvent(new Event("change", { bubbles: true }));
    }
    return focusField("reply-body");
  }

  function select(step) {
    if (current >= 0 && rows[current]) { rows[current].classList.remove("is-selected"); }
    var fresh = ticketRows();
    if (fresh.length && rows[0] !== fresh[0]) { current = -1; }
    rows = fresh;
    if (!rows.length) { return false; }
    current = Math.max(0, Math.min(rows.length - 1, current + step));
    var row = rows[current];
    row.classList.add("is-selected");
    row.querySelector("a[href*='/desk/tickets/']").focus();
    return true;
  }

  function next() {
    if (select(1)) { return true; }
    var link = document.getElementById("next-ticket");
    if (link) { window.location.assign(link.href); return true; }
    return false;
  }

  function open() {
    if (current < 0 || !rows[current] || !rows[current].isConnected) { return false; }
    window.location.assign(rows[current].querySelector("a[href*='/desk/tickets/']").href);
    return true;
  }

  function showHelp() {
    if (!help) { return false; }
    if (typeof help.showModal === "function") { help.showModal(); } else { help.setAttribute("open", ""); }
    return true;
  }

  var actions = {
    "j": next,
    "k": function () { return select(-1); },
    "o": open,
    "r": function () { return write("reply"); },
    "n": function () { return focusField("note-body") || write("note"); },
    "e": function () { return focusField("tier-tier"); },
    "/": function () { return focusField("nav-search"); },
    "?": showHelp
  };

  var opener = document.getElementById("shortcuts-open");
  if (opener && help) {
    opener.hidden = false;  // without this script the button would do nothing
    opener.addEventListener("click", showHelp);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (help && help.open) { return; }  // the dialog handles its own keys (Esc closes it)
    var action = actions[event.key];
    if (action && action()) { event.preventDefault(); }
  });
})();
