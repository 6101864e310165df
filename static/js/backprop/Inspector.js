/**
 * The inspector: a clicked neuron, link or bias — its value, gradient and last step, and the chain
 * rule with the actual numbers of the selected point and of the batch. Every factor that has a
 * "where does this come from" is a button: click it to walk on along the path.
 *
 * Reads app.backprop (target, trace) and app.state; the content model comes from chainRule.js.
 */
import { el, setText } from "../dom.js";
import { EVENTS } from "../events.js";
import { explain } from "./chainRule.js";
import { networkContext, sameTarget, targetExists } from "./names.js";
import { formatValue } from "./numbers.js";

const signClass = (value) => (value > 0 ? "is-positive" : value < 0 ? "is-negative" : "is-zero");

function numberNode(value, className) {
  return el("span", { class: `${className} ${signClass(value)}`, "data-value": value == null ? "" : String(value) },
    formatValue(value));
}

export class Inspector {
  constructor(root, bus) {
    this.root = root;
    this.bus = bus;
    this.title = root.querySelector(".inspector-title");
    this.words = root.querySelector(".inspector-words");
    this.facts = root.querySelector(".inspector-facts");
    this.body = root.querySelector(".inspector-body");
    this.status = root.querySelector(".inspector-status");
    this.backButton = root.querySelector(".inspector-back");
    root.querySelector(".inspector-close").addEventListener("click", () => bus.emit(EVENTS.INSPECT, { target: null }));
    this.backButton.addEventListener("click", () => bus.emit(EVENTS.INSPECT_BACK));
    this.drawn = null;
  }

  update(app) {
    const { target, trail } = app.backprop;
    const context = networkContext(app);
    const open = Boolean(target && context && targetExists(context, target));
    this.root.hidden = !open;
    if (!open) {
      this.drawn = null;
      return;
    }
    this.backButton.hidden = !trail.length;
    const trace = this.traceFor(app, target);
    const inputs = [target, trace, app.state, app.config];
    if (this.drawn && inputs.every((v, k) => v === this.drawn[k])) return;
    this.drawn = inputs;
    const model = explain({ context, target, trace, state: app.state, config: app.config, registries: app.registries });
    this.root.dataset.kind = target.kind;
    this.root.dataset.target = `${target.kind}:${target.layer}:${target.i ?? 0}:${target.j}`;
    setText(this.title, model.title);
    setText(this.words, `${model.words[0].toUpperCase()}${model.words.slice(1)}.`);
    this.facts.replaceChildren(...model.facts.map((fact) => this.fact(fact)));
    this.body.replaceChildren(...model.sections.map((section) => this.section(section)));
    const waiting = !trace;
    this.root.classList.toggle("is-loading", waiting);
    setText(this.status, app.backprop.traceError ? `Could not load the numbers: ${app.backprop.traceError}`
      : waiting ? "Loading the numbers…" : this.statusText(app, trace));
  }

  /** The trace if it is of this target's weight (its batch terms), else null while the right one loads. */
  traceFor(app, target) {
    const { trace, traceParams } = app.backprop;
    if (!trace || !traceParams) return null;
    const wantsTerms = target.kind !== "neuron";
    const termsOf = traceParams.layer == null ? null
      : { kind: target.kind, layer: traceParams.layer, i: traceParams.i, j: traceParams.j };
    if (wantsTerms && !sameTarget(termsOf, { ...target, i: target.kind === "bias" ? 0 : target.i })) return null;
    return trace;
  }

  statusText(app, trace) {
    const moved = trace.at === "backward" && trace.phase === "update";
    const sample = `Numbers for point #${trace.index}${app.backprop.sample == null ? " (the first of the batch)" : ""}`;
    const when = moved ? ", at the weights before this update" : "";
    return `${sample}${when} — click a point in the output plot to choose another.`;
  }

  fact({ symbol, label, value, title, id }) {
    return el("div", { class: "inspector-fact", title, "data-fact": id ?? label },
      el("span", { class: "inspector-fact-label" }, `${label} `, el("span", { class: "inspector-symbol" }, symbol)),
      numberNode(value, "inspector-fact-value"));
  }

  section({ id, heading, note, lines, table }) {
    const node = el("section", { class: "inspector-section", "data-section": id },
      el("h4", { class: "inspector-heading" }, heading));
    for (const line of lines) node.append(el("div", { class: "inspector-line" }, ...line.map((t) => this.token(t))));
    if (note) node.append(el("p", { class: "inspector-note" }, note));
    if (table) node.append(this.table(table));
    return node;
  }

  token(token) {
    if (token.t === "text") return el("span", { class: "inspector-op" }, token.text);
    if (token.t === "result") {
      const node = numberNode(token.value, "inspector-result");
      if (token.id) node.dataset.id = token.id;
      return node;
    }
    const children = [
      el("span", { class: "inspector-symbol" }, token.symbol), numberNode(token.value, "inspector-number")];
    if (!token.target) return el("span", { class: "inspector-term", title: token.title ?? "" }, ...children);
    const button = el("button", { type: "button", class: "inspector-term is-link", title: token.title ?? "" },
      ...children);
    button.addEventListener("click", () => this.bus.emit(EVENTS.INSPECT, { target: token.target, walk: true }));
    return button;
  }

  table({ columns, rows }) {
    const head = el("tr", {}, ...columns.map((c) => el("th", { scope: "col" }, c)));
    const body = rows.map(({ index, cells, selected }) => {
      const attributes = { class: selected ? "is-selected" : "", "data-sample": index, title: `Show point #${index}` };
      const row = el("tr", attributes,
        el("td", {}, `#${index}`), ...cells.map((v) => el("td", {}, numberNode(v, "inspector-number"))));
      row.addEventListener("click", () => this.bus.emit(EVENTS.SELECT_SAMPLE, { index }));
      return row;
    });
    return el("div", { class: "inspector-table-wrap" },
      el("table", { class: "inspector-table" }, el("thead", {}, head), el("tbody", {}, ...body)));
  }
}
