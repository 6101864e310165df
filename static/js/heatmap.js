/**
 * Heatmaps as the server sends them: base64 of uint8, row 0 at the top (y = +extent), column 0 at the
 * left (x = −extent). A byte q means q / 127.5 − 1. Pure: no DOM (only atob, which every runtime has).
 */

/** Bytes of a base64 string. */
export function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The value a heatmap byte stands for, in [−1, 1]. */
export function byteToValue(q) {
  return q / 127.5 - 1;
}

/** Fill `rgba` (Uint8ClampedArray, 4 per pixel) from heatmap `bytes` through a 256-entry colour `table`. */
export function paintBytes(bytes, table, rgba) {
  const n = Math.min(bytes.length, rgba.length >> 2);
  for (let p = 0; p < n; p++) {
    const t = bytes[p] << 2;
    const o = p << 2;
    rgba[o] = table[t];
    rgba[o + 1] = table[t + 1];
    rgba[o + 2] = table[t + 2];
    rgba[o + 3] = 255;
  }
  return rgba;
}

/**
 * Fill `rgba` from per-class probability maps (softmax): `colorOfProbabilities(ps) -> [r, g, b]`.
 * `classBytes` is one byte array per class; a byte q is the probability q / 255.
 */
export function paintClasses(classBytes, colorOfProbabilities, rgba) {
  const k = classBytes.length;
  const n = Math.min(classBytes[0].length, rgba.length >> 2);
  const ps = new Array(k);
  for (let p = 0; p < n; p++) {
    for (let c = 0; c < k; c++) ps[c] = classBytes[c][p] / 255;
    const [r, g, b] = colorOfProbabilities(ps);
    const o = p << 2;
    rgba[o] = r;
    rgba[o + 1] = g;
    rgba[o + 2] = b;
    rgba[o + 3] = 255;
  }
  return rgba;
}

/** The value at data point (x, y) of a decoded map of side `size` over [−extent, extent]². */
export function valueAt(bytes, size, extent, x, y) {
  const col = Math.min(size - 1, Math.max(0, Math.floor(((x + extent) / (2 * extent)) * size)));
  const row = Math.min(size - 1, Math.max(0, Math.floor(((extent - y) / (2 * extent)) * size)));
  return byteToValue(bytes[row * size + col]);
}
