/**
 * One variant's card: its name, the network's output over the plane with the training points (its
 * decision boundary), and its step, loss and accuracy.
 */
import { cssColor, cssRgb, labelColor } from "../colors.js";
import { el, setText } from "../dom.js";
import { paintClassMaps, paintMap } from "../draw.js";
import { formatLoss, formatPercent } from "../format.js";
import { VARIANT_COLORS } from "./variants.js";

const SIDE = 220;

export class RaceVariant {
  constructor(index, label, data, numClasses) {
    this.data = data;
    this.numClasses = numClasses;
    this.offscreen = el("canvas", { width: 1, height: 1 });
    this.canvas = el("canvas", { width: SIDE, height: SIDE, class: "race-variant-map", role: "img",
      "aria-label": `Decision boundary of ${label}` });
    this.numbers = el("p", { class: "race-variant-numbers" });
    const swatch = el("span", { class: "race-variant-swatch", style: `background:${VARIANT_COLORS[index % 4]}` });
    this.root = el("li", { class: "race-variant", "data-variant": String(index) },
      el("h3", { class: "race-variant-title" }, swatch, label), this.canvas, this.numbers);
  }

  /** Show a state (unless it is older than the one shown: a reply can arrive after a later frame). */
  show(state, heatmaps, { restart = false } = {}) {
    if (state && !restart && this.state && state.step < this.state.step) state = null;
    if (state) {
      this.state = state;
      const diverged = state.status === "diverged";
      const accuracy = state.accuracy ? ` · accuracy ${formatPercent(state.accuracy.train)}` : "";
      setText(this.numbers, diverged ? `step ${state.step} · diverged: the loss is no longer a number`
        : `step ${state.step} · train loss ${formatLoss(state.loss.train)}${accuracy}`);
      this.root.classList.toggle("is-diverged", diverged);
    }
    if (heatmaps) this.paint(heatmaps);
  }

  paint(heatmaps) {
    if (heatmaps.classes) paintClassMaps(this.offscreen, heatmaps.classes);
    else paintMap(this.offscreen, heatmaps.output);
    const context = this.canvas.getContext("2d");
    context.imageSmoothingEnabled = false;
    context.drawImage(this.offscreen, 0, 0, SIDE, SIDE);
    const extent = heatmaps.extent ?? 6;
    const { x, y } = this.data.train;
    context.lineWidth = 1;
    context.strokeStyle = "#fff";
    for (let i = 0; i < x.length; i++) {
      const px = (x[i][0] / extent + 1) * SIDE / 2;
      const py = (1 - x[i][1] / extent) * SIDE / 2;
      context.fillStyle = this.numClasses ? cssRgb(labelColor(y[i], this.numClasses)) : cssColor(y[i]);
      context.beginPath();
      context.arc(px, py, 2.6, 0, 2 * Math.PI);
      context.fill();
      context.stroke();
    }
  }
}
