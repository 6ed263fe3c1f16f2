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

  // A condition offers the operators its field takes, and a list of values by name when the
  // field has one (typed text for free-text fields and for "is one of").
  var hints = JSON.parse(form.getAttribute("data-fields") || "{}");
  function fitCondition(row) {
    var fieldSelect = row.querySelector("[data-condition-field]");
    if (!fieldSelect) return;
    var hint = hints[fieldSelect.value];
    var operator = row.querySelector("[data-condition-operator]");
    var choice = row.querySelector("[data-condition-choice]");
    var text = row.querySelector("[data-condition-text]");
    Array.prototype.forEach.call(operator.options, function (option) {
      option.hidden = option.disabled = !!hint && hint.operators.indexOf(option.value) === -1;
    });
    if (operator.selectedOptions[0] && operator.selectedOptions[0].disabled) {
      operator.value = hint.operators[0];
    }
    var byName = !!hint && hint.choices && operator.value !== "in";
    var label = hint ? fieldSelect.selectedOptions[0].textContent : "";
    Array.prototype.forEach.call(choice.querySelectorAll("optgroup"), function (group) {
      group.hidden = group.getAttribute("label") !== label;
    });
    if (choice.value && choice.value.indexOf(fieldSelect.value + ":") !== 0) choice.value = "";
    choice.closest(".field").hidden = !byName;
    text.closest(".field").hidden = byName;
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
    fitCondition(row);
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
    if (event.target.matches("[data-condition-field], [data-condition-operator]")) {
      fitCondition(event.target.closest(".builder-row"));
    }
  });
  form.querySelectorAll('[data-row="action"]').forEach(showActionValue);
  form.querySelectorAll('[data-row="condition"]').forEach(fitCondition);

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
