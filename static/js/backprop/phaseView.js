/**
 * What the network diagram shows in each phase of an iteration. Pure: no DOM — NetworkView paints it.
 *
 *   forward, loss — every neuron's activation a (of the selected point, or the batch mean)
 *   backward      — every neuron's δ = ∂L/∂z and every link's gradient ∂L/∂w, by colour and width
 *   update        — every link's step ΔW (then, after a moment, the new weights as usual)
 *
 * Gradients and steps are drawn on one log scale for the whole network (four decades below the
 * largest), so a layer whose gradients vanish shows thin, pale links next to healthy ones.
 */
import { DECADES, formatTile, logStrength, maxAbs } from "../format.js";

export const PHASE_NAMES = ["forward", "loss", "backward", "update"];

/** Link width for a log strength s in [0, 1]: a hairline for vanishing values, 8 px for the largest;
 * squared, so that one and two decades below the largest still look clearly thinner. */
export const strengthWidth = (s) => 0.75 + 7.25 * s * s;

/** A colour value in [−1, 1] for the scale: the sign of `value`, stronger as `s` grows. */
export const strengthColor = (value, s) =>
  (value === 0 || !Number.isFinite(value) ? 0 : Math.sign(value) * (0.15 + 0.85 * s));

function mean(rows, column) {
  if (!rows?.length) return null;
  let sum = 0;
  for (const row of rows) sum += row[column];
  return sum / rows.length;
}

/** Neuron values per layer (0 = inputs) of one kind: "a" or "delta". */
function neuronValues(kind, state, trace) {
  const layers = state.layers;
  const fromTrace = trace && trace.layers.length === layers.length;
  const values = layers.map((layer, l) => (fromTrace ? trace.layers[l][kind] : layer[kind]) ?? null);
  let inputs = null;
  if (kind === "a") {
    if (fromTrace) inputs = trace.input;
    else if (state.batch?.inputs?.length) inputs = state.batch.inputs[0].map((_, k) => mean(state.batch.inputs, k));
  }
  return [inputs, ...values];
}

function logScaled(matrices) {
  const max = maxAbs(matrices);
  const paint = (v) => {
    const s = logStrength(v, max);
    return { value: strengthColor(v, s), width: strengthWidth(s), raw: v };
  };
  return {
    max,
    cells: matrices.map((m) => {
      if (m == null) return null;
      return Array.isArray(m[0]) ? m.map((row) => row.map(paint)) : m.map(paint);
    }),
  };
}

/** The loss phase's numbers: the selected point's output, target and loss, and the batch's losses. */
export function lossSummary(state, trace) {
  const batch = state.batch;
  return {
    point: trace ? { index: trace.index, output: trace.layers.at(-1).a, target: trace.target, loss: trace.loss } : null,
    losses: batch?.losses ?? null,
    indices: batch?.indices ?? null,
    cost: batch?.cost ?? null,
  };
}

/**
 * @param {object} p
 * @param {string} p.phase          the state's phase
 * @param {object} p.state          the live State
 * @param {object|null} p.trace     GET /inspect of the selected point (null: show batch means)
 * @param {boolean} p.showStep     in the update phase: still showing ΔW (true) or the new weights
 * @param {Function} p.outputScale  the output's value on the colour scale (2p − 1 for a probability)
 * @returns {null | {phase, direction, neuronKind, neurons, links, biases, legend}}
 *   null: draw the weights as usual. `neurons[l][j]` = {value (colour), text}; `links[l][i][j]` and
 *   `biases[l][j]` = {value (colour), width} or null for "the weight as usual".
 */
export function phaseView({ phase, state, trace = null, showStep = true, outputScale = (a) => a }) {
  if (!state?.layers?.length || !PHASE_NAMES.includes(phase)) return null;
  const who = trace ? `point #${trace.index}` : "the batch mean";
  const view = { phase, direction: "forward", neuronKind: null, neurons: null, links: null, biases: null, legend: "" };

  if (phase === "forward" || phase === "loss") {
    const values = neuronValues("a", state, trace);
    view.neuronKind = "a";
    const last = values.length - 1;
    view.neurons = values.map((layer, l) => layer && layer.map((v) =>
      ({ value: l === last ? outputScale(v) : v, text: formatTile(v), raw: v })));
    view.legend = `Numbers: each neuron's activation a for ${who}.`;
    if (phase === "loss") view.loss = lossSummary(state, trace);
    return view;
  }
  if (phase === "backward") {
    const deltas = neuronValues("delta", state, trace);
    const scaled = logScaled(deltas.slice(1));
    view.direction = "backward";
    view.neuronKind = "delta";
    const tiles = scaled.cells.map((layer) => layer && layer.map((c) => ({ ...c, text: formatTile(c.raw) })));
    view.neurons = [null, ...tiles];
    const grads = trace ? trace.layers.map((l) => l.grad_weights) : state.layers.map((l) => l.grad_weights);
    const links = logScaled(grads);
    view.links = links.cells;
    const biasGrads = trace ? trace.layers.map((l) => l.grad_biases) : state.layers.map((l) => l.grad_biases);
    view.biases = logScaled(biasGrads).cells;
    view.legend = `Numbers: each neuron's δ = ∂L/∂z for ${who}. Links: ∂L/∂w by colour (sign) and width ` +
      `(log scale: the thinnest is ${10 ** DECADES}× smaller than the largest).`;
    return view;
  }
  // update
  if (!showStep || !state.layers[0].step_weights) {
    view.legend = "Links: the new weights.";
    return view;
  }
  view.links = logScaled(state.layers.map((l) => l.step_weights)).cells;
  view.biases = logScaled(state.layers.map((l) => l.step_biases)).cells;
  view.legend = "Links: the step ΔW each weight just took (log scale), then the new weights.";
  return view;
}
