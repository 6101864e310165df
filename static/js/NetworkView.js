/**
 * The network diagram: input features, hidden layers and the output, with links drawn by weight
 * (colour = sign, width = magnitude), biases as small squares, and each neuron's live heatmap.
 *
 * Links are SVG paths (networkLinks.js) under a layer of positioned nodes (each a small canvas), as in TFP.
 * The structure is rebuilt only when the shape changes; a frame only recolours links and repaints thumbnails.
 */
import { isHidden } from "./ControlVisibility.js";
import { decodeMap, paintClassProbability, paintMap } from "./draw.js";
import { el, pressable, setText } from "./dom.js";
import { EVENTS } from "./events.js";
import { featureMapBytes } from "./featureMaps.js";
import { layoutNetwork, layoutScale } from "./networkLayout.js";
import { NetworkLinks } from "./networkLinks.js";

const FEATURE_MAP_SIZE = 24;

function neuronTitle(layer, index, count) {
  return (
    `Neuron ${index + 1} of ${count} in hidden layer ${layer}. ` +
    "Its picture: this neuron's output for every input point (X₁, X₂) of the plane — blue positive, " +
    "orange negative. Hover to see it large in the output; click for its chain rule."
  );
}

export class NetworkView {
  constructor(root, bus, { registries, limits, card, invalidate }) {
    this.root = root;
    this.bus = bus;
    this.registries = registries;
    this.limits = limits; // the server's: max_layers hidden layers of at most max_width neurons
    this.card = card;
    this.diagram = root.querySelector(".network-diagram");
    this.svg = root.querySelector(".network-links");
    this.linkView = new NetworkLinks(this.svg, (node, target) => this.bindParameter(node, target));
    this.nodesLayer = root.querySelector(".network-nodes");
    this.layerCount = root.querySelector("#layer-count");
    this.layerUnit = root.querySelector("#layer-count-unit");
    this.addLayerButton = root.querySelector("#add-layer");
    this.removeLayerButton = root.querySelector("#remove-layer");
    this.config = null;
    this.shapeKey = null;
    this.width = Math.round(this.diagram.clientWidth);
    new ResizeObserver(([entry]) => {
      const width = Math.round(entry.contentRect.width);
      if (width !== this.width) {
        this.width = width;
        invalidate();
      }
    }).observe(this.diagram);
    this.addLayerButton.addEventListener("click", () => this.changeLayers(+1));
    this.removeLayerButton.addEventListener("click", () => this.changeLayers(-1));
  }

  // --- actions ---------------------------------------------------------------------------------

  setHidden(hidden) {
    this.bus.emit(EVENTS.CONFIGURE, { config: { hidden_layers: hidden } });
  }

  changeLayers(delta) {
    const hidden = [...(this.config?.hidden_layers ?? [])];
    if (delta > 0 && hidden.length < this.limits.max_layers) hidden.push(2);
    else if (delta < 0 && hidden.length > 0) hidden.pop();
    else return;
    this.setHidden(hidden);
  }

  changeNeurons(layer, delta) {
    const hidden = [...this.config.hidden_layers];
    const width = hidden[layer] + delta;
    if (width < 1 || width > this.limits.max_width) return;
    hidden[layer] = width;
    this.setHidden(hidden);
  }

  toggleFeature(name) {
    const features = this.config.features;
    const next = features.includes(name) ? features.filter((f) => f !== name) : [...features, name];
    if (next.length === 0) return; // the server needs at least one input
    const order = this.registries.features.map((f) => f.name);
    next.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    this.bus.emit(EVENTS.CONFIGURE, { config: { features: next } });
  }

  hover(neuron) {
    this.bus.emit(EVENTS.HOVER, { neuron });
  }

  /** Open the inspector on a weight, a bias ({layer, kind, i, j} as the hover card has it) or a neuron. */
  inspect({ kind, layer, i, j }) {
    this.bus.emit(EVENTS.INSPECT, { target: kind === "weight" ? { kind, layer, i, j } : { kind, layer, j } });
  }

  // --- structure -------------------------------------------------------------------------------

  build(app, outputCount) {
    const config = app.config;
    // A feature a link hides (TFP's `x_hide=true`) is no input of the network (the server drops it), and
    // has no node either — unless the server kept it as the only input there is.
    const allFeatures = this.registries.features.filter(
      (f) => !isHidden(app.view, f.name) || config.features.includes(f.name));
    const hidden = config.hidden_layers;
    const width = this.width || 600;
    const scale = layoutScale(width, window.innerHeight);
    const layout = layoutNetwork({ features: allFeatures.length, hidden: [...hidden] }, width, scale);
    const size = layout.nodeSize;
    this.diagram.style.height = `${layout.height}px`;
    this.nodesLayer.replaceChildren();
    this.neuronCanvases = []; // per hidden layer, per neuron
    this.outputCanvases = [];

    const [featureColumn, ...rest] = layout.columns;
    const outputColumn = rest.pop();
    const hiddenColumns = rest;
    outputColumn.ys = Array.from({ length: outputCount }, (_, k) =>
      outputColumn.ys[0] + (k - (outputCount - 1) / 2) * (size + 10));

    // Positions of the nodes that links join: active features, hidden neurons, outputs.
    const active = allFeatures.filter((f) => config.features.includes(f.name));
    const featureAt = (name) => featureColumn.ys[allFeatures.findIndex((f) => f.name === name)];
    const columns = [
      active.map((f) => ({ x: featureColumn.x, y: featureAt(f.name) })),
      ...hiddenColumns.map((c) => c.ys.map((y) => ({ x: c.x, y }))),
      outputColumn.ys.map((y) => ({ x: outputColumn.x, y })),
    ];

    this.linkView.build(columns, size, layout);
    this.buildFeatureNodes(allFeatures, config.features, featureColumn, size);
    this.buildHiddenNodes(hiddenColumns, size);
    this.buildOutputNodes(outputColumn, size, outputCount);
    this.buildHeaders(featureColumn, hiddenColumns, outputColumn, size, isHidden(app.view, "numNeurons"));

    const count = hidden.length;
    setText(this.layerCount, String(count));
    setText(this.layerUnit, count === 1 ? "hidden layer" : "hidden layers");
    this.addLayerButton.disabled = count >= this.limits.max_layers;
    this.removeLayerButton.disabled = count === 0;
    this.drawnState = null;
    this.drawnHeatmaps = null;
  }

  bindParameter(node, target) {
    node.addEventListener("mouseenter", (event) => {
      node.classList.add("is-hovered");
      this.card.show(target, event);
    });
    node.addEventListener("mouseleave", () => {
      node.classList.remove("is-hovered");
      this.card.hide();
    });
    node.addEventListener("click", () => this.inspect(target)); // the inspector's value field edits it
  }

  placeNode(node, x, y, size) {
    node.style.left = `${x}px`;
    node.style.top = `${y}px`;
    node.style.width = `${size}px`;
    node.style.height = `${size}px`;
  }

  buildFeatureNodes(allFeatures, activeNames, column, size) {
    let activeIndex = 0;
    allFeatures.forEach((feature, k) => {
      const on = activeNames.includes(feature.name);
      const index = on ? activeIndex++ : -1;
      const canvas = el("canvas");
      paintMap(canvas, featureMapBytes(feature.name, FEATURE_MAP_SIZE));
      const node = el("button", {
        type: "button", class: `node node-feature${on ? " is-on" : ""}`, "data-feature": feature.name,
        "data-control": feature.name,
        "aria-pressed": String(on),
        title: `${feature.label}: ${on ? "an input of the network" : "not used"}. Click to ${on ? "remove" : "add"} it.`,
      }, canvas, el("span", { class: "node-label" }, feature.label));
      this.placeNode(node, column.x, column.ys[k], size);
      node.addEventListener("click", () => this.toggleFeature(feature.name));
      node.addEventListener("mouseenter", () => this.hover({ layer: 0, index, feature: feature.name }));
      node.addEventListener("mouseleave", () => this.hover(null));
      this.nodesLayer.append(node);
    });
  }

  buildHiddenNodes(hiddenColumns, size) {
    hiddenColumns.forEach((column, l) => {
      const canvases = column.ys.map((y, j) => {
        const canvas = el("canvas", { width: 1, height: 1 });
        const node = el("div", {
          class: "node node-neuron", "data-layer": l + 1, "data-index": j,
          title: neuronTitle(l + 1, j, column.ys.length),
        }, canvas);
        this.placeNode(node, column.x, y, size);
        pressable(node, `Neuron ${j + 1} of hidden layer ${l + 1}: inspect its chain rule`);
        node.addEventListener("mouseenter", () => this.hover({ layer: l + 1, index: j }));
        node.addEventListener("click", () => this.inspect({ kind: "neuron", layer: l + 1, j }));
        node.addEventListener("mouseleave", () => this.hover(null));
        this.nodesLayer.append(node);
        return canvas;
      });
      this.neuronCanvases.push(canvases);
    });
  }

  buildOutputNodes(column, size, count) {
    column.ys.forEach((y, k) => {
      const canvas = el("canvas", { width: 1, height: 1 });
      const node = el("div", {
        class: "node node-output", "data-index": k,
        title: count > 1 ? `Output for class ${k + 1}: its probability over the plane` :
          "The output neuron: the network's prediction over the plane (large on the right)",
      }, canvas);
      node.title += ". Click for its chain rule.";
      pressable(node, node.title);
      node.addEventListener("click", () =>
        this.inspect({ kind: "neuron", layer: this.config.hidden_layers.length + 1, j: k }));
      this.placeNode(node, column.x, y, size);
      this.nodesLayer.append(node);
      this.outputCanvases.push(canvas);
    });
  }

  buildHeaders(featureColumn, hiddenColumns, outputColumn, size, fixedWidths) {
    const header = (x, ...children) => {
      const node = el("div", { class: "layer-header" }, ...children);
      node.style.left = `${x + size / 2}px`;
      this.nodesLayer.append(node);
      return node;
    };
    header(featureColumn.x - 26, el("span", { class: "layer-title" }, "Features"),
      el("span", { class: "layer-subtitle" }, "click to toggle"));
    hiddenColumns.forEach((column, l) => {
      const count = column.ys.length;
      const plus = el("button", { type: "button", class: "icon-button small", title: `Add a neuron to layer ${l + 1}`,
        "aria-label": `Add a neuron to layer ${l + 1}` }, "+");
      const minus = el("button", { type: "button", class: "icon-button small", title: `Remove a neuron from layer ${l + 1}`,
        "aria-label": `Remove a neuron from layer ${l + 1}` }, "−");
      plus.disabled = count >= this.limits.max_width;
      minus.disabled = count <= 1;
      plus.addEventListener("click", () => this.changeNeurons(l, +1));
      minus.addEventListener("click", () => this.changeNeurons(l, -1));
      const buttons = el("span", { class: "layer-buttons", "data-control": "numNeurons", hidden: fixedWidths }, plus, minus);
      const label = `${count} neuron${count === 1 ? "" : "s"}`;
      const gap = (hiddenColumns[1] ?? outputColumn).x - hiddenColumns[0].x; // columns are evenly spaced
      header(column.x, buttons, el("span", { class: "layer-subtitle", title: label }, gap < 80 ? String(count) : label)); // narrow: the number
    });
    const output = header(outputColumn.x, el("span", { class: "layer-title" }, "Output"));
    output.style.left = `${outputColumn.x + size + 4}px`; // right-aligned: the diagram's box ends near here
    output.style.transform = "translateX(-100%)";
    const last = hiddenColumns.at(-1);
    if (last && outputColumn.x - last.x < 80) output.style.top = "30px"; // narrow: below the last +/− buttons
  }

  // --- live values -----------------------------------------------------------------------------

  /** The link and bias records ({path, hit, layer, i, j} / {rect, layer, j}); a new array per build. */
  get links() {
    return this.linkView.links;
  }

  get biases() {
    return this.linkView.biases;
  }

  styleLink(link, value, width, shows) {
    this.linkView.styleLink(link, value, width, shows);
  }

  styleBias(bias, value) {
    this.linkView.styleBias(bias, value);
  }

  paintHeatmaps(heatmaps, discretize) {
    if (!heatmaps) return;
    this.neuronCanvases.forEach((canvases, l) => {
      const maps = heatmaps.neurons?.[l + 1];
      canvases.forEach((canvas, j) => {
        if (maps?.[j]) paintMap(canvas, decodeMap(maps[j]));
      });
    });
    if (heatmaps.classes && this.outputCanvases.length > 1) {
      this.outputCanvases.forEach((canvas, k) => {
        if (heatmaps.classes[k]) paintClassProbability(canvas, decodeMap(heatmaps.classes[k]), k);
      });
    } else if (heatmaps.output && this.outputCanvases[0]) {
      paintMap(this.outputCanvases[0], decodeMap(heatmaps.output), discretize);
    }
  }

  update(app) {
    if (!app.config) return;
    this.config = app.config;
    const outputCount = app.state?.layers?.at(-1)?.biases?.length ?? 1;
    const key = JSON.stringify([app.config.features, app.config.hidden_layers, outputCount, app.view.hidden ?? [],
      this.width, window.innerHeight]);
    if (key !== this.shapeKey) {
      this.shapeKey = key;
      this.build(app, outputCount);
    }
    if (app.state !== this.drawnState) {
      this.drawnState = app.state;
      this.linkView.paint(app.state);
      this.linkView.flow(Boolean(app.playing));
    }
    const discretize = Boolean(app.view.discretize);
    if (app.heatmaps !== this.drawnHeatmaps || discretize !== this.drawnDiscretize) {
      this.drawnHeatmaps = app.heatmaps;
      this.drawnDiscretize = discretize;
      this.paintHeatmaps(app.heatmaps, discretize);
    }
    this.root.classList.toggle("is-playing", Boolean(app.playing));
    this.root.dataset.shape = app.config.hidden_layers.join(",");
    this.markHovered(app.hover);
  }

  /** Outline the hovered neuron: only the nodes whose state changes are touched. */
  markHovered(hover) {
    const key = hover ? `${hover.layer}:${hover.index}` : "";
    if (key === this.hoveredKey && this.hoveredBuild === this.links) return;
    this.hoveredKey = key;
    this.hoveredBuild = this.links;
    this.hoveredNode?.classList.remove("is-hovered");
    this.hoveredNode = hover ? this.nodesLayer.querySelector(
      `.node-neuron[data-layer="${hover.layer}"][data-index="${hover.index}"]`) : null;
    this.hoveredNode?.classList.add("is-hovered");
  }
}
