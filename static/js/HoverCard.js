/**
 * The small card that shows a weight's or bias's value while the pointer is on it (TFP's hovercard) — in
 * the backward phase the ∂L/∂w its link shows, in the update phase the step ΔW it took, each with the value.
 * A click opens the parameter in the inspector, whose value field edits it; the card never takes focus.
 * A target is {layer, kind: "weight"|"bias", i, j}: weights[layer][i][j] or biases[layer][j].
 */
import { setText } from "./dom.js";
import { formatValue } from "./format.js";
import { hoverQuantity } from "./backprop/phaseView.js";

export class HoverCard {
  constructor(root) {
    this.root = root;
    this.label = root.querySelector(".hover-card-label");
    this.value = root.querySelector(".hover-card-value");
    this.target = null;
    this.state = null;
  }

  /** Show the value of `target` beside the pointer. */
  show(target, { clientX, clientY }) {
    this.target = target;
    this.place(clientX, clientY);
    this.root.hidden = false;
    this.refresh();
  }

  hide() {
    this.root.hidden = true;
    this.target = null;
  }

  place(clientX, clientY) {
    const x = Math.min(clientX + 14, window.innerWidth - 220);
    const y = Math.min(clientY + 14, window.innerHeight - 60);
    this.root.style.left = `${Math.max(4, x)}px`;
    this.root.style.top = `${Math.max(4, y)}px`;
  }

  refresh() {
    if (!this.target) return;
    const shown = hoverQuantity(this.state, this.diagram, this.target);
    setText(this.label, shown.label);
    const detail = shown.detail ? ` (${shown.detail}${formatValue(shown.detailValue)})` : "";
    setText(this.value, `${formatValue(shown.value)}${detail}`);
    this.root.dataset.shows = shown.label;
  }

  update(app) {
    this.state = app.state;
    this.diagram = app.backprop?.diagram ?? null; // the phase's numbers: the card shows what the link shows
    if (!this.root.hidden) this.refresh();
  }
}
