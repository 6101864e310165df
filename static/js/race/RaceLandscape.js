/**
 * The race's landscape: the loss over one plane through the shared start (light = low), its contours,
 * and each variant's path on it from the start (the ring) to where it is now (the dot).
 */
import { fitCanvas, watchSize } from "../draw.js";
import { contourLevels, contours, lossColorScale } from "../backprop/landscape.js";
import { VARIANT_COLORS } from "./variants.js";

export class RaceLandscape {
  constructor(canvas, caption) {
    this.canvas = canvas;
    this.caption = caption;
    this.plane = null;
    this.size = watchSize(canvas, () => this.draw()); // redrawn when the canvas changes size
  }

  show(plane) {
    this.plane = plane;
    this.draw();
  }

  draw() {
    const { plane } = this;
    const { context, width, height } = fitCanvas(this.canvas, this.size);
    context.clearRect(0, 0, width, height);
    if (!plane) return;
    const n = plane.loss.length;
    const scale = lossColorScale(plane.loss);
    const image = new ImageData(n, n);
    plane.loss.forEach((row, r) => row.forEach((v, c) => {
      const [red, green, blue] = scale.color(v);
      image.data.set([red, green, blue, 255], ((n - 1 - r) * n + c) * 4); // β grows upwards
    }));
    const cells = document.createElement("canvas");
    cells.width = cells.height = n;
    cells.getContext("2d").putImageData(image, 0, 0);
    const side = Math.min(width, height);
    context.imageSmoothingEnabled = true;
    context.drawImage(cells, 0, 0, side, side);
    const cell = side / (n - 1);
    context.strokeStyle = "rgba(255,255,255,0.55)";
    context.lineWidth = 1;
    for (const level of contours(plane.loss, contourLevels(scale, 7))) {
      for (const [x0, y0, x1, y1] of level) {
        context.beginPath();
        context.moveTo(x0 * cell, side - y0 * cell);
        context.lineTo(x1 * cell, side - y1 * cell);
        context.stroke();
      }
    }
    const toPixel = ([alpha, beta]) => [(alpha / plane.span + 1) * side / 2, (1 - beta / plane.span) * side / 2];
    plane.paths.forEach((path, k) => {
      if (!path.length) return;
      context.strokeStyle = context.fillStyle = VARIANT_COLORS[k % VARIANT_COLORS.length];
      context.lineWidth = 2;
      context.beginPath();
      path.forEach((point, i) => (i ? context.lineTo(...toPixel(point)) : context.moveTo(...toPixel(point))));
      context.stroke();
      const [ex, ey] = toPixel(path[path.length - 1]);
      context.beginPath();
      context.arc(ex, ey, 4, 0, 2 * Math.PI);
      context.fill();
    });
    const [sx, sy] = toPixel([0, 0]);
    context.strokeStyle = "#000";
    context.lineWidth = 2;
    context.beginPath();
    context.arc(sx, sy, 6, 0, 2 * Math.PI);
    context.stroke();
    this.caption.textContent = `A plane through the shared start (ring), spanned by the two directions the ` +
      `variants moved most; ±${plane.span.toPrecision(2)} in parameter units. Light is low loss` +
      `${scale.log ? " (log scale)" : ""}.`;
  }
}
