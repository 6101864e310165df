/**
 * What each input feature looks like over the plane, for the input nodes' thumbnails: the same
 * functions as engine/features.py, scaled into [−1, 1] for the colour scale. Pure: no DOM.
 * (The feature maps never change while training, so the page draws them itself.)
 */
const EXTENT = 6;

const FEATURE_FUNCTIONS = {
  x: (x) => x / EXTENT,
  y: (x, y) => y / EXTENT,
  xSquared: (x) => (x * x) / (EXTENT * EXTENT / 2) - 1,
  ySquared: (x, y) => (y * y) / (EXTENT * EXTENT / 2) - 1,
  xTimesY: (x, y) => (x * y) / (EXTENT * EXTENT / 2),
  sinX: (x) => Math.sin(x),
  sinY: (x, y) => Math.sin(y),
};

/** Bytes (q = round((v + 1) · 127.5)) of feature `name` on a `size × size` grid, row 0 at the top; null if unknown. */
export function featureMapBytes(name, size) {
  const f = FEATURE_FUNCTIONS[name];
  if (!f) return null;
  const bytes = new Uint8Array(size * size);
  for (let row = 0; row < size; row++) {
    const y = EXTENT - ((row + 0.5) * 2 * EXTENT) / size;
    for (let col = 0; col < size; col++) {
      const x = -EXTENT + ((col + 0.5) * 2 * EXTENT) / size;
      const v = Math.max(-1, Math.min(1, f(x, y)));
      bytes[row * size + col] = Math.round((v + 1) * 127.5);
    }
  }
  return bytes;
}
