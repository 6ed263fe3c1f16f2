// The accessibility pass the journeys run on every page: returns a list of problems (empty when
// the page passes). Evaluated in the page by tests/browser/a11y.py.
() => {
  "use strict";
  const MIN_CONTRAST = 4.5;
  const problems = [];
  const describe = (el) => {
    let text = el.tagName.toLowerCase();
    if (el.id) { text += "#" + el.id; }
    if (el.getAttribute("name")) { text += "[name=" + el.getAttribute("name") + "]"; }
    const words = (el.textContent || el.value || "").trim().replace(/\s+/g, " ").slice(0, 40);
    return words ? text + " “" + words + "”" : text;
  };
  const hasText = (el) => el !== null && (el.textContent || "").trim().length > 0;

  // 1. Every form control a person fills in has a name a screen reader can announce.
  const NO_LABEL_NEEDED = new Set(["hidden", "submit", "button", "reset", "image"]);
  for (const el of document.querySelectorAll("input, select, textarea")) {
    if (el.tagName === "INPUT" && NO_LABEL_NEEDED.has(el.type)) { continue; }
    const ariaLabel = (el.getAttribute("aria-label") || "").trim();
    const labelledBy = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean)
      .map((id) => document.getElementById(id));
    const byLabelledBy = labelledBy.length > 0 && labelledBy.every(hasText);
    // A wrapping label holds the control too: only its own words count (not a select's options).
    const byLabel = Array.from(el.labels || [])
      .some((label) => label.textContent.replace(el.textContent, "").trim().length > 0);
    if (!ariaLabel && !byLabelledBy && !byLabel) {
      problems.push("unlabelled control: " + describe(el));
    }
  }

  // 2. Ids are unique (labels, aria references and anchors point at exactly one element).
  const counts = new Map();
  for (const el of document.querySelectorAll("[id]")) {
    counts.set(el.id, (counts.get(el.id) || 0) + 1);
  }
  for (const [id, count] of counts) {
    if (count > 1) { problems.push("duplicate id: " + id + " (" + count + " elements)"); }
  }

  // 3. One h1, the first heading, and no level skipped on the way down.
  const headings = Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"));
  const h1s = headings.filter((h) => h.tagName === "H1").length;
  if (h1s !== 1) { problems.push("expected one h1, found " + h1s); }
  if (headings.length && headings[0].tagName !== "H1") {
    problems.push("first heading is " + describe(headings[0]) + ", not an h1");
  }
  let previous = 0;
  for (const heading of headings) {
    const level = Number(heading.tagName[1]);
    if (previous && level > previous + 1) {
      problems.push("heading skips a level: h" + previous + " then " + describe(heading));
    }
    previous = level;
  }

  // 4. Buttons and main links: text contrast of at least 4.5:1 against what is behind it.
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 1;
  const paint = canvas.getContext("2d", { willReadFrequently: true });
  const rgba = (css) => {  // any CSS colour → [r, g, b, a] in sRGB, through the canvas
    paint.clearRect(0, 0, 1, 1);
    paint.fillStyle = "rgba(0, 0, 0, 0)";
    paint.fillStyle = css;
    paint.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = paint.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const over = (top, bottom) => [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3]))
    .concat([1]);
  const background = (el) => {  // the opaque colour behind el: its own and its ancestors' layers
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage && style.backgroundImage !== "none") { return null; }
      const colour = rgba(style.backgroundColor);
      if (colour[3] > 0) { layers.push(colour); }
      if (colour[3] >= 1) { break; }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const ratio = (a, b) => {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  };
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const ACTIONS = "button, input[type=submit], input[type=button], a.button, a.primary, nav a";
  for (const el of document.querySelectorAll(ACTIONS)) {
    if (el.disabled || !visible(el) || !(el.textContent || el.value || "").trim()) { continue; }
    const behind = background(el);
    if (behind === null) { continue; }  // an image or gradient: not measurable from styles
    const text = over(rgba(getComputedStyle(el).color), behind);
    const value = ratio(text, behind);
    if (value < MIN_CONTRAST) {
      problems.push("low contrast " + value.toFixed(2) + ":1 on " + describe(el));
    }
  }
  return problems;
}
