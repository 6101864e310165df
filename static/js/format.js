/** Number formats for the page. Pure: no DOM. A missing or non-finite number shows as an em dash. */
const DASH = "—";

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

/** A parameter (weight, bias, gradient) to four significant digits. */
export function formatParameter(value) {
  if (value == null || !Number.isFinite(value)) return DASH;
  if (value === 0) return "0";
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e4) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** A rate such as a learning rate: as short as it can be written (0.03, 1e-5). */
export function formatRate(value) {
  if (value == null || !Number.isFinite(value)) return DASH;
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential().replace("e-", "e−");
  return String(value);
}

/** Steps per second of the speed control; null means as fast as the server allows. */
export function formatSpeed(stepsPerSecond) {
  if (stepsPerSecond == null) return "max";
  return `${stepsPerSecond}/s`;
}
