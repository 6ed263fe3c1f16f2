// Settings: offer the browser's own timezone, so an agent need not look for it in the list.
(function () {
  "use strict";
  var button = document.getElementById("use-browser-zone");
  var select = document.getElementById("timezone");
  var zone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!button || !select || !zone || !select.querySelector("option[value='" + zone + "']")) { return; }
  button.textContent = "Use this browser’s timezone (" + zone.replace(/_/g, " ") + ")";
  button.hidden = false;
  button.addEventListener("click", function () { select.value = zone; });
})();
