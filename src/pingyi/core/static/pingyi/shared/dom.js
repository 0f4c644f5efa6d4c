/* pingyi — small DOM helpers shared by the page scripts (no framework; text, never markup). */

/** The element with this id, or null. */
export function $(id) { return document.getElementById(id); }

/** The JSON data island <script type="application/json" id="…">, parsed; {} if absent or bad. */
export function readJSON(id) {
  const node = document.getElementById(id);
  if (!node) return {};
  try { return JSON.parse(node.textContent); } catch (e) { return {}; }
}

/**
 * A new element: attrs.text is its text, attrs.className its class, attrs.on<event> a
 * listener, any other attribute set as a string (true → present, false/null → absent).
 */
export function h(tag, attrs, kids) {
  const el = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach(function (name) {
      const value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name === 'text') el.textContent = value;
      else if (name === 'className') el.className = value;
      else if (name.slice(0, 2) === 'on') el.addEventListener(name.slice(2), value);
      else el.setAttribute(name, value === true ? '' : String(value));
    });
  }
  (kids || []).forEach(function (kid) {
    if (kid === null || kid === undefined || kid === false) return;
    el.appendChild(typeof kid === 'string' ? document.createTextNode(kid) : kid);
  });
  return el;
}

export function show(el, visible) { if (el) el.hidden = !visible; }

export function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

/** Run `start` once the document is parsed (module scripts usually run after that already). */
export function ready(start) {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
