// Suggest help articles while a customer types a new request. Without this script the form
// still works: "Find answers first" asks the server for the same suggestions.
(function () {
  "use strict";
  var form = document.getElementById("new-request");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-suggest-url");
  var subject = form.querySelector("[name=subject]");
  var description = form.querySelector("[name=description]");
  var seen = form.querySelector("[name=seen]");
  var box = document.getElementById("suggestions");
  var list = document.getElementById("suggestion-list");
  var template = document.getElementById("deflect-template");
  var shown = {};
  var timer = null;
  Array.prototype.forEach.call(form.querySelectorAll(".js-hide"), function (el) { el.hidden = true; });

  function deflectForm(article) {
    var clone = template.content.firstElementChild.cloneNode(true);
    clone.id = "deflect-" + article.id;
    clone.querySelector("[name=article_id]").value = article.id;
    clone.querySelector("[name=subject]").value = subject.value;
    var category = form.querySelector("[name=category]");
    clone.querySelector("[name=category]").value = category ? category.value : "";
    document.body.appendChild(clone);
    return clone;
  }

  function render(articles) {
    list.textContent = "";
    articles.forEach(function (article) {
      shown[article.id] = true;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = article.url; link.target = "_blank"; link.rel = "noopener";
      link.textContent = article.title;
      var snippet = document.createElement("p");
      snippet.className = "snippet";
      snippet.innerHTML = article.snippet;  // escaped by the server, only <mark> added
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "This answered my question";
      button.addEventListener("click", function () { deflectForm(article).submit(); });
      item.appendChild(link); item.appendChild(snippet); item.appendChild(button);
      list.appendChild(item);
    });
    box.hidden = articles.length === 0;
    seen.value = Object.keys(shown).join(",");
  }

  function lookup() {
    var text = (subject.value + " " + description.value).trim();
    if (text.length < 3) { render([]); return; }
    // The ids shown already go along, so the server counts each suggestion once per form.
    var query = "?q=" + encodeURIComponent(text) + "&seen=" + encodeURIComponent(seen.value);
    fetch(url + query, { headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { articles: [] }; })
      .then(function (data) { render(data.articles || []); })
      .catch(function () { /* suggestions are a convenience; the form works without them */ });
  }

  function later() { clearTimeout(timer); timer = setTimeout(lookup, 300); }
  subject.addEventListener("input", later);
  description.addEventListener("input", later);
})();
