/**
 * What a data set or problem-type click sends. Pure: no DOM.
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

/** Config patch for switching the problem type: its first data set. */
export function patchForProblem(problem, datasets) {
  const [first] = datasetsFor(problem, datasets);
  return first ? { problem, dataset: first.name } : { problem };
}
