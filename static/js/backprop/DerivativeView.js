/**
 * The derivative view: the loss as a function of one weight (the others fixed), the current value,
 * the tangent whose slope is ∂L/∂w, and the arrow of the next gradient-descent step. It follows the
 * inspected link or bias, and training: the server sends the slice over the socket after every change,
 * and at most four times a second at full pace (a `probes` wish; no request per frame).
 */
import { isHidden } from "../ControlVisibility.js";
import { cssColor } from "../colors.js";
import { fitCanvas, watchSize } from "../draw.js";
import { setText } from "../dom.js";
import { derivativeGeometry, VERDICTS } from "./derivative.js";
import { networkContext, targetExists, targetTitle } from "./names.js";
import { formatValue, tickDigits } from "../format.js";

const PAD = { left: 62, right: 14, top: 12, bottom: 30 };
const HEAD = 8; // arrowhead length: drawn even for a step too small to see, so its direction shows
const INK = "#2b2f33";
const DEFAULT_TARGET = { kind: "weight", layer: 0, i: 0, j: 0 };
const POINTS = 81;
const sameSlice = (a, b) => ["layer", "kind", "i", "j", "span"].every((name) => (a?.[name] ?? null) === (b?.[name] ?? null));

export class DerivativeView {
  constructor(root, { invalidate, wish }) {
    this.root = root;
    this.canvas = root.querySelector("canvas");
    this.label = root.querySelector(".derivative-target");
    this.readout = root.querySelector(".derivative-readout");
    this.verdict = root.querySelector(".derivative-verdict");
    this.span = root.querySelector(".derivative-span");
    this.span.addEventListener("change", invalidate);
    this.target = DEFAULT_TARGET;
    this.wish = wish;
    this.size = watchSize(this.canvas, () => {
      this.drawnSize = null;
      invalidate();
    });
  }

  /** The parameter to show: the inspected link or bias, else the last one shown. */
  chooseTarget(app, context) {
    const inspected = app.backprop?.target;
    if (inspected && inspected.kind !== "neuron" && targetExists(context, inspected)) this.target = inspected;
    if (!targetExists(context, this.target)) this.target = DEFAULT_TARGET;
    return this.target;
  }

  update(app) {
    const context = networkContext(app);
    if (!context || !app.session) return;
    const target = this.chooseTarget(app, context);
    const params = target.kind === "bias"
      ? { layer: target.layer, kind: "bias", i: target.j, points: POINTS }
      : { layer: target.layer, kind: "weight", i: target.i, j: target.j, points: POINTS };
    if (this.span.value) params.span = Number(this.span.value);
    this.wish(isHidden(app.view, "derivative") ? null : params);
    setText(this.label, targetTitle(context, target));

    const slice = app.probe?.slice;
    const sameParameter = sameSlice(slice?.params, params);
    const size = `${this.size.width}x${this.size.height}`;
    if (slice === this.drawnSlice && sameParameter === this.drawnSame && size === this.drawnSize) return;
    Object.assign(this, { drawnSlice: slice, drawnSame: sameParameter, drawnSize: size });
    const symbol = target.kind === "bias" ? "b" : "w";
    if (!slice || !sameParameter) {
      this.clear("Loading…");
      return;
    }
    const geometry = derivativeGeometry(slice);
    if (!geometry) {
      this.clear("The loss is not finite here.");
      return;
    }
    this.draw(geometry, symbol);
    const on = slice.on === "batch" ? "the current batch" : "the training set";
    setText(this.readout, `${symbol} = ${formatValue(slice.current)} · loss ${formatValue(slice.loss)} on ${on} · ` +
      `slope ∂L/∂${symbol} = ${formatValue(slice.grad)} · ` +
      `next ${symbol} = ${symbol} − ${slice.learning_rate} · slope = ` +
      `${formatValue(slice.next_value)}`);
    this.readout.dataset.grad = String(slice.grad);
    this.readout.dataset.current = String(slice.current);
    setText(this.verdict, VERDICTS[geometry.verdict]);
    this.root.dataset.verdict = geometry.verdict;
  }

  clear(message) {
    const { context, width, height } = fitCanvas(this.canvas, this.size);
    context.clearRect(0, 0, width, height);
    setText(this.readout, message);
    setText(this.verdict, "");
  }

  draw(g, symbol) {
    const { context: c, width, height } = fitCanvas(this.canvas, this.size);
    c.clearRect(0, 0, width, height);
    const [x0, x1] = g.xRange;
    const [y0, y1] = g.yRange;
    const X = (x) => PAD.left + ((x - x0) / (x1 - x0)) * (width - PAD.left - PAD.right);
    const Y = (y) => PAD.top + (1 - (y - y0) / (y1 - y0)) * (height - PAD.top - PAD.bottom);
    this.axes(c, g, X, Y, width, height, symbol);

    c.save();
    c.beginPath();
    c.rect(PAD.left, PAD.top, width - PAD.left - PAD.right, height - PAD.top - PAD.bottom);
    c.clip();
    // the loss curve
    c.strokeStyle = INK;
    c.lineWidth = 2;
    c.beginPath();
    let drawing = false;
    for (const [x, y] of g.curve) {
      if (y == null) {
        drawing = false;
        continue;
      }
      if (drawing) c.lineTo(X(x), Y(y));
      else c.moveTo(X(x), Y(y));
      drawing = true;
    }
    c.stroke();
    // the tangent: slope ∂L/∂w through the current point
    const [px, py] = g.point;
    const slopeColor = cssColor(Math.sign(g.slope) * 0.9);
    c.strokeStyle = slopeColor;
    c.lineWidth = 1.5;
    c.setLineDash([6, 4]);
    c.beginPath();
    c.moveTo(X(x0), Y(py + g.slope * (x0 - px)));
    c.lineTo(X(x1), Y(py + g.slope * (x1 - px)));
    c.stroke();
    c.setLineDash([]);
    // the next step: along the tangent, then down (or up) to the curve
    const { x: nx, predicted, actual } = g.next;
    if (actual != null) {
      c.strokeStyle = "rgba(43,47,51,0.45)";
      c.setLineDash([2, 3]);
      c.beginPath();
      c.moveTo(X(nx), Y(predicted));
      c.lineTo(X(nx), Y(actual));
      c.stroke();
      c.setLineDash([]);
    }
    if (actual != null) this.dot(c, X(nx), Y(actual), "#fff", INK);
    this.dot(c, X(px), Y(py), INK, "#fff");
    this.arrow(c, X(px), Y(py), X(nx), Y(predicted), slopeColor);
    c.font = "11px Roboto, Arial, sans-serif";
    c.fillStyle = INK;
    c.textBaseline = "bottom";
    const rightward = nx >= px;
    c.textAlign = rightward ? "right" : "left";
    this.tag(c, "now", X(px) + (rightward ? -7 : 7), Y(py) - 5);
    if (actual != null && Math.abs(X(nx) - X(px)) > 14) {
      c.textAlign = rightward ? "left" : "right";
      c.textBaseline = "top";
      this.tag(c, "next", X(nx) + (rightward ? 7 : -7), Y(actual) + 5);
    }
    c.restore();
  }

  axes(c, g, X, Y, width, height, symbol) {
    c.font = "11px Roboto, Arial, sans-serif";
    c.fillStyle = "#6b7177";
    c.strokeStyle = "#e3e6e8";
    c.lineWidth = 1;
    c.strokeRect(PAD.left, PAD.top, width - PAD.left - PAD.right, height - PAD.top - PAD.bottom);
    c.textAlign = "right";
    c.textBaseline = "middle";
    const digits = tickDigits(...g.yRange);
    for (const y of [g.yRange[0], (g.yRange[0] + g.yRange[1]) / 2, g.yRange[1]]) {
      c.fillText(formatValue(y, digits), PAD.left - 5, Y(y));
    }
    const [x0, x1] = g.xRange;
    c.textBaseline = "top";
    const below = height - PAD.bottom + 4;
    c.textAlign = "left";
    c.fillText(formatValue(x0, 3), X(x0), below);
    c.textAlign = "right";
    c.fillText(formatValue(x1, 3), X(x1), below);
    c.textAlign = "center";
    c.fillStyle = "#2b2f33";
    c.fillText(`${symbol} = ${formatValue(g.point[0], 3)}`, X(g.point[0]), below);
    c.save();
    c.translate(12, PAD.top + (height - PAD.top - PAD.bottom) / 2);
    c.rotate(-Math.PI / 2);
    c.textBaseline = "middle";
    c.fillText("loss", 0, 0);
    c.restore();
  }

  arrow(c, x0, y0, x1, y1, color) {
    c.strokeStyle = color;
    c.fillStyle = color;
    c.lineWidth = 2.5;
    c.beginPath();
    c.moveTo(x0, y0);
    c.lineTo(x1, y1);
    c.stroke();
    if (x1 === x0 && y1 === y0) return;
    const angle = Math.atan2(y1 - y0, x1 - x0);
    // the head ends at the tip, or one head-length out when the step is shorter than the head
    const length = Math.hypot(x1 - x0, y1 - y0);
    const reach = Math.max(0, HEAD + 5 - length); // clear of the current point's dot
    const tipX = x1 + reach * Math.cos(angle);
    const tipY = y1 + reach * Math.sin(angle);
    c.beginPath();
    c.moveTo(tipX, tipY);
    c.lineTo(tipX - HEAD * Math.cos(angle - 0.45), tipY - HEAD * Math.sin(angle - 0.45));
    c.lineTo(tipX - HEAD * Math.cos(angle + 0.45), tipY - HEAD * Math.sin(angle + 0.45));
    c.closePath();
    c.fill();
  }

  tag(c, text, x, y) {
    c.strokeStyle = "rgba(255,255,255,0.9)";
    c.lineWidth = 3;
    c.strokeText(text, x, y);
    c.fillText(text, x, y);
  }

  dot(c, x, y, fill, stroke) {
    c.fillStyle = fill;
    c.strokeStyle = stroke;
    c.lineWidth = 2;
    c.beginPath();
    c.arc(x, y, 4.5, 0, 2 * Math.PI);
    c.fill();
    c.stroke();
  }
}
