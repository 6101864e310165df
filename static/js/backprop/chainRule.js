/**
 * The inspector's content: a target's value, gradient and step, and the chain rule with the numbers
 * of one sample and of the batch. Pure: no DOM — the Inspector renders what this returns.
 *
 * The result is {title, words, facts, sections}. A section is {id, heading, note?, lines, table?};
 * a line is a list of tokens: {t: "text", text}, {t: "term", symbol, value, title, target?} (a factor,
 * clickable when it has a target to walk to) or {t: "result", value, id?}.
 *
 * Every number comes from the server: `trace` is GET /inspect (at=backward: the weights the last
 * backward pass saw), `state` the live State, whose gradients are the batch's.
 */
import { neuronSymbol, neuronWords, outputLayer, targetTitle, targetWords } from "./names.js";

const text = (value) => ({ t: "text", text: value });
const term = (symbol, value, title, target) => ({ t: "term", symbol, value, title, target });
const result = (value, id) => ({ t: "result", value, id });
const neuron = (layer, j) => ({ kind: "neuron", layer, j });

/** δ of neuron j of `layer` as a factor that walks to that neuron. */
function deltaTerm(context, layer, j, value, hint) {
  const title = `∂ℓ/∂z of ${neuronWords(context, layer, j)} — ${hint}`;
  return term(`δ(${neuronSymbol(context, layer, j)})`, value, title, neuron(layer, j));
}

/** A weight as a factor that walks to that weight. */
function weightTerm(context, target, value) {
  const { layer, i, j } = target;
  const title = `Weight ${neuronSymbol(context, layer, i)} → ${neuronSymbol(context, layer + 1, j)}`;
  return term("w", value, title, target);
}

/** Tokens of a sum: the items (each a list of tokens) joined by "+". */
function sumOf(items) {
  return items.flatMap((item, k) => (k ? [text("+"), ...item] : item));
}

function activationsInto(trace, layer) {
  return layer === 0 ? trace.input : trace.layers[layer - 1].a;
}

/** What the chain rule of `target` looks like with the numbers of `trace` and `state`. */
export function explain({ context, target, trace, state, config, registries = {} }) {
  const build = { weight: explainWeight, bias: explainBias, neuron: explainNeuron }[target.kind];
  const model = { title: targetTitle(context, target), words: targetWords(context, target), facts: [], sections: [] };
  if (!trace || !state) return model;
  build(model, { context, target, trace, state, config, registries });
  return model;
}

// --- a weight: ∂ℓ/∂w = a_i · δ_j -----------------------------------------------------------------

function explainWeight(model, { context, target, trace, state, config }) {
  const { layer, i, j } = target;
  const from = neuronSymbol(context, layer, i);
  const to = neuronSymbol(context, layer + 1, j);
  const live = state.layers[layer];
  model.facts = facts("w", live.weights[i][j], live.grad_weights?.[i]?.[j], live.step_weights?.[i]?.[j]);

  const entry = trace.layers[layer];
  const a = activationsInto(trace, layer)[i];
  model.sections.push({
    id: "sample",
    heading: `Point #${trace.index} alone`,
    note: `a(${from}) is what flows in along the link; δ(${to}) = ∂ℓ/∂z says how the loss changes with ` +
      `${to}'s weighted sum z.`,
    lines: [[
      text("∂ℓ/∂w ="),
      term(`a(${from})`, a, `The activation of ${neuronWords(context, layer, i)} for this point`, neuron(layer, i)),
      text("·"),
      deltaTerm(context, layer + 1, j, entry.delta[j], "click to see where it comes from"),
      text("="),
      result(entry.grad_weights[i][j], "sample-gradient"),
    ]],
  });
  const terms = trace.batch_terms;
  model.sections.push(batchSection(trace, terms, {
    symbol: "∂L/∂w",
    columns: ["point", `a(${from})`, `δ(${to})`, "a · δ"],
    row: (k) => [terms.a[k], terms.delta[k], terms.terms[k]],
    mean: terms?.mean, penalty: terms?.penalty, total: terms?.total, config,
  }));
  model.sections.push(updateSection("w", live.grad_weights?.[i]?.[j], live.step_weights?.[i]?.[j], config, state.phase,
    entry.weights[i][j], live.weights[i][j]));
}

// --- a bias: ∂ℓ/∂b = δ_j · 1 --------------------------------------------------------------------

function explainBias(model, { context, target, trace, state, config }) {
  const { layer, j } = target;
  const to = neuronSymbol(context, layer + 1, j);
  const live = state.layers[layer];
  model.facts = facts("b", live.biases[j], live.grad_biases?.[j], live.step_biases?.[j]);
  const entry = trace.layers[layer];
  model.sections.push({
    id: "sample",
    heading: `Point #${trace.index} alone`,
    note: "A bias is a weight on an input that is always 1, so its gradient is the neuron's δ.",
    lines: [[
      text("∂ℓ/∂b ="),
      deltaTerm(context, layer + 1, j, entry.delta[j], "click to see where it comes from"),
      text("· 1 ="),
      result(entry.grad_biases[j], "sample-gradient"),
    ]],
  });
  const terms = trace.batch_terms;
  model.sections.push(batchSection(trace, terms, {
    symbol: "∂L/∂b",
    columns: ["point", `δ(${to})`],
    row: (k) => [terms.delta[k]],
    mean: live.grad_biases?.[j], penalty: null, total: live.grad_biases?.[j], config,
  }));
  model.sections.push(updateSection("b", live.grad_biases?.[j], live.step_biases?.[j], config, state.phase,
    entry.biases[j], live.biases[j]));
}

// --- a neuron: z = Σ a_i w_ij + b, a = f(z), δ = f′(z) · Σ_k w_jk δ_k ----------------------------

function explainNeuron(model, { context, target, trace, state, config, registries }) {
  const { layer, j } = target;
  const symbol = neuronSymbol(context, layer, j);
  if (layer === 0) {
    model.facts = [{ symbol, label: "value", value: trace.input[j], title: `Input ${symbol} of point #${trace.index}`,
      id: "value" }];
    model.sections.push({
      id: "sample", heading: `Point #${trace.index}`, lines: [[text(`${symbol} =`), result(trace.input[j])]],
      note: "An input is data, not a parameter: the chain rule stops here. " +
        "Its value multiplies every weight leaving it.",
    });
    return;
  }
  const entry = trace.layers[layer - 1];
  const isOutput = layer === outputLayer(context);
  const batchMean = state.layers[layer - 1];
  model.facts = [
    { symbol: "a", label: "activation", value: entry.a[j], title: `Its output for point #${trace.index}`, id: "a" },
    { symbol: "δ = ∂ℓ/∂z", label: "error", value: entry.delta[j], id: "delta",
      title: `How the loss of point #${trace.index} changes with this neuron's weighted sum z` },
    { symbol: "δ̄", label: "batch mean", value: batchMean.delta?.[j], title: "δ averaged over the batch",
      id: "batch-delta" },
  ];
  model.sections.push(forwardSection(context, trace, layer, j, isOutput, config, registries));
  model.sections.push(isOutput ? outputDeltaSection(context, trace, j, config, registries)
    : hiddenDeltaSection(context, trace, layer, j));
  model.sections.push({
    id: "batch",
    heading: "The batch",
    note: "The bias of this neuron learns from the batch mean of δ.",
    lines: [[text(`∂L/∂b(${symbol}) = mean(δ) =`), result(batchMean.grad_biases?.[j])]],
  });
}

function forwardSection(context, trace, layer, j, isOutput, config, registries) {
  const entry = trace.layers[layer - 1];
  const inputs = activationsInto(trace, layer - 1);
  const products = inputs.map((a, i) => [
    term(`a(${neuronSymbol(context, layer - 1, i)})`, a, `Activation of ${neuronWords(context, layer - 1, i)}`,
      neuron(layer - 1, i)),
    text("·"),
    weightTerm(context, { kind: "weight", layer: layer - 1, i, j }, entry.weights[i][j]),
  ]);
  const bias = [term("b", entry.biases[j], "The bias", { kind: "bias", layer: layer - 1, j })];
  const f = isOutput ? registries.outputs?.find((o) => o.name === config.output)
    : registries.activations?.find((a) => a.name === config.activation);
  const formula = f?.formula ?? "f(z)";
  return {
    id: "forward",
    heading: "Forward: input times weight, add a bias, activate",
    lines: [
      [text("z ="), ...sumOf([...products, bias]), text("="), result(entry.z[j], "z")],
      [text(`${isOutput ? "ŷ" : "a"} = ${formula} =`), result(entry.a[j], "a")],
    ],
  };
}

function hiddenDeltaSection(context, trace, layer, j) {
  const entry = trace.layers[layer - 1];
  const next = trace.layers[layer];
  const symbol = neuronSymbol(context, layer, j);
  const products = next.delta.map((delta, k) => [
    weightTerm(context, { kind: "weight", layer, i: j, j: k }, next.weights[j][k]),
    text("·"),
    deltaTerm(context, layer + 1, k, delta, "click to walk on"),
  ]);
  return {
    id: "backward",
    heading: "Backward: δ = ∂ℓ/∂z, the error that reaches this neuron",
    note: "Each neuron it feeds sends back its own δ, weighted by the link; f′(z) scales the sum.",
    lines: [[
      text("δ ="),
      term("f′(z)", entry.df[j], "The activation's slope at z: small when the neuron is saturated"),
      text("· ("), ...sumOf(products), text(") ="),
      result(entry.delta[j], "delta"),
    ]],
  };
}

function outputDeltaSection(context, trace, j, config, registries) {
  const entry = trace.layers.at(-1);
  const target = context.outputs > 1 ? Number(trace.target === j) : trace.target;
  const loss = registries.losses?.find((l) => l.name === config.loss);
  const lossLine = [text(`ℓ = ${loss?.label ?? config.loss}(ŷ, y) =`), result(trace.loss, "loss")];
  const y = term("y", target,
    context.outputs > 1 ? "1 for the point's class, 0 otherwise" : "The target of this point");
  const yHat = term("ŷ", entry.a[j], "The network's output for this point");
  if (config.output === "softmax" && trace.dloss_dyhat != null) {
    return {
      id: "backward",
      heading: "Backward starts here: compare the output with the target",
      note: "A softmax output mixes every class, so δ sums ∂ℓ/∂ŷ over all outputs through softmax's slopes.",
      lines: [[text("ŷ ="), yHat, text("vs"), y], lossLine,
        [text("∂ℓ/∂ŷ ="), result(trace.dloss_dyhat[j]), text("→ δ ="), result(entry.delta[j], "delta")]],
    };
  }
  if (trace.dloss_dyhat == null) {
    return {
      id: "backward",
      heading: "Backward starts here: compare the output with the target",
      note: `With cross-entropy on a ${config.output} output the derivative simplifies to ŷ − y.`,
      lines: [lossLine, [text("δ ="), yHat, text("−"), y, text("="), result(entry.delta[j], "delta")]],
    };
  }
  return {
    id: "backward",
    heading: "Backward starts here: compare the output with the target",
    note: "The loss's slope at ŷ, times the output function's slope at z.",
    lines: [
      [text("ŷ ="), yHat, text("vs"), y],
      lossLine,
      [text("δ ="), term("∂ℓ/∂ŷ", trace.dloss_dyhat[j], "How the loss changes with the output"), text("·"),
        term("f′(z)", entry.df?.[j], "The output function's slope at z"), text("="), result(entry.delta[j], "delta")],
    ],
  };
}

// --- shared sections -----------------------------------------------------------------------------

function facts(symbol, value, gradient, step) {
  return [
    { symbol, label: "value", value, title: "Its current value", id: "value" },
    { symbol: `∂L/∂${symbol}`, label: "gradient", value: gradient, id: "gradient",
      title: "The batch gradient of the loss: what the update uses (after the backward phase)" },
    { symbol: `Δ${symbol}`, label: "last step", value: step, id: "step", title: "The change the last update made" },
  ];
}

function batchSection(trace, terms, { symbol, columns, row, mean, penalty, total, config }) {
  if (!terms) {
    return { id: "batch", heading: "The batch", lines: [],
      note: "The batch gradient appears once the backward phase has run (Phase step until backward)." };
  }
  const count = terms.indices.length;
  const withPenalty = penalty != null && config.regularization !== "none" && config.regularization_rate > 0;
  const line = [text(`${symbol} = mean over ${count} points`),
    term("mean", mean, "The mean of the per-point terms below")];
  if (withPenalty) line.push(text("+"), term("penalty", penalty, `${config.regularization} regularization's share`));
  line.push(text("="), result(total, "batch-gradient"));
  const inBatch = terms.indices.includes(trace.index);
  return {
    id: "batch",
    heading: `The batch of ${count} points: the mean of every point's term${withPenalty ? ", plus the penalty" : ""}`,
    note: inBatch ? null : `Point #${trace.index} is not in this batch: its term does not count in this step.`,
    lines: [line],
    table: {
      columns,
      rows: terms.indices.map((index, k) => ({ index, cells: row(k), selected: index === trace.index })),
    },
  };
}

function updateSection(symbol, gradient, step, config, phase, before, now) {
  const section = { id: "update", heading: "Update: a step against the gradient", lines: [] };
  if (config.optimizer === "sgd") {
    section.lines.push([text(`Δ${symbol} = −η ·`), term("η", config.learning_rate, "The learning rate"),
      text("·"), term(`∂L/∂${symbol}`, gradient, "The batch gradient"), text("="),
      result(gradient == null ? null : -config.learning_rate * gradient, "planned-step")]);
  } else {
    section.note = `${config.optimizer} turns the gradient into a step with its running averages, ` +
      `so Δ${symbol} is not just −η·∂L/∂${symbol}.`;
  }
  if (phase === "update" && step != null) {
    section.heading = "Update: the step just taken";
    section.lines.push([text(`${symbol}:`), term("before", before, "The value the gradient was computed at"),
      text("+"), term(`Δ${symbol}`, step, "The step the optimizer took"), text("="), result(now, "new-value")]);
  }
  return section;
}
