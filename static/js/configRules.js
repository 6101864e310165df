/**
 * What a data set, problem-type, output or loss choice sends. Pure: no DOM.
 * The server picks the output and loss that fit the data set (linear + MSE for regression, softmax for
 * more than two classes), so the page only names the data set and its problem type.
 */

/** The data sets of a problem type, in registry order ("custom" needs points, so it has no thumbnail). */
export function datasetsFor(problem, datasets) {
  return datasets.filter((d) => d.problem === problem && d.name !== "custom");
}

/** Config patch for choosing data set `name`. */
export function patchForDataset(name, datasets) {
  const dataset = datasets.find((d) => d.name === name);
  return dataset ? { dataset: name, problem: dataset.problem } : { dataset: name };
}

/** Config patch for switching the problem type: the setup it had last (`memory[problem]`), else its first
 * data set (the server then picks the output and loss that fit). */
export function patchForProblem(problem, datasets, memory = {}) {
  const remembered = memory[problem];
  if (remembered) return { problem, ...remembered };
  const [first] = datasetsFor(problem, datasets);
  return first ? { problem, dataset: first.name } : { problem };
}

const labelOf = (registry, name) => registry.find((entry) => entry.name === name)?.label ?? name;

/** The output heads that fit a problem with `numClasses` classes (0 for regression), in registry order. */
export function outputsFor(problem, numClasses, outputs) {
  return outputs.filter((o) => o.problems.includes(problem) && (numClasses <= 2 || o.multiclass));
}

/** Can `loss` be chosen at all for this problem (with some output that fits it)? */
export function lossPossible(loss, problem, numClasses, outputs) {
  return outputsFor(problem, numClasses, outputs).some((o) => o.losses.includes(loss));
}

/**
 * What choosing loss `loss` sends: {patch, note}. A loss the current output cannot take also switches the
 * output to the first one that takes it, and `note` says so in one line; null when no output of the
 * problem takes it (the control offers it disabled).
 */
export function patchForLoss(loss, config, numClasses, { outputs, losses }) {
  const fitting = outputsFor(config.problem, numClasses, outputs).filter((o) => o.losses.includes(loss));
  if (!fitting.length) return null;
  if (fitting.some((o) => o.name === config.output)) return { patch: { loss }, note: null };
  const output = fitting[0];
  const note = `${labelOf(losses, loss)} needs a ${fitting.map((o) => o.name).join(" or ")} output, ` +
    `so the output is now ${output.label}.`;
  return { patch: { loss, output: output.name }, note };
}

/** What choosing output `name` sends: {patch, note}; the loss stays when it fits, else MSE (noted). */
export function patchForOutput(name, config, { outputs, losses }) {
  const head = outputs.find((o) => o.name === name);
  if (!head || head.losses.includes(config.loss)) return { patch: { output: name, loss: config.loss }, note: null };
  const loss = head.losses.includes("mse") ? "mse" : head.losses[0];
  const note = `${labelOf(losses, config.loss)} does not work with a ${head.label} output, ` +
    `so the loss is now ${labelOf(losses, loss)}.`;
  return { patch: { output: name, loss }, note };
}

/** What each problem type remembers of its last setup: data set, output and loss. Pure update. */
export function rememberSetup(memory, config) {
  if (!config) return memory;
  const { problem, dataset, output, loss } = config;
  if (dataset === "custom") return memory; // custom points travel in the config; the thumbnail set does not know them
  return { ...memory, [problem]: { dataset, output, loss } };
}

/** The data set a problem type had last, as soon as the learner picks it (before the server confirms it). */
export function rememberDataset(memory, { problem, dataset } = {}) {
  if (!problem || !dataset || dataset === "custom") return memory;
  return { ...memory, [problem]: { ...memory[problem], dataset } };
}
