/**
 * The loss landscape: the training loss over a plane through the current weights — two random,
 * filter-normalised directions, or two chosen weights — as a heatmap with contours, and the recent
 * training path projected onto it. The server keeps the plane and sends the path and the point where
 * the weights are now over the socket as training runs (a `probes` wish); the grid comes again on
 * Refresh, for new directions or span, and when the point walks out of the middle of the picture.
 */
import { isHidden } from "../ControlVisibility.js";
import { fitCanvas, watchSize } from "../draw.js";
import { el, setText } from "../dom.js";
import { contourLevels, contours, lossColorScale } from "./landscape.js";
import { networkContext, sameTarget, targetExists, targetTitle } from "./names.js";
import { formatValue } from "../format.js";

const SIZE = 25;
const PAD = { left: 26, right: 8, top: 8, bottom: 24 };

export class LandscapeView {
  constructor(root, { invalidate, wish }) {
    this.root = root;
    this.invalidate = invalidate;
    this.canvas = root.querySelector("canvas");
    this.modeSelect = root.querySelector(".landscape-mode");
    this.spanSelect = root.querySelector(".landscape-span");
    this.readout = root.querySelector(".landscape-readout");
    this.axesLabel = root.querySelector(".landscape-axes");
    this.draw = 0;
    this.offscreen = el("canvas", { width: SIZE, height: SIZE });
    this.wish = wish;
    this.refreshAsked = false;
    root.querySelector(".landscape-refresh").addEventListener("click", () => {
      this.refreshAsked = true;
      invalidate();
    });
    this.newButton = root.querySelector(".landscape-new");
    this.newButton.addEventListener("click", () => {
      this.draw++;
      invalidate();
    });
    this.modeSelect.addEventListener("change", invalidate);
    this.spanSelect.addEventListener("change", invalidate);
    this.axes = null; // the two parameters of "params" mode
    this.drawn = {};
    this.size = watchSize(this.canvas, () => {
      this.drawn = {};
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
      return { size: SIZE, span, mode: "params", p1: address(first), p2: address(second) };
    }
    setText(this.axesLabel, "α, β: two random directions, each neuron's scaled to its weights' size");
    return { size: SIZE, span, mode: "random", draw: this.draw };
  }

  update(app) {
    const context = networkContext(app);
    if (!context || !app.session) return;
    const params = this.params(app, context);
    this.wish(isHidden(app.view, "landscape") ? null : params, { refresh: this.refreshAsked });
    this.refreshAsked = false;

    const { landscape, trajectory, position } = app.probe ?? {};
    const size = `${this.size.width}x${this.size.height}`;
    if (landscape === this.drawn.landscape && trajectory === this.drawn.trajectory && size === this.drawn.size) return;
    this.drawn = { landscape, trajectory, size };
    if (!landscape || !trajectory || !position) {
      setText(this.readout, "Computing the landscape…");
      return;
    }
    this.paint({ ...landscape, trajectory, position });
    setText(this.readout, `Loss at the plane's centre ${formatValue(landscape.origin_loss)} · ● the weights now, ` +
      `the line: their last ${trajectory.length} positions, projected onto this plane, as training runs`);
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
    c.arc(px(data.position[0]), py(data.position[1]), 5, 0, 2 * Math.PI);
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

/** A weight or bias target as the socket's landscape axis: {layer, kind, i, j?} (a bias's index is i). */
function address(target) {
  return target.kind === "bias" ? { layer: target.layer, kind: "bias", i: target.j }
    : { layer: target.layer, kind: "weight", i: target.i, j: target.j };
}
