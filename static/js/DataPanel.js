/**
 * The data column: a thumbnail per data set of the chosen problem type, the train/test ratio, noise,
 * batch size and Regenerate.
 */
import { colorOf, cssRgb, labelColor, ZERO } from "./colors.js";
import { patchForDataset } from "./configRules.js";
import { datasetDescription, datasetLabel, sketchOf } from "./datasetIcons.js";
import { setText, trackDragging } from "./dom.js";
import { EVENTS } from "./events.js";

const SLIDERS = [
  { id: "train-percent", field: "train_percent", format: (v) => `${v}%` },
  { id: "noise", field: "noise", format: (v) => String(v) },
  { id: "batch-size", field: "batch_size", format: (v) => String(v) },
];

function drawSketch(canvas, sketch, numClasses) {
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  context.fillStyle = cssRgb(ZERO);
  context.fillRect(0, 0, width, height);
  if (!sketch) return;
  const scale = width / 12;
  for (const [x, y, value] of sketch.points) {
    const color = sketch.kind === "values" ? colorOf(value) : labelColor(value, numClasses);
    context.fillStyle = cssRgb(color);
    context.beginPath();
    context.arc((x + 6) * scale, (6 - y) * scale, 1.8, 0, 2 * Math.PI);
    context.fill();
  }
}

export class DataPanel {
  constructor(root, bus, registries) {
    this.root = root;
    this.bus = bus;
    this.thumbs = [...root.querySelectorAll(".dataset-thumb")];
    for (const thumb of this.thumbs) {
      const name = thumb.dataset.dataset;
      const info = registries.datasets.find((d) => d.name === name);
      const label = datasetLabel(name);
      thumb.title = `${datasetDescription(name)} Click to train on it.`;
      setText(thumb.querySelector(".dataset-name"), label);
      drawSketch(thumb.querySelector("canvas"), sketchOf(name), info?.num_classes ?? 2);
      thumb.addEventListener("click", () => {
        bus.emit(EVENTS.CONFIGURE, { config: patchForDataset(name, registries.datasets) });
      });
    }
    this.sliders = SLIDERS.map((spec) => {
      const input = root.querySelector(`#${spec.id}`);
      const output = root.querySelector(`#${spec.id}-value`);
      trackDragging(input);
      input.addEventListener("input", () => setText(output, spec.format(input.value)));
      input.addEventListener("change", () => bus.emit(EVENTS.CONFIGURE, { config: { [spec.field]: Number(input.value) } }));
      return { ...spec, input, output };
    });
    root.querySelector("#regenerate").addEventListener("click", () => bus.emit(EVENTS.REGENERATE));
  }

  update(app) {
    const config = app.config;
    if (!config) return;
    for (const thumb of this.thumbs) {
      thumb.hidden = thumb.dataset.problem !== config.problem;
      const selected = thumb.dataset.dataset === config.dataset;
      thumb.classList.toggle("is-selected", selected);
      thumb.setAttribute("aria-pressed", String(selected));
    }
    for (const { input, output, field, format } of this.sliders) {
      const value = config[field];
      if (value == null || input.dataset.dragging === "true") continue;
      if (Number(input.max) < value) input.max = String(value);
      if (input.value !== String(value)) input.value = String(value);
      setText(output, format(value));
    }
  }
}
