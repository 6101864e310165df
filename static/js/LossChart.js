/**
 * The loss curve of training (grey) and test (black) loss over steps, with hover values.
 * Draws from the bounded LossHistory: the cost of a repaint does not grow with the run's length.
 */
import { fitCanvas, watchSize } from "./draw.js";
import { setText } from "./dom.js";
import { formatCount, formatLoss } from "./format.js";

const COLORS = { train: "#8a8a8a", test: "#111111" };
const BANDS = { train: "rgba(138,138,138,0.25)", test: "rgba(17,17,17,0.18)" };
const PAD = { top: 4, bottom: 4, left: 2, right: 2 };

export class LossChart {
  constructor(root, { invalidate }) {
    this.root = root;
    this.canvas = root.querySelector("canvas");
    this.readout = root.querySelector(".loss-chart-readout");
    this.history = null;
    this.pointerX = null;
    this.drawnKey = null;
    this.invalidate = invalidate;
    this.canvas.addEventListener("mousemove", (event) => {
      this.pointerX = event.offsetX;
      invalidate();
    });
    this.canvas.addEventListener("mouseleave", () => {
      this.pointerX = null;
      invalidate();
    });
    this.size = watchSize(this.canvas, () => {
      this.drawnKey = null;
      invalidate();
    });
  }

  update(app) {
    const history = app.history;
    const key = `${history.version}|${this.pointerX}|${this.size.width}x${this.size.height}`;
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    this.draw(history);
  }

  draw(history) {
    const { context, width, height } = fitCanvas(this.canvas, this.size);
    context.clearRect(0, 0, width, height);
    const extent = history.extent();
    this.root.classList.toggle("has-curve", Boolean(extent) && history.size > 1);
    if (!extent || extent.max <= 0) {
      setText(this.readout, "");
      return;
    }
    const span = Math.max(1, extent.lastStep - extent.firstStep);
    const innerWidth = width - PAD.left - PAD.right;
    const innerHeight = height - PAD.top - PAD.bottom;
    const xOf = (step) => PAD.left + ((step - extent.firstStep) / span) * innerWidth;
    const yOf = (loss) => PAD.top + innerHeight - (loss / extent.max) * innerHeight;
    const buckets = history.buckets;

    for (const name of ["train", "test"]) {
      // the spread inside each bucket (min..max), then the line through each bucket's last value
      context.fillStyle = BANDS[name];
      for (const bucket of buckets) {
        const series = bucket[name];
        if (series.last == null || series.max - series.min <= 0) continue;
        const x0 = xOf(bucket.firstStep);
        const x1 = Math.max(x0 + 1, xOf(bucket.lastStep));
        context.fillRect(x0, yOf(series.max), x1 - x0, yOf(series.min) - yOf(series.max));
      }
      context.strokeStyle = COLORS[name];
      context.lineWidth = 1.5;
      context.beginPath();
      let drawing = false;
      for (const bucket of buckets) {
        const value = bucket[name].last;
        if (value == null) {
          drawing = false;
          continue;
        }
        const x = xOf(bucket.lastStep);
        const y = yOf(value);
        if (drawing) context.lineTo(x, y);
        else context.moveTo(x, y);
        drawing = true;
      }
      context.stroke();
    }
    this.drawHover(history, extent, xOf, yOf, height);
  }

  drawHover(history, extent, xOf, yOf, height) {
    if (this.pointerX == null) {
      setText(this.readout, "");
      this.readout.hidden = true;
      return;
    }
    const innerWidth = this.size.width - PAD.left - PAD.right;
    const fraction = Math.min(1, Math.max(0, (this.pointerX - PAD.left) / innerWidth));
    const step = extent.firstStep + fraction * (extent.lastStep - extent.firstStep);
    const bucket = history.nearest(step);
    if (!bucket) return;
    const context = this.canvas.getContext("2d");
    const x = xOf(bucket.lastStep);
    context.strokeStyle = "rgba(0,0,0,0.35)";
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(x, 0);
    context.lineTo(x, height);
    context.stroke();
    for (const name of ["train", "test"]) {
      const value = bucket[name].last;
      if (value == null) continue;
      context.fillStyle = COLORS[name];
      context.beginPath();
      context.arc(x, yOf(value), 3, 0, 2 * Math.PI);
      context.fill();
    }
    const steps = bucket.firstStep === bucket.lastStep
      ? `step ${formatCount(bucket.lastStep)}`
      : `steps ${formatCount(bucket.firstStep)}–${formatCount(bucket.lastStep)}`;
    setText(this.readout, `${steps} · train ${formatLoss(bucket.train.last)} · test ${formatLoss(bucket.test.last)}`);
    this.readout.hidden = false;
  }
}
