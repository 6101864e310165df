/** Small DOM helpers used by the views. */

/** Create an element: el("div", {class: "node", title: "…"}, child, …). Attributes set with setAttribute. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value != null && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  node.append(...children);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function svgEl(tag, attributes = {}) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

/** Set text only when it differs, so an idempotent update costs no layout. */
export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

/** Choose the option of a numeric <select> equal to `value`, adding one if the value is not listed. */
export function selectNumber(select, value) {
  if (value == null) return;
  let option = [...select.options].find((o) => Number(o.value) === Number(value));
  if (!option) {
    option = el("option", { value: String(value) }, String(value));
    const after = [...select.options].find((o) => Number(o.value) > Number(value));
    select.insertBefore(option, after ?? null);
  }
  if (select.value !== option.value) select.value = option.value;
}

/** Choose the option of a <select> whose value is `value`, adding it if unknown (a value from a URL). */
export function selectValue(select, value) {
  if (value == null) return;
  if (![...select.options].some((o) => o.value === value)) select.append(el("option", { value }, value));
  if (select.value !== value) select.value = value;
}

/** Mark a range input as being dragged, so that updates leave it alone until it is released. */
export function trackDragging(range) {
  range.addEventListener("pointerdown", () => (range.dataset.dragging = "true"));
  const release = () => (range.dataset.dragging = "false");
  range.addEventListener("pointerup", release);
  range.addEventListener("change", release);
  range.addEventListener("blur", release);
}

/** Make a non-button element (a neuron square) act as a button: in the Tab order, Enter or Space clicks it. */
export function pressable(node, label) {
  node.setAttribute("tabindex", "0");
  node.setAttribute("role", "button");
  if (label) node.setAttribute("aria-label", label);
  node.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    event.stopPropagation(); // not also the page's shortcut (Space plays)
    node.click();
  });
  return node;
}
