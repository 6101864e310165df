/**
 * The output column's plot and numbers: the network's prediction over the plane (or, while a neuron
 * is hovered, that neuron's map) with the train and test points; train/test loss and accuracy; the
 * Show test data and Discretize toggles.
 */
import { cssRgb, colorOf, labelColor } from "./colors.js";
import { decodeMap, paintClassMaps, paintMap } from "./draw.js";
import { el, setText } from "./dom.js";
import { EVENTS } from "./events.js";
import { featureMapBytes } from "./featureMaps.js";
import { formatLoss, formatPercent } from "./format.js";

const POINT_RADIUS = 4.5; // in canvas pixels (the canvas is 400 wide, shown at about 300 CSS px)

export class OutputView {
  constructor(root, bus, registries) {
    this.root = root;
    this.registries = registries;
    this.canvas = root.querySelector("#output-heatmap");
    this.caption = root.querySelector("#output-caption");
    this.offscreen = el("canvas", { width: 1, height: 1 });
    this.metrics = {
      lossTrain: root.querySelector("#loss-train"),
      lossTest: root.querySelector("#loss-test"),
      accuracyTrain: root.querySelector("#accuracy-train"),
      accuracyTest: root.querySelector("#accuracy-test"),
    };
    this.accuracyRows = [...root.querySelectorAll(".metric-accuracy")];
    this.classLegend = root.querySelector("#class-legend");
    this.toggles = [...root.querySelectorAll("input[data-view]")];
    for (const toggle of this.toggles) {
      toggle.addEventListener("change", () =>
        bus.emit(EVENTS.CONFIGURE, { view: { [toggle.dataset.view]: toggle.checked } }));
    }
    this.drawn = {};
  }

  numClasses(config) {
    return this.registries.datasets.find((d) => d.name === config?.dataset)?.num_classes ?? 2;
  }

  update(app) {
    const { state, view } = app;
    for (const toggle of this.toggles) toggle.checked = Boolean(view[toggle.dataset.view]);
    const diverged = state?.status === "diverged";
    // a diverged run still shows its loss while it is a number: how far it went is the lesson
    const lossText = (value) => (diverged && (value == null || !Number.isFinite(value)) ? "diverged" : formatLoss(value));
    setText(this.metrics.lossTrain, lossText(state?.loss?.train));
    setText(this.metrics.lossTest, lossText(state?.loss?.test));
    const accuracy = state?.accuracy;
    for (const row of this.accuracyRows) row.hidden = !accuracy;
    setText(this.metrics.accuracyTrain, formatPercent(accuracy?.train));
    setText(this.metrics.accuracyTest, formatPercent(accuracy?.test));
    this.root.classList.toggle("is-diverged", diverged);
    this.updateClassLegend(this.numClasses(app.config));

    const inputs = [app.heatmaps, app.data, view.show_test_data, view.discretize, app.hover, diverged, app.config];
    if (inputs.every((value, k) => value === this.drawn.inputs?.[k])) return;
    this.drawn.inputs = inputs;
    this.draw(app, diverged);
  }

  /** With more than two classes, a swatch per class (the −1…1 bar still reads the neuron maps). */
  updateClassLegend(numClasses) {
    if (!this.classLegend || this.classLegend.dataset.classes === String(numClasses)) return;
    this.classLegend.dataset.classes = String(numClasses);
    this.classLegend.hidden = numClasses <= 2;
    this.classLegend.replaceChildren(...Array.from({ length: numClasses > 2 ? numClasses : 0 }, (_, k) =>
      el("span", { class: "class-legend-item" },
        el("span", { class: "class-legend-swatch", style: `background: ${cssRgb(labelColor(k, numClasses))}` }),
        `class ${k}`)));
  }

  /** Paint the map the plot shows into the offscreen canvas; returns its caption. */
  paintBackground(app) {
    const { heatmaps, hover, view } = app;
    const discretize = Boolean(view.discretize);
    if (hover?.feature) {
      paintMap(this.offscreen, featureMapBytes(hover.feature, 100));
      const label = this.registries.features.find((f) => f.name === hover.feature)?.label ?? hover.feature;
      return `Input ${label}`;
    }
    if (hover && heatmaps?.neurons?.[hover.layer]?.[hover.index]) {
      paintMap(this.offscreen, decodeMap(heatmaps.neurons[hover.layer][hover.index]));
      return `Neuron ${hover.index + 1} of hidden layer ${hover.layer}`;
    }
    if (heatmaps?.classes) {
      paintClassMaps(this.offscreen, heatmaps.classes.map(decodeMap), discretize);
      return "";
    }
    if (heatmaps?.output) {
      paintMap(this.offscreen, decodeMap(heatmaps.output), discretize);
      return "";
    }
    return null;
  }

  draw(app, diverged) {
    const context = this.canvas.getContext("2d");
    const { width, height } = this.canvas;
    const caption = this.paintBackground(app);
    if (caption === null) {
      context.fillStyle = "#f3f4f5";
      context.fillRect(0, 0, width, height);
    } else {
      context.imageSmoothingEnabled = true;
      context.drawImage(this.offscreen, 0, 0, width, height);
    }
    setText(this.caption, caption ?? "");
    this.caption.hidden = !caption;
    if (diverged) {
      context.fillStyle = "rgba(255,255,255,0.75)";
      context.fillRect(0, 0, width, height);
    }
    const extent = app.heatmaps?.extent ?? 6;
    const regression = app.config?.problem === "regression";
    const numClasses = this.numClasses(app.config);
    const drawPoints = (set, stroke) => {
      if (!set?.x) return;
      context.lineWidth = 1;
      context.strokeStyle = stroke;
      for (let p = 0; p < set.x.length; p++) {
        const [x, y] = set.x[p];
        const label = set.y[p];
        const color = regression ? colorOf(label) : labelColor(label, numClasses);
        context.fillStyle = cssRgb(color);
        context.beginPath();
        context.arc(((x + extent) / (2 * extent)) * width, ((extent - y) / (2 * extent)) * height, POINT_RADIUS, 0, 2 * Math.PI);
        context.fill();
        context.stroke();
      }
    };
    drawPoints(app.data?.train, "#ffffff");
    if (app.view.show_test_data) drawPoints(app.data?.test, "#000000");
  }
}
