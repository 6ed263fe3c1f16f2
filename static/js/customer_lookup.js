// Find the customer while the agent types on the desk's "New ticket" page. Without this script
// the "Find" button asks the server for the same list and the page shows it as radio buttons.
(function () {
  "use strict";
  var form = document.getElementById("new-ticket");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-lookup-url");
  var minLength = parseInt(form.getAttribute("data-min-length"), 10) || 2;
  var query = form.querySelector("[name=customer_query]");
  var list = document.getElementById("customer-matches");
  var none = document.getElementById("no-customer-match");
  var timer = null;
  var asked = 0;
  Array.prototype.forEach.call(form.querySelectorAll(".js-hide"), function (el) { el.hidden = true; });

  function item(customer, checked) {
    var li = document.createElement("li");
    var label = document.createElement("label");
    label.className = "choice";
    var radio = document.createElement("input");
    radio.type = "radio"; radio.name = "customer"; radio.value = customer.id; radio.checked = checked;
    var text = document.createElement("span");
    var name = document.createElement("strong");
    name.textContent = customer.name;
    var details = document.createElement("span");
    details.className = "muted";
    details.textContent = customer.email + (customer.organization ? " · " + customer.organization : "");
    text.appendChild(name); text.appendChild(document.createTextNode(" ")); text.appendChild(details);
    label.appendChild(radio); label.appendChild(text); li.appendChild(label);
    return li;
  }

  function render(customers) {
    var checked = list.querySelector("input:checked");
    var keep = checked ? checked.closest("li") : null;
    list.textContent = "";
    if (keep) { list.appendChild(keep); }
    customers.forEach(function (customer) {
      if (!keep || String(customer.id) !== checked.value) { list.appendChild(item(customer, false)); }
    });
    none.hidden = customers.length > 0 || query.value.trim().length < minLength;
  }

  function lookup() {
    var text = query.value.trim();
    if (text.length < minLength) { render([]); return; }
    var mine = ++asked;
    fetch(url + "?q=" + encodeURIComponent(text), { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { customers: [] }; })
      .then(function (data) { if (mine === asked) { render(data.customers || []); } })
      .catch(function () { /* the Find button's page still works */ });
  }

  query.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 250); });
  query.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); lookup(); }
  });
})();
