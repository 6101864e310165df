/**
 * Your own data as plain arrays `[[x, y, label], ...]`: the points the page shows now, a point added or
 * removed. Pure: no DOM. Coordinates are rounded to 0.01 (a click is ~0.03 wide) and kept in [-6, 6].
 */
export const EXTENT = 6;

/** The points of the current data: the custom list itself, else the train and test points together. */
export function currentPoints(app) {
  if (app.config?.dataset === "custom" && app.config.points) return app.config.points.map((p) => [...p]);
  const points = [];
  for (const set of [app.data?.train, app.data?.test]) {
    set?.x?.forEach(([x, y], k) => points.push([x, y, set.y[k]]));
  }
  return points;
}

const round = (value) => Math.round(Math.min(EXTENT, Math.max(-EXTENT, value)) * 100) / 100;

/** `points` plus one at (x, y) with `label`. */
export function withPoint(points, x, y, label) {
  return [...points, [round(x), round(y), label]];
}

/** `points` without the one nearest (x, y) within `radius` data units; null when none is that close. */
export function withoutNearest(points, x, y, radius) {
  let best = -1;
  let bestDistance = radius * radius;
  points.forEach(([px, py], k) => {
    const d = (px - x) ** 2 + (py - y) ** 2;
    if (d <= bestDistance) [best, bestDistance] = [k, d];
  });
  return best < 0 ? null : points.filter((_, k) => k !== best);
}

/**
 * The label a click adds: the pen's class (or value, for regression); `other` (Shift) picks the other
 * class, blue ↔ orange (class 2 → orange), or the value's negative.
 */
export function labelFor(pen, regression, other) {
  if (regression) return other ? -pen.value : pen.value;
  const label = Number(pen.label);
  if (!other) return label;
  return label === 1 ? 0 : 1;
}
