/**
 * What else a control change implies, so a single click sends a consistent config. Pure: no DOM.
 * The server validates; these rules only spare the user a config the server would refuse.
 */

/** The data sets of a problem type, in registry order ("custom" needs points, so it has no thumbnail). */
export function datasetsFor(problem, datasets) {
  return datasets.filter((d) => d.problem === problem && d.name !== "custom");
}

/** The output and loss that fit a data set: linear + mse for regression, softmax for more than two classes. */
export function headFor(dataset, config) {
  if (!dataset || dataset.problem === "regression") return { output: "linear", loss: "mse" };
  if (dataset.num_classes > 2) return { output: "softmax", loss: "cross_entropy" };
  const output = ["sigmoid", "tanh"].includes(config.output) ? config.output : "sigmoid";
  const loss = config.loss && config.loss !== "mse" && config.problem === "classification" ? config.loss : "cross_entropy";
  return { output, loss };
}

/** Config patch for choosing data set `name`. */
export function patchForDataset(name, datasets, config) {
  const dataset = datasets.find((d) => d.name === name);
  const patch = { dataset: name };
  if (!dataset) return patch;
  patch.problem = dataset.problem;
  const head = headFor(dataset, config);
  const wasMulticlass = (datasets.find((d) => d.name === config.dataset)?.num_classes ?? 2) > 2;
  const isMulticlass = dataset.num_classes > 2;
  if (dataset.problem !== config.problem || wasMulticlass !== isMulticlass) Object.assign(patch, head);
  return patch;
}

/** Config patch for switching the problem type: its first data set, and the head that fits it. */
export function patchForProblem(problem, datasets, config) {
  const [first] = datasetsFor(problem, datasets);
  if (!first) return { problem };
  return { problem, dataset: first.name, ...headFor(first, { ...config, problem }) };
}
