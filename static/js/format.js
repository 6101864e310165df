/**
 * Numbers as the page prints and scales them. Pure: no DOM. A missing or non-finite number shows as
 * an em dash; a negative one with a true minus sign where it is read as a value.
 */
const DASH = "—";
const MINUS = "−";

/** A loss: three decimals like TFP, scientific when tiny or huge. */
export function formatLoss(value) {
  if (value == null || !Number.isFinite(value)) return DASH;
  if (value !== 0 && (Math.abs(value) < 0.001 || Math.abs(value) >= 1e4)) return value.toExponential(2);
  return value.toFixed(3);
}

/** An accuracy in [0, 1] as a percentage. */
export function formatPercent(value) {
  if (value == null || !Number.isFinite(value)) return DASH;
  return `${(value * 100).toFixed(1)}%`;
}

/** A counter (epoch, step): a plain integer, so that people and tests read it as one number. */
export function formatCount(value) {
  if (value == null || !Number.isFinite(value)) return DASH;
  return String(Math.trunc(value));
}

/** Steps per second of the speed control; null means as fast as the server allows. */
export function formatSpeed(stepsPerSecond) {
  if (stepsPerSecond == null) return "max";
  return `${stepsPerSecond}/s`;
}

/** A value to `digits` significant digits with a true minus sign; scientific when tiny or huge. */
export function formatValue(value, digits = 4) {
  if (value == null || !Number.isFinite(value)) return DASH;
  if (value === 0) return "0";
  const abs = Math.abs(value);
  const text = abs < 1e-3 || abs >= 1e5
    ? abs.toExponential(digits - 1).replace(/\.?0+e/, "e").replace("e+", "e")
    : String(Number(abs.toPrecision(digits)));
  return (value < 0 ? MINUS : "") + text.replace("e-", `e${MINUS}`);
}

/** At most six characters, for a neuron's tile: two significant digits, or one and a power of ten below 0.01. */
export function formatTile(value) {
  if (value == null || !Number.isFinite(value)) return DASH;
  const abs = Math.abs(value);
  if (abs === 0) return "0";
  const sign = value < 0 ? MINUS : "";
  if (abs < 0.01) return `${sign}${abs.toExponential(0).replace("e-", `e${MINUS}`)}`;
  if (abs >= 100) return `${sign}${abs.toExponential(0).replace("e+", "e")}`;
  return `${sign}${Number(abs.toPrecision(2))}`;
}

/** Significant digits that tell apart ticks between lo and hi (0.48351 and 0.48357 need five). */
export function tickDigits(lo, hi) {
  const size = Math.max(Math.abs(lo), Math.abs(hi));
  if (!(hi > lo) || !(size > 0)) return 3;
  return Math.max(3, Math.min(8, Math.ceil(Math.log10(size / (hi - lo))) + 2));
}

export const DECADES = 4; // a log scale spans four decades below its largest value

/**
 * |value| relative to `max` on a log scale: 1 at `max`, 0 at `max`·10^−decades and below.
 * Used for gradients and steps, whose sizes differ by orders of magnitude between layers.
 */
export function logStrength(value, max, decades = DECADES) {
  if (!Number.isFinite(value) || !(max > 0) || value === 0) return 0;
  const t = (Math.log10(Math.abs(value)) - Math.log10(max)) / decades + 1;
  return Math.max(0, Math.min(1, t));
}

/** The largest finite |value| in nested arrays (0 when there is none). */
export function maxAbs(values) {
  let max = 0;
  const visit = (v) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (Number.isFinite(v) && Math.abs(v) > max) max = Math.abs(v);
  };
  visit(values);
  return max;
}

/** Powers of ten between lo and hi (both > 0), for log-scale gridlines. */
export function decadeTicks(lo, hi) {
  const ticks = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) ticks.push(10 ** e);
  return ticks;
}

/** "1e−4"-style label of a power of ten. */
export function formatDecade(value) {
  const e = Math.round(Math.log10(value));
  if (e >= 0 && e <= 2) return String(10 ** e);
  if (e === -1 || e === -2) return String(10 ** e);
  return `1e${e < 0 ? MINUS : ""}${Math.abs(e)}`;
}
