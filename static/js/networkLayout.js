/**
 * Where the network diagram puts things: one column of input features, one per hidden layer, one
 * output node. Pure: no DOM; NetworkView draws what this returns.
 *
 * Coordinates are CSS pixels inside the diagram; a node's (x, y) is its top-left corner.
 */
export const NODE_SIZE = 34;
export const ROW_HEIGHT = 46;
export const TOP = 56; // room for the layer headers (+/− buttons and the neuron count)
export const FEATURE_LABEL_WIDTH = 64;
export const RIGHT_PAD = 12;
/** The smallest row a neuron gets: a 20-px map stays readable. A wider layer makes the diagram taller
 * (it scrolls inside its box, networkView.css) rather than shrinking the maps. */
export const MIN_ROW_HEIGHT = 28;

/**
 * @param {object} shape  {features: number (input nodes shown), hidden: number[] (widths)}
 * @param {number} width  the diagram's width in CSS pixels
 * @param {number} scale  1 on a laptop; up to 1.5 on a large screen or projector, so nodes grow with the room
 * @returns {{width, height, nodeSize, columns: {kind, x, ys: number[]}[]}}
 */
export function layoutNetwork({ features, hidden }, width, scale = 1) {
  const tallest = Math.max(features, ...hidden, 1);
  // Up to 8 rows keep TFP's roomy spacing; a taller layer packs its rows closer, down to MIN_ROW_HEIGHT.
  const roomy = Math.round(ROW_HEIGHT * scale);
  const rowHeight = tallest <= 8 ? roomy : Math.max(MIN_ROW_HEIGHT, Math.floor((8 * roomy) / tallest));
  const nodeSize = Math.min(Math.round(NODE_SIZE * scale), rowHeight - 8);
  const height = TOP + tallest * rowHeight + 8;
  const firstX = FEATURE_LABEL_WIDTH;
  const lastX = Math.max(firstX + nodeSize * 3, width - nodeSize - RIGHT_PAD);
  const columnCount = hidden.length + 2;
  const gap = (lastX - firstX) / (columnCount - 1);
  const ysFor = (count) => {
    const offset = ((tallest - count) * rowHeight) / 2 + (rowHeight - 8 - nodeSize) / 2;
    return Array.from({ length: count }, (_, i) => TOP + offset + i * rowHeight);
  };
  const columns = [{ kind: "features", x: firstX, ys: ysFor(features) }];
  hidden.forEach((count, l) => columns.push({ kind: "hidden", x: firstX + gap * (l + 1), ys: ysFor(count) }));
  columns.push({ kind: "output", x: lastX, ys: ysFor(1) });
  return { width: Math.max(width, lastX + nodeSize + RIGHT_PAD), height, nodeSize, columns };
}

/** How much to enlarge the diagram for a `width` × `viewportHeight` room: 1 (laptop) to 1.5 (projector). */
export function layoutScale(width, viewportHeight) {
  return Math.max(1, Math.min(1.5, width / 800, (viewportHeight - 330) / 430));
}

/** A link from the right edge of one node to the left edge of the next, as TFP's curved SVG path. */
export function linkPath(from, to, nodeSize = NODE_SIZE) {
  const x0 = from.x + nodeSize;
  const y0 = from.y + nodeSize / 2;
  const x1 = to.x;
  const y1 = to.y + nodeSize / 2;
  const mid = (x0 + x1) / 2;
  return `M${x0},${y0} C${mid},${y0} ${mid},${y1} ${x1},${y1}`;
}

/** The point at parameter `t` (0 at the start, 1 at the end) of the curve `linkPath` draws between the
 * `ends` {x0, y0, mid, x1, y1}: computed, not measured, so placing a label reads no layout. */
export function linkPoint({ x0, y0, mid, x1, y1 }, t) {
  const u = 1 - t;
  const a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;
  return { x: a * x0 + (b + c) * mid + d * x1, y: (a + b) * y0 + (c + d) * y1 };
}

/** TFP's link width: 1 + 9·|w|/5 px, clamped to 1–10 px. */
export function linkWidth(weight) {
  if (!Number.isFinite(weight)) return 1;
  return Math.min(10, 1 + (9 * Math.abs(weight)) / 5);
}
