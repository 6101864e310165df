/**
 * What the backprop views call neurons and parameters. Pure: no DOM.
 *
 * Indices count from 0 in data and from 1 on screen. Layer 0 holds the input features, layers
 * 1..H the hidden layers, layer H + 1 the output. Weight matrix l joins layer l to layer l + 1:
 * W[l][i][j] goes from neuron i of layer l to neuron j of layer l + 1; b[l][j] is neuron j's bias.
 *
 * A network context is {features: [{name, label}], hidden: [widths], outputs: count}.
 * A target (what the inspector looks at) is {kind: "weight", layer, i, j}, {kind: "bias", layer, j}
 * or {kind: "neuron", layer, j} (a neuron's layer counts as above: 0 = inputs).
 */
const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";

export const superscript = (n) => [...String(n)].map((d) => SUPERSCRIPTS[d]).join("");
export const subscript = (n) => [...String(n)].map((d) => SUBSCRIPTS[d]).join("");

/** The network context of the page's app state, or null before the first session. */
export function networkContext(app) {
  const layers = app.state?.layers;
  if (!app.config || !layers?.length) return null;
  return {
    features: app.session?.features ?? app.config.features.map((name) => ({ name, label: name })),
    hidden: app.config.hidden_layers,
    outputs: layers.at(-1).biases.length,
  };
}

export const outputLayer = (context) => context.hidden.length + 1;

/** A neuron's short symbol: X₁ for an input, h¹₂ for neuron 2 of hidden layer 1, ŷ (ŷ₂) for the output. */
export function neuronSymbol(context, layer, j) {
  if (layer === 0) return context.features[j]?.label ?? `x${subscript(j + 1)}`;
  if (layer === outputLayer(context)) return context.outputs > 1 ? `ŷ${subscript(j + 1)}` : "ŷ";
  return `h${superscript(layer)}${subscript(j + 1)}`;
}

/** A neuron in words: "input X₁", "neuron 2 of hidden layer 1", "the output". */
export function neuronWords(context, layer, j) {
  if (layer === 0) return `input ${neuronSymbol(context, 0, j)}`;
  if (layer === outputLayer(context)) return context.outputs > 1 ? `output ${j + 1} (class ${j + 1})` : "the output";
  return `neuron ${j + 1} of hidden layer ${layer}`;
}

/** The neuron a target is about: a weight's and a bias's neuron is the one they feed. */
export function targetNeuron(target) {
  return target.kind === "neuron" ? { layer: target.layer, j: target.j } : { layer: target.layer + 1, j: target.j };
}

/** A target's title: "Weight X₁ → h¹₂", "Bias of h¹₂", "Neuron h¹₂". */
export function targetTitle(context, target) {
  const { layer, i, j } = target;
  if (target.kind === "weight") {
    return `Weight ${neuronSymbol(context, layer, i)} → ${neuronSymbol(context, layer + 1, j)}`;
  }
  if (target.kind === "bias") return `Bias of ${neuronSymbol(context, layer + 1, j)}`;
  return layer === 0 ? `Input ${neuronSymbol(context, 0, j)}` : `Neuron ${neuronSymbol(context, layer, j)}`;
}

/** A target in a sentence. */
export function targetWords(context, target) {
  const { layer, i, j } = target;
  if (target.kind === "weight") {
    return `the weight on the link from ${neuronWords(context, layer, i)} to ${neuronWords(context, layer + 1, j)}`;
  }
  if (target.kind === "bias") return `the bias added to ${neuronWords(context, layer + 1, j)}`;
  return neuronWords(context, layer, j);
}

/** Does the target exist in this network? (A shape change can remove the inspected link.) */
export function targetExists(context, target) {
  if (!context || !target) return false;
  const widths = [context.features.length, ...context.hidden, context.outputs];
  const { kind, layer, i, j } = target;
  if (kind === "neuron") return layer >= 0 && layer < widths.length && j >= 0 && j < widths[layer];
  if (layer < 0 || layer >= widths.length - 1 || j < 0 || j >= widths[layer + 1]) return false;
  return kind === "bias" || (i >= 0 && i < widths[layer]);
}

export const sameTarget = (a, b) =>
  Boolean(a && b) && a.kind === b.kind && a.layer === b.layer && (a.i ?? 0) === (b.i ?? 0) && a.j === b.j;

/** The parameter a weight or bias target addresses, as the /slice and /landscape routes spell it. */
export function parameterAddress(target) {
  return target.kind === "bias" ? `${target.layer},bias,${target.j}` : `${target.layer},weight,${target.i},${target.j}`;
}

/** The live value of a weight or bias target in a State: weights[layer][i][j] or biases[layer][j]; null if absent. */
export function parameterValue(state, { layer, kind, i, j }) {
  const entry = state?.layers?.[layer];
  if (!entry) return null;
  return kind === "bias" ? entry.biases?.[j] ?? null : entry.weights?.[i]?.[j] ?? null;
}
