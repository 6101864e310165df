/**
 * The loss landscape's pictures: a sequential colour for the loss and contour lines by marching
 * squares. Pure: no DOM.
 */

const LOW = [255, 255, 255];
const HIGH = [24, 61, 78]; // the page's accent, #183d4e

/**
 * A function loss → [r, g, b] over the grid's range: white at the lowest loss, dark at the highest;
 * on a log scale when the losses span more than a decade, so the valley keeps its detail.
 */
export function lossColorScale(grid) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of grid) {
    for (const v of row) {
      if (v == null || !Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (!Number.isFinite(lo)) return { lo: 0, hi: 1, log: false, color: () => [200, 200, 200], level: () => 0 };
  const log = lo > 0 && hi / lo > 10;
  const f = log ? Math.log : (v) => v;
  const [a, b] = [f(lo), f(hi)];
  const level = (v) => (b > a ? (f(Math.max(v, lo)) - a) / (b - a) : 0);
  const color = (v) => {
    if (v == null || !Number.isFinite(v)) return [154, 154, 154];
    const t = Math.pow(Math.min(1, Math.max(0, level(v))), 0.8);
    return LOW.map((c, k) => Math.round(c + (HIGH[k] - c) * t));
  };
  return { lo, hi, log, color, level };
}

/**
 * Contour segments of `grid` (rows × cols of values, null = missing) at each of `levels`, in grid
 * coordinates (x = column, y = row, fractional). Returns [[x0, y0, x1, y1], ...] per level.
 */
export function contours(grid, levels) {
  const rows = grid.length;
  const cols = grid[0]?.length ?? 0;
  return levels.map((level) => {
    const segments = [];
    for (let r = 0; r < rows - 1; r++) {
      for (let c = 0; c < cols - 1; c++) {
        const corners = [[c, r], [c + 1, r], [c + 1, r + 1], [c, r + 1]];
        const values = corners.map(([x, y]) => grid[y][x]);
        if (values.some((v) => v == null || !Number.isFinite(v))) continue;
        const crossings = [];
        for (let k = 0; k < 4; k++) {
          const a = values[k];
          const b = values[(k + 1) % 4];
          if ((a < level) !== (b < level)) {
            const t = (level - a) / (b - a);
            const [xa, ya] = corners[k];
            const [xb, yb] = corners[(k + 1) % 4];
            crossings.push([xa + t * (xb - xa), ya + t * (yb - ya)]);
          }
        }
        for (let k = 0; k + 1 < crossings.length; k += 2) segments.push([...crossings[k], ...crossings[k + 1]]);
      }
    }
    return segments;
  });
}

/** `count` contour levels evenly spaced on the colour scale's (log or linear) axis. */
export function contourLevels(scale, count = 8) {
  const { lo, hi, log } = scale;
  if (!(hi > lo)) return [];
  return Array.from({ length: count }, (_, k) => {
    const t = (k + 1) / (count + 1);
    return log ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
  });
}
