/**
 * The inspector: a clicked neuron, link or bias — its value, gradient and last step, and the chain
 * rule with the actual numbers of the selected point and of the batch. Every factor that has a
 * "where does this come from" is a button: click it to walk on along the path.
 *
 * A weight's or bias's value is an editable field: type a number and press Enter to set it (the `edit`
 * socket message, through SET_PARAMETER), Esc or leaving the field puts the current value back. The
 * field never takes the focus by itself, and gives it back to the inspector after Enter or Esc, so the
 * keyboard shortcuts work again at once.
 *
 * Reads app.backprop (target, trace) and app.state; the content model comes from chainRule.js.
 */
import { el, setText } from "../dom.js";
import { EVENTS } from "../events.js";
import { explain } from "./chainRule.js";
import { networkContext, parameterValue, sameTarget, targetExists } from "./names.js";
import { formatValue } from "../format.js";

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
    this.body = root.querySelector(".inspector-body");
    this.status = root.querySelector(".inspector-status");
    this.backButton = root.querySelector(".inspector-back");
    this.facts = root.querySelector(".inspector-facts");
    this.moreFacts = root.querySelector(".inspector-facts-more");
    this.valueField = root.querySelector(".inspector-value");
    this.valueInput = root.querySelector(".inspector-value-input");
    this.valueSymbol = this.valueField.querySelector(".inspector-symbol");
    this.editTarget = null; // the parameter the value field shows
    this.typed = false; // the user typed since the field last showed the live value
    this.pending = null; // {value, state}: a value just set, shown until a newer State arrives
    this.liveState = null; // the State the field reads the value from
    this.shownTarget = null; // the target drawn last: a new one is scrolled into view
    this.listenToValueField();
    root.querySelector(".inspector-close").addEventListener("click", () => bus.emit(EVENTS.INSPECT, { target: null }));
    this.backButton.addEventListener("click", () => bus.emit(EVENTS.INSPECT_BACK));
    this.drawn = null;
  }

  listenToValueField() {
    const input = this.valueInput;
    input.addEventListener("input", () => (this.typed = true));
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.commitValue();
        this.root.focus({ preventScroll: true }); // out of the field: Space, → and R are shortcuts again
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.restoreValue();
        this.root.focus({ preventScroll: true });
      }
    });
    input.addEventListener("blur", () => this.restoreValue()); // leaving the field without Enter changes nothing
  }

  /** Send the typed value as the parameter's new value (a blank or non-number field is ignored). */
  commitValue() {
    const target = this.editTarget;
    const text = this.valueInput.value.trim();
    const value = Number(text);
    this.typed = false;
    if (!target || text === "" || !Number.isFinite(value)) {
      this.restoreValue();
      return;
    }
    this.pending = { value, state: this.liveState };
    const { layer, kind, i, j } = target;
    this.bus.emit(EVENTS.SET_PARAMETER, { layer, kind, i: kind === "bias" ? 0 : i, j, value });
  }

  restoreValue() {
    this.typed = false;
    this.showValue();
  }

  /** The value field: the live value, unless the user is typing or a value just set awaits the server. */
  showValue() {
    const target = this.editTarget;
    if (!target) return;
    if (this.pending && this.pending.state !== this.liveState) this.pending = null;
    const value = this.pending ? this.pending.value : parameterValue(this.liveState, target);
    this.valueInput.dataset.value = value == null ? "" : String(value);
    this.valueInput.classList.toggle("is-positive", value > 0);
    this.valueInput.classList.toggle("is-negative", value < 0);
    if (this.typed && document.activeElement === this.valueInput) return;
    const text = value == null || !Number.isFinite(value) ? "" : String(Number(value.toPrecision(6)));
    if (this.valueInput.value !== text) this.valueInput.value = text;
  }

  /** Point the value field at the inspected weight or bias (hidden for a neuron). */
  updateValueField(app, target) {
    const editable = target.kind === "weight" || target.kind === "bias";
    this.valueField.hidden = !editable;
    this.liveState = app.state;
    if (!editable) {
      this.editTarget = null;
      return;
    }
    if (!this.editTarget || !sameTarget(this.editTarget, target)) {
      this.editTarget = target;
      this.typed = false;
      this.pending = null;
      const symbol = target.kind === "bias" ? "b" : "w";
      setText(this.valueSymbol, symbol);
      this.valueInput.setAttribute("aria-label", `New value of ${this.title.textContent || symbol}`);
    }
    this.showValue();
  }

  update(app) {
    const { target, trail } = app.backprop;
    const context = networkContext(app);
    const open = Boolean(target && context && targetExists(context, target));
    this.root.hidden = !open;
    if (!open) {
      this.drawn = null;
      this.editTarget = null;
      this.shownTarget = null;
      return;
    }
    const newTarget = !sameTarget(this.shownTarget, target);
    this.shownTarget = target;
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
    this.updateValueField(app, target);
    const editable = target.kind !== "neuron";
    const facts = model.facts.filter((fact) => !(editable && fact.id === "value")); // the field shows it
    this.moreFacts.replaceChildren(...facts.map((fact) => this.fact(fact)));
    if (newTarget) this.reveal();
    this.body.replaceChildren(...model.sections.map((section) => this.section(section)));
    const waiting = !trace;
    this.root.classList.toggle("is-loading", waiting);
    setText(this.status, app.backprop.traceError ? `Could not load the numbers: ${app.backprop.traceError}`
      : waiting ? "Loading the numbers…" : this.statusText(app, trace));
  }

  /** Scroll the title and the facts (the value field) into view if they are not: a click below the fold
   * on a tall diagram must not open an inspector the user cannot see. Never moves the focus. */
  reveal() {
    const calm = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;
    this.facts.scrollIntoView({ block: "nearest", behavior: calm ? "auto" : "smooth" });
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
