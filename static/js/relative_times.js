// Relative times ("5 min ago", "42 min left", "3 h over") count on while the page stays open:
// every 30 s each <time data-tick> is written again from its datetime, with the same words and
// rounding as the server (app/templating.py). The server's clock rules, not the browser's: the
// page's render time (data-now) and the moment this script ran give the offset between them.
// Without this script the times read as they were when the page was made.
(function () {
  "use strict";
  var EVERY_MS = 30 * 1000;

  function roundHalfEven(x) {  // Python's round(), so both sides pick the same word
    var down = Math.floor(x), rest = x - down;
    if (rest > 0.5) { return down + 1; }
    if (rest < 0.5) { return down; }
    return down % 2 === 0 ? down : down + 1;
  }

  // seconds > 0: in the past. "3 h ago" / "in 42 min" / "just now", as `_relative`.
  function relative(seconds) {
    var minutes = roundHalfEven(Math.abs(seconds) / 60), span;
    if (minutes < 1) { return "just now"; }
    if (minutes < 60) { span = minutes + " min"; }
    else if (minutes < 48 * 60) { span = roundHalfEven(minutes / 60) + " h"; }
    else { span = roundHalfEven(minutes / 1440) + " d"; }
    return seconds >= 0 ? span + " ago" : "in " + span;
  }

  // "42 min left" / "3 h over", as `_time_left`.
  function timeLeft(seconds) {
    var words = relative(seconds);
    if (words.indexOf("in ") === 0) { return words.slice(3) + " left"; }
    return words.replace(" ago", " over");
  }

  // "2 h 05 min left" / "overdue by 40 min" for a target counted round the clock, as
  // `_business_minutes`; seconds > 0: the due time has passed.
  function minutesLeft(seconds) {
    var minutes = -seconds / 60, total = roundHalfEven(Math.abs(minutes));
    var hours = Math.floor(total / 60), rest = total % 60;
    var words = hours ? hours + " h " + (rest < 10 ? "0" : "") + rest + " min" : rest + " min";
    return minutes >= 0 ? words + " left" : "overdue by " + words;
  }

  var WRITERS = { ago: relative, left: timeLeft, minutes: minutesLeft };
  var offset = null;  // server time minus browser time, in ms

  function tick() {
    var times = document.querySelectorAll("time[data-tick]");
    if (!times.length) { return; }
    if (offset === null) {
      var rendered = Date.parse(times[0].getAttribute("data-now"));
      offset = isNaN(rendered) ? 0 : rendered - Date.now();
    }
    var now = Date.now() + offset;
    for (var i = 0; i < times.length; i++) {
      var at = Date.parse(times[i].getAttribute("datetime"));
      if (isNaN(at)) { continue; }
      var seconds = (now - at) / 1000;
      var text = (WRITERS[times[i].getAttribute("data-tick")] || relative)(seconds);
      if (times[i].textContent !== text) { times[i].textContent = text; }
    }
  }

  window.tierdeskTimes = { relative: relative, timeLeft: timeLeft, minutesLeft: minutesLeft, tick: tick };  // for the browser tests
  tick();
  setInterval(tick, EVERY_MS);
})();
