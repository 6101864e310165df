/**
 * Choosing a point: a layer over the output plot that rings the current batch's points while an
 * iteration is being stepped through, marks the chosen point, and chooses the nearest training point
 * on a click (SELECT_SAMPLE). The plot itself stays OutputView's.
 */
import { svgEl } from "../dom.js";
import { EVENTS } from "../events.js";

const PICK_RADIUS = 14; // CSS pixels from a point that still choose it

/** The training point nearest to (x, y) in data units within `radius` data units, or null. */
export function nearestPoint(points, x, y, radius) {
  let best = null;
  let bestDistance = radius * radius;
  points.forEach(([px, py], index) => {
    const d = (px - x) ** 2 + (py - y) ** 2;
    if (d <= bestDistance) {
      best = index;
      bestDistance = d;
    }
  });
  return best;
}

export class SamplePicker {
  constructor(plot, bus) {
    this.plot = plot;
    this.svg = svgEl("svg", { class: "sample-picker", viewBox: "0 0 100 100", preserveAspectRatio: "none" });
    const title = svgEl("title");
    title.textContent = "Click a training point to follow its numbers through the network. " +
      "Dashed rings: the points of the current batch.";
    this.svg.append(title);
    this.batchGroup = svgEl("g", { class: "sample-picker-batch" });
    this.chosen = svgEl("circle", { class: "sample-picker-chosen", r: 2.6 });
    this.chosenLabel = svgEl("text", { class: "sample-picker-label" });
    this.svg.append(this.batchGroup, this.chosen, this.chosenLabel);
    plot.append(this.svg);
    this.app = null;
    this.svg.addEventListener("click", (event) => this.pick(event, bus));
    this.drawn = null;
  }

  toPlot([x, y]) {
    const extent = this.app?.heatmaps?.extent ?? 6;
    return [((x + extent) / (2 * extent)) * 100, ((extent - y) / (2 * extent)) * 100];
  }

  pick(event, bus) {
    const points = this.app?.data?.train?.x;
    if (!points) return;
    const box = this.svg.getBoundingClientRect();
    const extent = this.app.heatmaps?.extent ?? 6;
    const x = ((event.clientX - box.left) / box.width) * 2 * extent - extent;
    const y = extent - ((event.clientY - box.top) / box.height) * 2 * extent;
    const index = nearestPoint(points, x, y, (PICK_RADIUS / box.width) * 2 * extent);
    if (index != null) bus.emit(EVENTS.SELECT_SAMPLE, { index });
  }

  update(app) {
    this.app = app;
    const points = app.data?.train?.x;
    const backprop = app.backprop;
    const fast = app.playing && app.speed?.unit !== "phase";
    const batch = fast ? null : backprop.lastBatch;
    const chosen = backprop.sample;
    const inputs = [points, batch, chosen, app.heatmaps?.extent];
    if (this.drawn && inputs.every((v, k) => v === this.drawn[k])) return;
    this.drawn = inputs;
    this.batchGroup.replaceChildren(...(batch && points ? batch.filter((i) => points[i]).map((i) => {
      const [cx, cy] = this.toPlot(points[i]);
      return svgEl("circle", { class: "sample-picker-ring", cx, cy, r: 2.2, "data-sample": i });
    }) : []));
    const show = chosen != null && points?.[chosen];
    this.chosen.style.display = show ? "" : "none";
    this.chosenLabel.style.display = show ? "" : "none";
    if (show) {
      const [cx, cy] = this.toPlot(points[chosen]);
      this.chosen.setAttribute("cx", cx);
      this.chosen.setAttribute("cy", cy);
      this.chosen.dataset.sample = String(chosen);
      const right = cx < 80; // the label on the side with room
      this.chosenLabel.setAttribute("x", right ? cx + 3.5 : cx - 3.5);
      this.chosenLabel.setAttribute("y", cy - 3);
      this.chosenLabel.setAttribute("text-anchor", right ? "start" : "end");
      this.chosenLabel.textContent = `#${chosen}`;
    }
  }
}
