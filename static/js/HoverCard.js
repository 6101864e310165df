/**
 * The small card that shows a weight's or bias's value on hover, and edits it on click (TFP's hovercard).
 * A target is {layer, kind: "weight"|"bias", i, j}: weights[layer][i][j] or biases[layer][j].
 */
import { setText } from "./dom.js";
import { EVENTS } from "./events.js";
import { formatParameter } from "./format.js";

export function parameterValue(state, { layer, kind, i, j }) {
  const weights = state?.layers?.[layer];
  if (!weights) return null;
  return kind === "bias" ? weights.biases?.[j] ?? null : weights.weights?.[i]?.[j] ?? null;
}

export class HoverCard {
  constructor(root, bus) {
    this.root = root;
    this.bus = bus;
    this.label = root.querySelector(".hover-card-label");
    this.value = root.querySelector(".hover-card-value");
    this.input = root.querySelector(".hover-card-input");
    this.hint = root.querySelector(".hover-card-hint");
    this.target = null;
    this.editing = false;
    this.state = null;
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.commit();
      else if (event.key === "Escape") this.close();
    });
    this.input.addEventListener("blur", () => this.close());
  }

  /** Show the value of `target` beside the pointer. */
  show(target, { clientX, clientY }) {
    if (this.editing) return;
    this.target = target;
    this.place(clientX, clientY);
    this.root.hidden = false;
    this.root.classList.remove("is-editing");
    setText(this.hint, "click to edit it and see its chain rule");
    this.refresh();
  }

  /** Hide the card unless it is being edited. */
  hide() {
    if (!this.editing) {
      this.root.hidden = true;
      this.target = null;
    }
  }

  /** Open the card as an editor for `target`. */
  edit(target, position) {
    this.editing = false;
    this.show(target, position);
    this.editing = true;
    this.root.classList.add("is-editing");
    setText(this.hint, "Enter to set · Esc to cancel");
    const value = parameterValue(this.state, target);
    this.input.value = value == null ? "" : String(Number(value.toPrecision(6)));
    this.input.focus();
    this.input.select();
  }

  commit() {
    const value = Number(this.input.value);
    if (this.target && this.input.value.trim() !== "" && Number.isFinite(value)) {
      const { layer, kind, i, j } = this.target;
      this.bus.emit(EVENTS.SET_PARAMETER, { layer, kind, i: kind === "bias" ? 0 : i, j, value });
    }
    this.close();
  }

  close() {
    if (!this.editing) return;
    this.editing = false;
    this.root.hidden = true;
    this.target = null;
  }

  place(clientX, clientY) {
    const x = Math.min(clientX + 14, window.innerWidth - 200);
    const y = Math.min(clientY + 14, window.innerHeight - 80);
    this.root.style.left = `${Math.max(4, x)}px`;
    this.root.style.top = `${Math.max(4, y)}px`;
  }

  refresh() {
    if (!this.target) return;
    setText(this.label, this.target.kind === "bias" ? "Bias" : "Weight");
    setText(this.value, formatParameter(parameterValue(this.state, this.target)));
  }

  update(app) {
    this.state = app.state;
    if (!this.root.hidden) this.refresh();
  }
}
