/**
 * The network diagram's links and biases (NetworkView builds the nodes around them): an SVG path per
 * weight, coloured by sign and as wide as its magnitude, under an SVG hit path for hover and click, and a
 * small square per bias. A frame writes only the attributes that changed; past DENSE_LINKS links the
 * strokes go to one canvas instead (denseLinks.js), and the SVG keeps the hit paths alone.
 */
import { cssColor } from "./colors.js";
import { DenseLinks } from "./denseLinks.js";
import { el, svgEl } from "./dom.js";
import { linkPath, linkWidth } from "./networkLayout.js";

const BIAS_SIZE = 8;
const DENSE_LINKS = 1500;

export class NetworkLinks {
  /** @param bind (node, {layer, kind, i, j}) => void: hover and click of a link's hit path or a bias */
  constructor(svg, bind) {
    this.svg = svg;
    this.bind = bind;
    const canvas = el("canvas", { class: "network-link-canvas", "aria-hidden": "true", hidden: true });
    svg.before(canvas);
    this.dense = new DenseLinks(canvas);
    this.links = [];
    this.biases = [];
  }

  /** One link per weight: an SVG path (a canvas stroke in a dense network) and an SVG hit path. */
  /** Links between consecutive `columns` of node positions ({x, y}, top-left corners of `size`-px nodes). */
  build(columns, size, layout) {
    this.links = [];
    this.biases = [];
    this.svg.setAttribute("width", layout.width);
    this.svg.setAttribute("height", layout.height);
    this.svg.replaceChildren();
    const count = columns.slice(1).reduce((n, column, l) => n + column.length * columns[l].length, 0);
    const dense = count > DENSE_LINKS;
    const linkGroup = svgEl("g", { class: "network-link-paths" });
    this.linkGroup = linkGroup;
    this.flowOffset = null;
    const hitGroup = svgEl("g", { class: "network-link-hits" });
    const biasGroup = svgEl("g", { class: "network-biases" });
    for (let layer = 0; layer < columns.length - 1; layer++) {
      columns[layer].forEach((from, i) => {
        columns[layer + 1].forEach((to, j) => {
          const d = linkPath(from, to, size);
          const ends = { "data-layer": layer, "data-i": i, "data-j": j };
          const path = dense ? null : svgEl("path", { d, class: "link", ...ends });
          const hit = svgEl("path", { d, class: "link-hit", ...ends });
          if (path) linkGroup.append(path);
          hitGroup.append(hit);
          const x0 = from.x + size;
          const x1 = to.x;
          this.links.push({ path, hit, layer, i, j,
            ends: { x0, y0: from.y + size / 2, mid: (x0 + x1) / 2, x1, y1: to.y + size / 2 } });
          this.bind(hit, { layer, kind: "weight", i, j });
        });
      });
      columns[layer + 1].forEach((to, j) => {
        const rect = svgEl("rect", {
          class: "bias", x: to.x - BIAS_SIZE - 3, y: to.y + size - BIAS_SIZE,
          width: BIAS_SIZE, height: BIAS_SIZE, "data-layer": layer, "data-j": j,
        });
        biasGroup.append(rect);
        this.biases.push({ rect, layer, j });
        this.bind(rect, { layer, kind: "bias", i: 0, j });
      });
    }
    this.svg.append(linkGroup, hitGroup, biasGroup);
    this.svg.classList.toggle("is-dense", dense);
    if (dense) this.dense.build(this.links, layout.width, layout.height);
    else this.dense.clear();
  }

  /** Give a link its colour and width, writing the attributes only when they change (no style work
   * for the links that stay as they were); `shows` names what it shows (a weight, or a phase's value). */
  styleLink(link, value, width, shows = "weight") {
    if (!link.path) return this.dense.style(link, value, width);
    const stroke = cssColor(value);
    const strokeWidth = width.toFixed(2);
    if (link.stroke !== stroke) link.path.setAttribute("stroke", (link.stroke = stroke));
    if (link.width !== strokeWidth) link.path.setAttribute("stroke-width", (link.width = strokeWidth));
    if (link.shows !== shows) link.path.dataset.shows = link.shows = shows;
  }

  styleBias(bias, value) {
    const fill = cssColor(value);
    if (bias.fill !== fill) bias.rect.setAttribute("fill", (bias.fill = fill));
  }

  paint(state) {
    const layers = state?.layers;
    if (!layers) return;
    for (const link of this.links) {
      const w = layers[link.layer]?.weights?.[link.i]?.[link.j] ?? 0;
      this.styleLink(link, w, linkWidth(w));
    }
    for (const bias of this.biases) this.styleBias(bias, layers[bias.layer]?.biases?.[bias.j] ?? 0);
  }

  /** While training runs the dashes flow (TFP's links move with the iterations): one style write on the
   * group per drawn frame, at the pace of the old CSS animation (10 px per 0.8 s), not a repaint every
   * animation frame. */
  flow(playing) {
    const offset = playing ? (-(performance.now() / 80) % 10).toFixed(1) : "0";
    if (offset !== this.flowOffset) this.linkGroup.style.strokeDashoffset = this.flowOffset = offset;
  }
}
