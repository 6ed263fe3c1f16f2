// A desk queue: the whole row opens its ticket, "select all" ticks every row for the bulk
// actions, and the first page refreshes its rows and the queue counts every 30 s (not while
// rows are ticked, so a selection is never lost). Without this script the links, the
// checkboxes one by one and a reload do the same.
(function () {
  "use strict";
  // On a phone the filters fold away unless they are in use, so the tickets come first.
  var fold = document.getElementById("filters-fold");
  if (fold && !fold.hasAttribute("data-keep-open") && window.matchMedia("(max-width: 800px)").matches) {
    fold.open = false;
  }
  var table = document.getElementById("queue-table");
  var all = document.getElementById("select-all");
  var note = document.getElementById("live-note");
  if (!table) { return; }

  function boxes() { return table.querySelectorAll("tbody input[name='ticket_ids']"); }

  function syncAll() {
    if (!all) { return; }
    var list = boxes(), ticked = 0;
    for (var i = 0; i < list.length; i++) { if (list[i].checked) { ticked++; } }
    all.checked = list.length > 0 && ticked === list.length;
    all.indeterminate = ticked > 0 && ticked < list.length;
  }

  table.addEventListener("click", function (event) {
    var row = event.target.closest("tr.queue-row");
    if (!row || event.target.closest("a, button, input, label, select, details, summary")) { return; }
    if (window.getSelection && String(window.getSelection())) { return; }  // selecting text
    if (event.ctrlKey || event.metaKey) { window.open(row.getAttribute("data-href"), "_blank"); return; }
    window.location.assign(row.getAttribute("data-href"));
  });
  table.addEventListener("change", function (event) {
    if (event.target.name === "ticket_ids") { syncAll(); }
  });

  if (all) {
    all.hidden = false;
    var allLabel = document.querySelector("label[for='select-all']");
    if (allLabel) { allLabel.hidden = false; }  // shown where rows are cards and headings are not
    all.addEventListener("change", function () {
      var list = boxes();
      for (var i = 0; i < list.length; i++) { list[i].checked = all.checked; }
      all.indeterminate = false;
    });
  }

  var url = table.getAttribute("data-live");
  if (!url || !window.fetch) { return; }
  var every = (parseInt(table.getAttribute("data-every"), 10) || 30) * 1000;

  function anyTicked() {
    var list = boxes();
    for (var i = 0; i < list.length; i++) { if (list[i].checked) { return true; } }
    return false;
  }

  function refresh() {
    if (document.hidden || anyTicked() || table.querySelector("details[open]")) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        Object.keys(data.counts).forEach(function (key) {
          var count = document.querySelector(".count[data-queue='" + key + "']");
          if (count) { count.textContent = data.counts[key]; }
        });
        if (anyTicked()) { return; }  // ticked while the answer was on its way
        table.tBodies[0].innerHTML = data.rows;
        syncAll();
        if (note) { note.textContent = "Updated " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + "."; }
      })
      .catch(function () { /* the next round tries again */ });
  }

  setInterval(refresh, every);
  table.refreshNow = refresh;  // the browser tests call it instead of waiting 30 s
})();
