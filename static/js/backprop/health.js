/**
 * Gradient health data: a bounded history of per-layer gradient norms, and histograms. Pure: no DOM.
 */

/**
 * Per-layer ‖∂L/∂W‖ over steps, in at most `capacity` points: when full, every other point is dropped
 * and only every second new one is kept, so the whole run stays visible at a coarser grain and
 * the cost of drawing never grows with the run.
 */
export class NormHistory {
  constructor(capacity = 400) {
    this.capacity = capacity;
    this.clear();
  }

  clear() {
    this.points = []; // {step, norms: number[]}
    this.stride = 1;
    this.seen = 0;
    this.version = (this.version ?? 0) + 1;
  }

  /** Record the norms of `step`; a step counter that went back (reset, new shape) restarts the history. */
  push(step, norms) {
    if (!Array.isArray(norms)) return;
    const last = this.points.at(-1);
    if (last && (step < last.step || norms.length !== last.norms.length)) this.clear();
    else if (last && step === last.step) {
      last.norms = norms;
      this.version++;
      return;
    }
    if (this.seen++ % this.stride !== 0) return;
    this.points.push({ step, norms });
    if (this.points.length > this.capacity) {
      this.points = this.points.filter((_, k) => k % 2 === 0);
      this.stride *= 2;
    }
    this.version++;
  }

  /** The smallest and largest positive finite norm, or null. */
  range() {
    let lo = Infinity;
    let hi = 0;
    for (const { norms } of this.points) {
      for (const n of norms) {
        if (Number.isFinite(n) && n > 0) {
          lo = Math.min(lo, n);
          hi = Math.max(hi, n);
        }
      }
    }
    return hi > 0 ? { lo, hi } : null;
  }
}

/** Every finite number of a nested array, flattened. */
export function flatten(values, into = []) {
  if (Array.isArray(values)) for (const v of values) flatten(v, into);
  else if (Number.isFinite(values)) into.push(values);
  return into;
}

/** Counts of `values` in `bins` equal bins over [−limit, limit] (values outside land in the end bins). */
export function histogram(values, limit, bins = 21) {
  const counts = new Array(bins).fill(0);
  if (!(limit > 0)) {
    counts[Math.floor(bins / 2)] = values.length;
    return counts;
  }
  for (const v of values) {
    const k = Math.floor(((v + limit) / (2 * limit)) * bins);
    counts[Math.max(0, Math.min(bins - 1, k))]++;
  }
  return counts;
}

/** A symmetric limit that holds every value: the largest |v|, rounded up to 1, 2 or 5 times a power of ten. */
export function niceLimit(values) {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  if (max === 0) return 0;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * power >= max) return m * power;
  return 10 * power;
}
