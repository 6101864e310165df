/**
 * TensorFlow Playground's diverging colour scale: orange (−1) ↔ light grey (0) ↔ blue (+1).
 * Pure: no DOM. Values outside [−1, 1] are clamped; a non-finite value is drawn in neutral grey.
 */
export const NEGATIVE = [0xf5, 0x93, 0x22]; // #f59322
export const ZERO = [0xe8, 0xea, 0xeb]; // #e8eaeb
export const POSITIVE = [0x08, 0x77, 0xbd]; // #0877bd
export const NOT_A_NUMBER = [0x9a, 0x9a, 0x9a];

/** Colours of the classes of a multi-class set: TFP's two, then more that stay apart from them. */
export const CLASS_COLORS = [NEGATIVE, POSITIVE, [0x2a, 0x9d, 0x5c], [0x9b, 0x59, 0xb6], [0xd6, 0x45, 0x4b]];

function mix(from, to, t) {
  return [
    Math.round(from[0] + (to[0] - from[0]) * t),
    Math.round(from[1] + (to[1] - from[1]) * t),
    Math.round(from[2] + (to[2] - from[2]) * t),
  ];
}

/** [r, g, b] of a value on the scale; `discretize` snaps it to ±1 first (TFP's "Discretize output"). */
export function colorOf(value, discretize = false) {
  if (!Number.isFinite(value)) return NOT_A_NUMBER;
  let v = Math.max(-1, Math.min(1, value));
  if (discretize) v = v >= 0 ? 1 : -1;
  return v < 0 ? mix(ZERO, NEGATIVE, -v) : mix(ZERO, POSITIVE, v);
}

export function cssColor(value, discretize = false) {
  const [r, g, b] = colorOf(value, discretize);
  return `rgb(${r},${g},${b})`;
}

/** Colour of a class label: binary labels (0/1 or ±1) on the scale's ends, class k from CLASS_COLORS. */
export function labelColor(label, numClasses) {
  if (numClasses > 2) return CLASS_COLORS[Math.round(label) % CLASS_COLORS.length];
  return label > 0 ? POSITIVE : NEGATIVE;
}

export function cssRgb([r, g, b]) {
  return `rgb(${r},${g},${b})`;
}

/**
 * A 256-entry RGBA lookup table for heatmap bytes: byte q means the value q / 127.5 − 1.
 * Painting a map is then one table lookup per pixel.
 */
export function byteColorTable(discretize = false) {
  const table = new Uint8ClampedArray(256 * 4);
  for (let q = 0; q < 256; q++) {
    const [r, g, b] = colorOf(q / 127.5 - 1, discretize);
    table.set([r, g, b, 255], q * 4);
  }
  return table;
}

/** Colour of a point in a multi-class map: the likeliest class, faded towards grey as confidence drops. */
export function classMixColor(probabilities, discretize = false) {
  let best = 0;
  for (let k = 1; k < probabilities.length; k++) if (probabilities[k] > probabilities[best]) best = k;
  const chance = 1 / probabilities.length;
  const confidence = discretize ? 1 : Math.max(0, (probabilities[best] - chance) / (1 - chance));
  return mix(ZERO, CLASS_COLORS[best % CLASS_COLORS.length], confidence);
}
