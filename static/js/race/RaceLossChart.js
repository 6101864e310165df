/**
 * Every variant's training loss on one chart, steps along x, the loss (log scale when it spans more
 * than a decade) along y; a diverged variant's curve ends where it left the chart.
 */
import { fitCanvas, watchSize } from "../draw.js";
import { formatLoss } from "../format.js";
import { VARIANT_COLORS } from "./variants.js";

const MAX_POINTS = 2000; // per curve: beyond this every second point goes

export class RaceLossChart {
  constructor(canvas) {
    this.canvas = canvas;
    this.curves = [];
    this.size = watchSize(canvas, () => this.draw()); // redrawn when the canvas changes size
  }

  clear(count) {
    this.curves = Array.from({ length: count }, () => []);
  }

  /** Add variant `k`'s train loss after `step` steps (a step that went back restarts its curve). */
  push(k, step, loss) {
    const curve = this.curves[k];
    if (!curve) return;
    const last = curve[curve.length - 1];
    if (last && step < last[0]) curve.length = 0;
    if (last && step === last[0]) curve.pop();
    curve.push([step, Number.isFinite(loss) ? loss : null]);
    if (curve.length > MAX_POINTS) this.curves[k] = curve.filter((_, i) => i % 2 === 0 || i === curve.length - 1);
  }

  draw() {
    const { context, width, height } = fitCanvas(this.canvas, this.size);
    context.clearRect(0, 0, width, height);
    const points = this.curves.flat().filter(([, loss]) => loss != null && loss > 0);
    if (!points.length) return;
    const maxStep = Math.max(1, ...points.map(([step]) => step));
    const losses = points.map(([, loss]) => loss);
    const [lo, hi] = [Math.min(...losses), Math.max(...losses)];
    const log = hi / lo > 10;
    const f = log ? Math.log10 : (v) => v;
    const [a, b] = log ? [f(lo), f(hi)] : [Math.max(0, lo - 0.05 * (hi - lo)), hi];
    const left = 46;
    const bottom = height - 18;
    const x = (step) => left + (step / maxStep) * (width - left - 8);
    const y = (loss) => 6 + (1 - (f(loss) - a) / Math.max(b - a, 1e-12)) * (bottom - 6);
    context.strokeStyle = "#c9ced2";
    context.lineWidth = 1;
    context.strokeRect(left, 6, width - left - 8, bottom - 6);
    context.fillStyle = "#5f656a";
    context.font = "11px sans-serif";
    context.textAlign = "right";
    context.fillText(formatLoss(hi), left - 4, 14);
    context.fillText(formatLoss(log ? lo : a), left - 4, bottom);
    context.textAlign = "center";
    context.fillText(`step ${maxStep}`, width - 40, height - 4);
    context.fillText(log ? "train loss (log scale)" : "train loss", left + 70, height - 4);
    this.curves.forEach((curve, k) => {
      context.strokeStyle = VARIANT_COLORS[k % VARIANT_COLORS.length];
      context.lineWidth = 2;
      context.beginPath();
      let open = false;
      for (const [step, loss] of curve) {
        if (loss == null || loss <= 0) {
          open = false;
          continue;
        }
        const [px, py] = [x(step), y(loss)];
        if (open) context.lineTo(px, py);
        else context.moveTo(px, py);
        open = true;
      }
      context.stroke();
    });
  }
}
