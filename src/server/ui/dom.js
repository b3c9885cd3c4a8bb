// The DOM helpers every part of the browser view uses.

const SVG_TAGS = new Set(['svg', 'rect', 'polygon', 'text', 'path', 'line', 'circle', 'g', 'title']);

/** `document.querySelector`. */
export const $ = (selector) => document.querySelector(selector);

/** Creates an element with attributes and children (strings become text). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_TAGS.has(tag) ? 'http://www.w3.org/2000/svg' : 'http://www.w3.org/1999/xhtml', tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

/** Fills a select with `values` after a first option meaning none, and selects `selected`. */
export function fillSelect(select, values, selected, none = 'all') {
  select.replaceChildren(el('option', { value: '' }, none), ...values.map((v) => el('option', { value: v }, v)));
  select.value = selected;
}
