/**
 * The small card that shows a weight's or bias's value while the pointer is on it (TFP's hovercard).
 * A click opens the parameter in the inspector, whose value field edits it; the card never takes focus.
 * A target is {layer, kind: "weight"|"bias", i, j}: weights[layer][i][j] or biases[layer][j].
 */
import { setText } from "./dom.js";
import { formatValue } from "./format.js";
import { parameterValue } from "./backprop/names.js";

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
    setText(this.label, this.target.kind === "bias" ? "Bias" : "Weight");
    setText(this.value, formatValue(parameterValue(this.state, this.target)));
  }

  update(app) {
    this.state = app.state;
    if (!this.root.hidden) this.refresh();
  }
}
