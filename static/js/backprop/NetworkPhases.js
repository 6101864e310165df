/**
 * The phases of an iteration on the network diagram. While the user steps phase by phase (or plays
 * them narrated), each neuron turns into a tile with its number — its activation in the forward and
 * loss phases, filling in from the inputs to the output; its δ in the backward phase, filling in from
 * the output back to the inputs — and the links show ∂L/∂w in the backward phase, then the step ΔW
 * in the update phase before they show the new weights. The loss phase adds the batch's losses by
 * the output. The inspected link, bias or neuron is outlined.
 *
 * Decorates NetworkView's diagram (its link paths, bias squares and nodes); the numbers come from
 * phaseView.js.
 */
import { cssColor } from "../colors.js";
import { el, setText, svgEl } from "../dom.js";
import { linkPoint, linkWidth } from "../networkLayout.js";
import { formatTile, formatValue } from "../format.js";
import { stepLabels } from "./phaseView.js";

const REVEAL_STEP_S = 0.22; // delay between one column's reveal and the next
const MAX_STEP_LABELS = 12; // ΔW numbers written on the diagram at once

export class NetworkPhases {
  constructor(networkView) {
    this.view = networkView;
    this.layer = el("div", { class: "network-phases", "aria-hidden": "true" });
    this.lossBadge = el("div", { class: "network-phases-loss" });
    this.layer.append(this.lossBadge);
    this.builtFor = null;
    this.linksShown = false;
    this.tiles = []; // per layer (0 = inputs), per neuron: the tile element
    this.drawn = null;
  }

  /** Tiles inside each node that joins links: active inputs, hidden neurons, outputs. */
  build(app) {
    const nodes = this.view.nodesLayer;
    if (this.layer.parentNode !== nodes) nodes.append(this.layer);
    const features = app.config.features;
    const inputNodes = features.map((name) => nodes.querySelector(`.node-feature[data-feature="${name}"]`));
    const hidden = app.config.hidden_layers.map((width, l) =>
      Array.from({ length: width }, (_, j) =>
        nodes.querySelector(`.node-neuron[data-layer="${l + 1}"][data-index="${j}"]`)));
    const outputs = [...nodes.querySelectorAll(".node-output")];
    const columns = [inputNodes, ...hidden, outputs];
    this.tiles = columns.map((column) => column.map((node) => {
      if (!node) return null;
      const tile = el("span", { class: "network-phases-tile" });
      node.append(tile);
      return tile;
    }));
    this.outputNode = outputs[0] ?? null;
  }

  update(app) {
    if (!app.config || !app.state || !this.view.links) return;
    if (this.builtFor !== this.view.links) {
      this.builtFor = this.view.links;
      this.build(app);
      this.drawn = null;
      this.linksShown = null; // new paths: give them their reveal delays and paint them once
    }
    const state = app.state;
    const backprop = app.backprop;
    const fast = app.playing && app.speed?.unit !== "phase";
    const view = backprop.diagram; // BackpropController decides it
    const inputs = [state, view, fast, backprop.target, this.builtFor, app.config];
    if (this.drawn && inputs.every((v, k) => v === this.drawn[k])) return;
    this.drawn = inputs;

    const mode = view?.neurons ? view.neuronKind : view?.links ? `${view.phase}-links` : "none";
    if (mode !== this.view.root.dataset.phaseView || this.linksShown === null) this.revealLinks(view?.direction);
    this.view.root.dataset.phaseView = mode; // a new mode restarts the reveal animations (CSS)
    this.paintTiles(view);
    // NetworkView paints the weights of every new state; repaint here only to show a phase or to leave one
    if (view?.links || view?.biases || this.linksShown !== false) this.paintLinks(view, state);
    this.linksShown = Boolean(view?.links || view?.biases);
    this.paintStepLabels(fast ? null : stepLabels(state));
    this.paintLoss(view, app);
    this.markInspected(backprop.target);
  }

  paintTiles(view) {
    const columns = this.tiles.length;
    this.tiles.forEach((column, l) => column.forEach((tile, j) => {
      if (!tile) return;
      const cell = view?.neurons?.[l]?.[j];
      tile.hidden = !cell;
      if (!cell) return;
      const order = view.direction === "backward" ? columns - 1 - l : l;
      tile.style.setProperty("--reveal-delay", `${(order * REVEAL_STEP_S).toFixed(2)}s`);
      tile.style.background = cssColor(cell.value);
      tile.classList.toggle("is-strong", Math.abs(cell.value) > 0.55);
      tile.dataset.value = cell.raw == null ? "" : String(cell.raw);
      tile.dataset.kind = view.neuronKind;
      setText(tile, cell.text);
    }));
  }

  /** Links light up column by column in the direction of the pass. */
  revealLinks(direction) {
    const columns = this.tiles.length;
    const backward = direction === "backward";
    for (const { path, layer } of this.view.links) {
      const order = backward ? columns - 2 - layer : layer;
      const delay = order * REVEAL_STEP_S + (backward ? REVEAL_STEP_S / 2 : 0);
      path?.style.setProperty("--reveal-delay", `${delay.toFixed(2)}s`); // a dense network's links have no path
    }
  }

  paintLinks(view, state) {
    for (const link of this.view.links) {
      const cell = view?.links?.[link.layer]?.[link.i]?.[link.j];
      const w = state.layers[link.layer]?.weights?.[link.i]?.[link.j] ?? 0;
      if (cell) this.view.styleLink(link, cell.value, cell.width, view.phase);
      else this.view.styleLink(link, w, linkWidth(w));
    }
    for (const bias of this.view.biases) {
      const cell = view?.biases?.[bias.layer]?.[bias.j];
      this.view.styleBias(bias, cell ? cell.value : state.layers[bias.layer]?.biases?.[bias.j] ?? 0);
    }
  }

  /** The update phase writes each link's ΔW beside it (a wide network: only the largest steps, so the
   * numbers stay readable; hovering any link shows its own). */
  paintStepLabels(labels) {
    if (!this.labels || this.labels.parentNode !== this.view.svg) {
      this.labels = svgEl("g", { class: "network-phases-steps" });
      this.view.svg.append(this.labels);
    }
    this.labels.replaceChildren();
    if (!labels) return;
    const shown = labels.length > MAX_STEP_LABELS
      ? [...labels].sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, MAX_STEP_LABELS) : labels;
    const wanted = new Set(shown.map(({ layer, i, j }) => `${layer}:${i}:${j}`));
    for (const { ends, layer, i, j } of this.view.links) {
      if (!wanted.has(`${layer}:${i}:${j}`)) continue;
      const value = labels.find((l) => l.layer === layer && l.i === i && l.j === j).value;
      const fanOut = this.tiles[layer + 1]?.length ?? 1;
      const at = linkPoint(ends, 0.3 + 0.4 * (fanOut > 1 ? j / (fanOut - 1) : 0.5)); // spread by target
      const label = svgEl("text", { x: at.x.toFixed(1), y: (at.y - 3).toFixed(1), class: "network-phases-step",
        "data-layer": layer, "data-i": i, "data-j": j, "data-value": String(value) });
      label.textContent = `Δ${formatTile(value)}`;
      this.labels.append(label);
    }
  }

  paintLoss(view, app) {
    const loss = view?.loss;
    this.lossBadge.hidden = !loss || !this.outputNode;
    if (this.lossBadge.hidden) return;
    const node = this.outputNode;
    // from the position NetworkView gave the node (its inline style): no layout read while rendering
    const px = (name) => parseFloat(node.style[name]) || 0;
    this.lossBadge.style.left = `${px("left") + px("width") + 2}px`;
    this.lossBadge.style.top = `${px("top") + px("height") + 10}px`;
    const parts = [];
    if (loss.point) {
      const outputs = loss.point.output;
      const output = outputs.length === 1 ? formatValue(outputs[0], 3)
        : `(${outputs.map((v) => formatValue(v, 2)).join(", ")})`;
      parts.push(el("div", { class: "network-phases-loss-point" },
        `#${loss.point.index}: ŷ ${output} vs y ${formatValue(loss.point.target, 3)} → ` +
        `ℓ ${formatValue(loss.point.loss, 3)}`));
    }
    if (loss.losses?.length) {
      const max = Math.max(...loss.losses.filter(Number.isFinite), 1e-12);
      const bars = loss.losses.map((value, k) => el("i", {
        class: loss.indices?.[k] === loss.point?.index ? "is-chosen" : "",
        style: `height:${Math.max(1, (value / max) * 26).toFixed(1)}px`,
        title: `point #${loss.indices?.[k]}: loss ${formatValue(value, 3)}`,
      }));
      parts.push(el("div", { class: "network-phases-loss-bars", title: "Each point's loss in this batch" }, ...bars));
    }
    parts.push(el("div", { class: "network-phases-loss-cost" }, `batch cost ${formatValue(loss.cost, 3)}`));
    this.lossBadge.replaceChildren(...parts);
  }

  /** Outline the inspected link, bias or neuron; touches only what changes (not every link each frame). */
  markInspected(target) {
    const key = target ? JSON.stringify(target) : "";
    if (key === this.inspectedKey && this.inspectedBuild === this.builtFor) return;
    this.inspectedKey = key;
    this.inspectedBuild = this.builtFor;
    for (const node of this.inspected ?? []) node.classList.remove("is-inspected");
    this.inspected = [];
    if (!target) return;
    const same = (layer, j) => target.layer === layer && target.j === j;
    if (target.kind === "weight") {
      const link = this.view.links.find((l) => same(l.layer, l.j) && l.i === target.i);
      if (link) this.inspected.push(link.hit);
    } else if (target.kind === "bias") {
      const bias = this.view.biases.find((b) => same(b.layer, b.j));
      if (bias) this.inspected.push(bias.rect);
    } else {
      const node = this.tiles[target.layer]?.[target.j]?.parentNode;
      if (node) this.inspected.push(node);
    }
    for (const node of this.inspected) node.classList.add("is-inspected");
  }
}
