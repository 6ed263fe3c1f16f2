// The rule builder: add and remove condition and action rows in the page, show only the input
// an action's kind takes, and keep a preview of the recent tickets the rule matches. Without
// this script the same buttons submit the form, which comes back with the row added or removed.
(function () {
  "use strict";
  var form = document.getElementById("rule-form");
  if (!form) return;
  var next = { condition: 1000, action: 1000 };

  function showActionValue(row) {
    var select = row.querySelector("[data-action-kind]");
    if (!select) return;
    row.querySelectorAll("[data-for]").forEach(function (input) {
      var wanted = (input.getAttribute("data-for") || "").split(" ").indexOf(select.value) !== -1;
      input.closest(".field").hidden = !wanted;
    });
  }

  function addRow(which) {
    var template = document.getElementById(which + "-template");
    var rows = form.querySelector('[data-rows="' + which + '"]');
    var index = next[which]++;
    var plural = which === "condition" ? "conditions" : "actions";
    var html = template.innerHTML
      .replace(new RegExp(plural + "-0-", "g"), plural + "-" + index + "-")
      .replace(/__index__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    var row = rows.lastElementChild;
    showActionValue(row);
    var first = row.querySelector("select, input");
    if (first) first.focus();
    schedulePreview();
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    var add = button.getAttribute("data-add");
    if (add) {
      event.preventDefault();
      addRow(add);
    } else if (button.classList.contains("remove-row")) {
      event.preventDefault();
      button.closest(".builder-row").remove();
      schedulePreview();
    }
  });

  form.addEventListener("change", function (event) {
    if (event.target.matches("[data-action-kind]")) showActionValue(event.target.closest(".builder-row"));
  });
  form.querySelectorAll('[data-row="action"]').forEach(showActionValue);

  var box = document.getElementById("live-preview");
  var timer = null;
  var asked = 0;
  function schedulePreview() {
    if (!box) return;
    clearTimeout(timer);
    timer = setTimeout(preview, 500);
  }
  function preview() {
    var mine = ++asked;
    var data = new FormData(form);
    data.set("intent", "preview");
    fetch(form.getAttribute("data-preview-url"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) { if (html !== null && mine === asked) box.innerHTML = html; })
      .catch(function () { /* the Preview button still works */ });
  }
  form.addEventListener("input", schedulePreview);
  form.addEventListener("change", schedulePreview);
  schedulePreview();
})();
