/**
 * The loss curve's memory, bounded whatever the run's length. Pure: no DOM.
 *
 * Points (step, train, test) fall into buckets that each span `span` steps and keep the min, max and
 * last value of each series. When there are more than `capacity` buckets, neighbours merge in pairs and
 * the span doubles; so a push costs O(1) amortised, and drawing costs O(capacity) after 10 steps or after
 * 10 million. A step that goes backwards (reset, new shape) starts the history again.
 */
const SERIES = ["train", "test"];

function emptySeries() {
  return { min: Infinity, max: -Infinity, last: null };
}

function addValue(series, value) {
  if (value == null || !Number.isFinite(value)) return;
  if (value < series.min) series.min = value;
  if (value > series.max) series.max = value;
  series.last = value;
}

function mergeSeries(a, b) {
  return {
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    last: b.last ?? a.last,
  };
}

export class LossHistory {
  constructor(capacity = 256) {
    this.capacity = capacity;
    this.clear();
  }

  clear() {
    this.buckets = [];
    this.span = 1;
    this.lastStep = -Infinity;
    this.version = (this.version ?? 0) + 1;
  }

  /** Record the losses after `step` steps; null or non-finite losses leave a gap in that series. */
  push(step, train, test) {
    if (step < this.lastStep) this.clear();
    this.lastStep = step;
    const index = Math.floor(step / this.span);
    let bucket = this.buckets[this.buckets.length - 1];
    if (!bucket || bucket.index !== index) {
      bucket = { index, firstStep: step, lastStep: step, train: emptySeries(), test: emptySeries() };
      this.buckets.push(bucket);
    }
    bucket.lastStep = step;
    addValue(bucket.train, train);
    addValue(bucket.test, test);
    if (this.buckets.length > this.capacity) this.halve();
    this.version++;
  }

  /** Merge neighbouring buckets in pairs: twice the span, half the buckets. */
  halve() {
    this.span *= 2;
    const merged = [];
    for (const bucket of this.buckets) {
      const index = Math.floor(bucket.index / 2);
      const previous = merged[merged.length - 1];
      if (previous && previous.index === index) {
        previous.lastStep = bucket.lastStep;
        for (const name of SERIES) previous[name] = mergeSeries(previous[name], bucket[name]);
      } else {
        merged.push({ ...bucket, index, train: { ...bucket.train }, test: { ...bucket.test } });
      }
    }
    this.buckets = merged;
  }

  get size() {
    return this.buckets.length;
  }

  /** {firstStep, lastStep, max}: the steps covered and the largest finite loss, or null when empty. */
  extent() {
    if (!this.buckets.length) return null;
    let max = 0;
    for (const bucket of this.buckets) {
      for (const name of SERIES) if (bucket[name].max > max) max = bucket[name].max;
    }
    return { firstStep: this.buckets[0].firstStep, lastStep: this.lastStep, max };
  }

  /** The bucket whose steps are nearest to `step` (binary search), or null when empty. */
  nearest(step) {
    const buckets = this.buckets;
    if (!buckets.length) return null;
    let lo = 0;
    let hi = buckets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (buckets[mid].lastStep < step) lo = mid + 1;
      else hi = mid;
    }
    const before = buckets[lo - 1];
    if (before && step - before.lastStep < buckets[lo].firstStep - step) return before;
    return buckets[lo];
  }
}
