/**
 * Gradient health: each layer's gradient norm ‖∂L/∂W‖ over training on a log scale, and histograms
 * of every layer's weights and gradients. A deep sigmoid network shows its first layers' norms sitting
 * decades below the last one's, and their gradient histograms collapsed onto zero.
 */
import { fitCanvas, watchSize } from "../draw.js";
import { el, setText } from "../dom.js";
import { flatten, histogram, niceLimit, NormHistory } from "./health.js";
import { superscript } from "./names.js";
import { decadeTicks, formatDecade, formatValue } from "../format.js";

const PAD = { left: 38, right: 8, top: 8, bottom: 18 };
const BINS = 25;
const HISTOGRAM_INTERVAL_MS = 250; // histograms redraw at most four times a second while training runs
const CHART_INTERVAL_MS = 100; // the norms chart and legend at most ten times a second while it runs
/** Layer colours from the inputs (light green) to the output (deep violet), viridis-like: depth reads at
 * a glance and stays apart from the orange ↔ blue of values. */
const LAYER_COLORS = ["#a0da39", "#4ac16d", "#1fa187", "#277f8e", "#365c8d", "#46327e"];

export const layerColor = (l, count) =>
  LAYER_COLORS[count === 1 ? LAYER_COLORS.length - 1 : Math.round((l / (count - 1)) * (LAYER_COLORS.length - 1))];

export function layerName(l, count) {
  if (count === 1) return "inputs → output";
  if (l === 0) return "inputs → h¹";
  if (l === count - 1) return `h${superscript(l)} → output`;
  return `h${superscript(l)} → h${superscript(l + 1)}`;
}

export class GradientHealth {
  constructor(root, { invalidate }) {
    this.root = root;
    this.chart = root.querySelector(".gradient-health-chart");
    this.histograms = root.querySelector(".gradient-health-histograms");
    this.legend = root.querySelector(".gradient-health-legend");
    this.history = new NormHistory(400);
    this.seenState = null;
    this.drawnKey = null;
    const resized = () => {
      this.drawnKey = null;
      invalidate();
    };
    this.chartSize = watchSize(this.chart, resized);
    this.histogramsSize = watchSize(this.histograms, resized);
  }

  update(app) {
    const state = app.state;
    if (!state) return;
    if (state !== this.seenState) {
      this.seenState = state;
      if (state.grad_norms) this.history.push(state.step, state.grad_norms);
      else if (state.step === 0) this.history.clear();
    }
    const count = state.layers.length;
    const size = `${this.chartSize.width}x${this.histogramsSize.width}`;
    const key = [this.history.version, state.step, state.phase, count, size].join("|");
    if (key === this.drawnKey) return;
    const now = performance.now();
    if (app.playing && now - (this.chartAt ?? -Infinity) < CHART_INTERVAL_MS) return; // a later frame draws it
    this.chartAt = now;
    this.drawnKey = key;
    this.drawLegend(state, count);
    this.drawChart(count);
    if (!app.playing || now - (this.histogramsAt ?? -Infinity) >= HISTOGRAM_INTERVAL_MS) {
      this.histogramsAt = now;
      this.drawHistograms(state);
    }
  }

  /** The legend's items are made once per network depth; a frame only changes their numbers. */
  drawLegend(state, count) {
    const norms = state.grad_norms;
    if (this.legendItems?.length !== count) {
      this.legendItems = state.layers.map((_, l) => {
        const text = document.createTextNode("");
        return { node: el("span", { class: "gradient-health-key", "data-layer": l },
          el("i", { style: `background:${layerColor(l, count)}` }), text), text };
      });
      this.legend.replaceChildren(...this.legendItems.map((item) => item.node));
    }
    this.legendItems.forEach(({ text }, l) => {
      const value = `${layerName(l, count)} ${norms ? formatValue(norms[l], 2) : "—"}`;
      if (text.data !== value) text.data = value;
    });
  }

  drawChart(count) {
    const { context: c, width, height } = fitCanvas(this.chart, this.chartSize);
    c.clearRect(0, 0, width, height);
    const points = this.history.points;
    const range = this.history.range();
    c.font = "10.5px Roboto, Arial, sans-serif";
    c.fillStyle = "#6b7177";
    if (!range || points.length === 0) {
      c.textAlign = "center";
      c.textBaseline = "middle";
      c.fillText("Step or play: the gradient norms appear after a backward pass.", width / 2, height / 2);
      return;
    }
    const lo = 10 ** Math.floor(Math.log10(range.lo));
    const hi = 10 ** Math.ceil(Math.log10(range.hi * 1.0001));
    const first = points[0].step;
    const last = Math.max(points.at(-1).step, first + 1);
    const X = (step) => PAD.left + ((step - first) / (last - first)) * (width - PAD.left - PAD.right);
    const decades = Math.log10(hi) - Math.log10(lo);
    const Y = (v) => PAD.top + (1 - (Math.log10(v) - Math.log10(lo)) / decades) * (height - PAD.top - PAD.bottom);
    c.strokeStyle = "#eceef0";
    c.lineWidth = 1;
    c.textAlign = "right";
    c.textBaseline = "middle";
    const ticks = decadeTicks(lo, hi);
    const every = Math.ceil(ticks.length / 5);
    ticks.forEach((tick, k) => {
      c.beginPath();
      c.moveTo(PAD.left, Y(tick));
      c.lineTo(width - PAD.right, Y(tick));
      c.stroke();
      if (k % every === 0 || k === ticks.length - 1) c.fillText(formatDecade(tick), PAD.left - 4, Y(tick));
    });
    c.textAlign = "left";
    c.textBaseline = "top";
    c.fillText(`step ${first}`, PAD.left, height - PAD.bottom + 4);
    c.textAlign = "right";
    c.fillText(`step ${points.at(-1).step}`, width - PAD.right, height - PAD.bottom + 4);
    for (let l = 0; l < count; l++) {
      c.strokeStyle = layerColor(l, count);
      c.lineWidth = 1.75;
      c.beginPath();
      let drawing = false;
      for (const { step, norms } of points) {
        const v = norms[l];
        if (!(v > 0) || !Number.isFinite(v)) {
          drawing = false;
          continue;
        }
        if (drawing) c.lineTo(X(step), Y(v));
        else c.moveTo(X(step), Y(v));
        drawing = true;
      }
      if (points.length === 1) c.arc(X(points[0].step), Y(points[0].norms[l]), 2, 0, 2 * Math.PI);
      c.stroke();
    }
  }

  /** One row per layer, made once per network depth; each redraw paints the same canvases again. */
  drawHistograms(state) {
    const layers = state.layers;
    const count = layers.length;
    const weights = layers.map((l) => flatten(l.weights));
    const grads = layers.map((l) => (l.grad_weights ? flatten(l.grad_weights) : []));
    const weightLimit = niceLimit(weights.flat());
    const gradLimit = niceLimit(grads.flat());
    if (this.rows?.length !== count) this.buildHistograms(count);
    setText(this.heads.weights, `weights, ±${formatValue(weightLimit, 2)}`);
    setText(this.heads.gradients, `gradients, ±${gradLimit ? formatValue(gradLimit, 2) : "—"}`);
    this.rows.forEach((row, l) => {
      paintHistogram(row.weights, histogram(weights[l], weightLimit, BINS), layerColor(l, count));
      row.gradients.hidden = !grads[l].length;
      row.empty.hidden = Boolean(grads[l].length);
      if (grads[l].length) paintHistogram(row.gradients, histogram(grads[l], gradLimit, BINS), layerColor(l, count));
    });
  }

  buildHistograms(count) {
    const canvas = () => el("canvas", { class: "gradient-health-histogram", width: 2 * BINS * 4, height: 56 });
    this.heads = { weights: el("span", {}), gradients: el("span", {}) };
    this.rows = Array.from({ length: count }, (_, l) => ({
      label: el("span", { class: "gradient-health-row-label" }, layerName(l, count)),
      weights: canvas(), gradients: canvas(), empty: el("span", { class: "gradient-health-empty" }, "after backward"),
    }));
    this.histograms.replaceChildren(
      el("div", { class: "gradient-health-row is-head" }, el("span", {}, ""), this.heads.weights, this.heads.gradients),
      ...this.rows.map((row) => el("div", { class: "gradient-health-row" }, row.label, row.weights, row.gradients,
        row.empty)));
  }
}

function paintHistogram(canvas, counts, color) {
  const c = canvas.getContext("2d");
  c.clearRect(0, 0, canvas.width, canvas.height);
  const max = Math.max(...counts, 1);
  const bar = canvas.width / counts.length;
  c.fillStyle = "#f3f4f5";
  c.fillRect(canvas.width / 2 - 0.5, 0, 1, canvas.height);
  c.fillStyle = color;
  counts.forEach((n, k) => {
    const h = (n / max) * (canvas.height - 2);
    c.fillRect(k * bar + 1, canvas.height - h, bar - 2, h);
  });
}
