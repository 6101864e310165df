/**
 * The links of a many-neuron network (past NetworkView's DENSE_LINKS) drawn on one canvas instead of
 * thousands of SVG paths: a frame then costs no style or layout work for the links, only one pass of
 * strokes. Links of the same look share one stroke: colours are taken in 1/32 steps of the value and
 * widths in half pixels, finer than the eye tells apart on a dense mesh. The SVG keeps one invisible hit
 * path per link, built once, for hover and click.
 */
import { cssColor } from "./colors.js";

export class DenseLinks {
  constructor(canvas) {
    this.canvas = canvas;
    this.links = [];
    this.dirty = false;
  }

  /** New geometry: `links` are NetworkView's link records, each with its `ends` {x0, y0, mid, x1, y1}. */
  build(links, width, height) {
    this.links = links;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.max(1, Math.round(width * ratio));
    this.canvas.height = Math.max(1, Math.round(height * ratio));
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    this.ratio = ratio;
    this.canvas.hidden = false;
    this.invalidate();
  }

  clear() {
    this.links = [];
    this.canvas.hidden = true;
  }

  /** The look of one link; the canvas is drawn once, after every link of this render has its look. */
  style(link, value, width) {
    const stroke = cssColor(Math.round(value * 32) / 32);
    const half = (Math.round(width * 2) / 2).toFixed(1);
    if (link.stroke === stroke && link.width === half) return;
    link.stroke = stroke;
    link.width = half;
    this.invalidate();
  }

  invalidate() {
    if (this.dirty) return;
    this.dirty = true;
    queueMicrotask(() => this.draw()); // after the render's views, before the browser paints
  }

  draw() {
    this.dirty = false;
    const groups = new Map();
    for (const link of this.links) {
      const key = `${link.stroke}|${link.width}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push(link.ends);
    }
    const context = this.canvas.getContext("2d");
    context.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    context.clearRect(0, 0, this.canvas.width, this.canvas.height);
    for (const [key, ends] of groups) {
      const [stroke, width] = key.split("|");
      context.strokeStyle = stroke;
      context.lineWidth = Number(width);
      context.beginPath();
      for (const { x0, y0, mid, x1, y1 } of ends) {
        context.moveTo(x0, y0);
        context.bezierCurveTo(mid, y0, mid, y1, x1, y1);
      }
      context.stroke();
    }
  }
}
