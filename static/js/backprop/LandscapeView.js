/**
 * The loss landscape: the training loss over a plane through the current weights — two random,
 * filter-normalised directions, or two chosen weights — as a heatmap with contours, and the recent
 * training path projected onto it. Refreshed on request, on every change while paused, and about
 * once a second while training runs slowly (phase by phase, or a few steps a second).
 */
import { fitCanvas, watchSize } from "../draw.js";
import { el, setText } from "../dom.js";
import { contourLevels, contours, lossColorScale } from "./landscape.js";
import { networkContext, parameterAddress, sameTarget, targetExists, targetTitle } from "./names.js";
import { formatValue } from "./numbers.js";
import { Probe } from "./probe.js";
import { getLandscape } from "./probes.js";

const SIZE = 25;
const SLOW_STEPS_PER_SECOND = 10;
const PAD = { left: 26, right: 8, top: 8, bottom: 24 };

export class LandscapeView {
  constructor(root, { invalidate }) {
    this.root = root;
    this.invalidate = invalidate;
    this.canvas = root.querySelector("canvas");
    this.modeSelect = root.querySelector(".landscape-mode");
    this.spanSelect = root.querySelector(".landscape-span");
    this.readout = root.querySelector(".landscape-readout");
    this.axesLabel = root.querySelector(".landscape-axes");
    this.draw = 0;
    this.offscreen = el("canvas", { width: SIZE, height: SIZE });
    this.probe = new Probe((params) => getLandscape(this.sessionId, params), invalidate, { interval: 1000 });
    root.querySelector(".landscape-refresh").addEventListener("click", () => this.probe.refresh());
    this.newButton = root.querySelector(".landscape-new");
    this.newButton.addEventListener("click", () => {
      this.draw++;
      invalidate();
    });
    this.modeSelect.addEventListener("change", invalidate);
    this.spanSelect.addEventListener("change", invalidate);
    this.axes = null; // the two parameters of "params" mode
    this.drawnKey = null;
    this.size = watchSize(this.canvas, () => {
      this.drawnKey = null;
      invalidate();
    });
  }

  /** Two weights for the "params" plane: the inspected one and the one inspected before it (or a neighbour). */
  chooseAxes(app, context) {
    const inspected = app.backprop?.target;
    const isParameter = (t) => t && t.kind !== "neuron" && targetExists(context, t);
    let [first, second] = this.axes ?? [];
    if (isParameter(inspected) && !sameTarget(inspected, first)) [first, second] = [inspected, first];
    if (!isParameter(first)) first = { kind: "weight", layer: 0, i: 0, j: 0 };
    if (!isParameter(second) || sameTarget(first, second)) {
      const neighbour = { kind: "weight", layer: 0, i: 1, j: 0 };
      second = isParameter(neighbour) && !sameTarget(first, neighbour) ? neighbour : { kind: "bias", layer: 0, j: 0 };
    }
    this.axes = [first, second];
    return this.axes;
  }

  params(app, context) {
    const span = Number(this.spanSelect.value);
    this.newButton.hidden = this.modeSelect.value === "params";
    if (this.modeSelect.value === "params") {
      const [first, second] = this.chooseAxes(app, context);
      setText(this.axesLabel, `α: ${targetTitle(context, first)} · β: ${targetTitle(context, second)} (raw units)`);
      return { size: SIZE, span, mode: "params", p1: parameterAddress(first), p2: parameterAddress(second) };
    }
    setText(this.axesLabel, "α, β: two random directions, each neuron's scaled to its weights' size");
    return { size: SIZE, span, mode: "random", draw: this.draw };
  }

  /** Refresh by itself when paused, and slowly while training runs slowly; never while it runs fast. */
  autoRefresh(app) {
    if (!app.playing) return { auto: true, throttled: false };
    const speed = app.speed ?? {};
    const slow = speed.unit === "phase" ||
      (speed.stepsPerSecond != null && speed.stepsPerSecond <= SLOW_STEPS_PER_SECOND);
    return { auto: slow, throttled: true };
  }

  update(app) {
    const context = networkContext(app);
    if (!context || !app.session) return;
    this.sessionId = app.session.id;
    const params = this.params(app, context);
    const { auto, throttled } = this.autoRefresh(app);
    const version = app.backprop?.stateVersion ?? app.revision;
    const shape = JSON.stringify([app.session.id, app.config.hidden_layers, app.config.features]);
    const key = JSON.stringify([shape, params, auto ? version : "held"]);
    this.probe.want(key, params, { throttled });
    this.root.classList.toggle("is-stale", !auto);

    const size = `${this.size.width}x${this.size.height}`;
    const drawKey = [this.probe.dataKey, size, this.probe.error, auto].join("|");
    if (drawKey === this.drawnKey) return;
    this.drawnKey = drawKey;
    const data = this.probe.data;
    if (!data) {
      setText(this.readout, this.probe.error ? `Could not load: ${this.probe.error}` : "Computing the landscape…");
      return;
    }
    this.paint(data);
    const steps = data.trajectory.length;
    setText(this.readout, `Loss here ${formatValue(data.origin_loss)} (centre, ●) · the line: the last ${steps} ` +
      "positions of the weights, projected onto this plane" +
      (auto ? "" : " · press Refresh to update while training runs fast"));
  }

  paint(data) {
    const { context: c, width, height } = fitCanvas(this.canvas, this.size);
    c.clearRect(0, 0, width, height);
    const side = Math.min(width - PAD.left - PAD.right, height - PAD.top - PAD.bottom);
    const left = PAD.left + (width - PAD.left - PAD.right - side) / 2;
    const top = PAD.top;
    const { alphas, betas, loss } = data;
    const n = alphas.length;
    // the grid: row = β (upwards), column = α
    const scale = lossColorScale(loss);
    this.offscreen.width = n;
    this.offscreen.height = n;
    const o = this.offscreen.getContext("2d");
    const image = o.createImageData(n, n);
    for (let row = 0; row < n; row++) {
      for (let col = 0; col < n; col++) {
        const [r, g, b] = scale.color(loss[row][col]);
        const p = ((n - 1 - row) * n + col) * 4;
        image.data.set([r, g, b, 255], p);
      }
    }
    o.putImageData(image, 0, 0);
    c.imageSmoothingEnabled = true;
    c.drawImage(this.offscreen, left, top, side, side);
    const cell = side / n;
    const gx = (col) => left + (col + 0.5) * cell;
    const gy = (row) => top + side - (row + 0.5) * cell;
    // contours
    c.lineWidth = 1;
    const levels = contourLevels(scale, 8);
    contours(loss, levels).forEach((segments, k) => {
      c.strokeStyle = scale.level(levels[k]) > 0.55 ? "rgba(255,255,255,0.55)" : "rgba(24,61,78,0.45)";
      c.beginPath();
      for (const [x0, y0, x1, y1] of segments) {
        c.moveTo(gx(x0), gy(y0));
        c.lineTo(gx(x1), gy(y1));
      }
      c.stroke();
    });
    // the path of training, in the plane's (α, β) units
    const [a0, a1] = [alphas[0], alphas.at(-1)];
    const [b0, b1] = [betas[0], betas.at(-1)];
    const px = (a) => gx(((a - a0) / (a1 - a0)) * (n - 1));
    const py = (b) => gy(((b - b0) / (b1 - b0)) * (n - 1));
    c.save();
    c.beginPath();
    c.rect(left, top, side, side);
    c.clip();
    const path = data.trajectory;
    if (path.length > 1) {
      for (const [color, width] of [["rgba(255,255,255,0.9)", 4], ["#f59322", 2]]) {
        c.strokeStyle = color;
        c.lineWidth = width;
        c.beginPath();
        path.forEach(([a, b], k) => (k ? c.lineTo(px(a), py(b)) : c.moveTo(px(a), py(b))));
        c.stroke();
      }
      c.fillStyle = "#f59322";
      c.beginPath();
      c.arc(px(path[0][0]), py(path[0][1]), 3, 0, 2 * Math.PI);
      c.fill();
    }
    c.fillStyle = "#2b2f33";
    c.strokeStyle = "#fff";
    c.lineWidth = 2;
    c.beginPath();
    c.arc(px(0), py(0), 5, 0, 2 * Math.PI);
    c.fill();
    c.stroke();
    c.restore();
    // axes
    c.strokeStyle = "#e3e6e8";
    c.strokeRect(left, top, side, side);
    c.fillStyle = "#6b7177";
    c.font = "11px Roboto, Arial, sans-serif";
    c.textAlign = "center";
    c.textBaseline = "top";
    c.fillText(formatValue(a0, 2), left, top + side + 4);
    c.fillText("α", left + side / 2, top + side + 4);
    c.fillText(formatValue(a1, 2), left + side, top + side + 4);
    c.textAlign = "right";
    c.textBaseline = "middle";
    c.fillText(formatValue(b1, 2), left - 4, top + 6);
    c.fillText("β", left - 4, top + side / 2);
    c.fillText(formatValue(b0, 2), left - 4, top + side - 6);
  }
}
