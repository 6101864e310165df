/**
 * The derivative view's geometry: the loss curve over one parameter, the tangent at the current
 * value and the next gradient-descent step. Pure: no DOM.
 */

/** Linear interpolation of the curve at `x` (null outside it or across a gap). */
export function curveAt(values, losses, x) {
  for (let k = 1; k < values.length; k++) {
    if (x >= values[k - 1] && x <= values[k]) {
      const a = losses[k - 1];
      const b = losses[k];
      if (a == null || b == null) return null;
      const t = (x - values[k - 1]) / (values[k] - values[k - 1] || 1);
      return a + t * (b - a);
    }
  }
  return null;
}

/**
 * Everything the view draws, in data units: {xRange, yRange, curve: [[x, L]...], point, tangent,
 * next: {x, predicted, actual}, verdict}. `slice` is GET /slice.
 */
export function derivativeGeometry(slice) {
  const { values, losses, current, loss, grad, next_value: next } = slice;
  const finite = losses.filter((v) => v != null && Number.isFinite(v));
  if (!finite.length || !Number.isFinite(loss) || !Number.isFinite(grad)) return null;
  let lo = Math.min(...finite, loss);
  let hi = Math.max(...finite, loss);
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.05 || 0.05;
  lo = lo >= 0 ? Math.max(0, lo - pad) : lo - pad; // a loss is never negative: no axis below 0
  hi += pad;
  const xRange = [values[0], values.at(-1)];
  const predicted = loss + grad * (next - current);
  const actual = curveAt(values, losses, next);
  let verdict = "flat";
  if (grad !== 0 && actual != null) {
    const drop = loss - actual;
    const predictedDrop = loss - predicted;
    if (actual > loss) verdict = "overshoot";
    else if (drop < 0.5 * predictedDrop) verdict = "too-far";
    else verdict = "downhill";
  }
  return {
    xRange,
    yRange: [lo, hi],
    curve: values.map((x, k) => [x, losses[k]]),
    point: [current, loss],
    slope: grad,
    next: { x: next, predicted, actual },
    verdict,
  };
}

export const VERDICTS = {
  flat: "The slope is zero here: gradient descent does not move this parameter.",
  downhill: "The step goes downhill: the loss at the next value is lower.",
  "too-far": "The step goes too far for the curve: the loss drops less than half as much as the slope promised.",
  overshoot: "The step overshoots: the loss at the next value is higher than now — " +
    "a smaller learning rate would help.",
};
