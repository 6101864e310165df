/**
 * What a learner reads when the server refuses something. Pure: no DOM.
 *
 * The server's refusals are written for scripts (a field path and a validator's words); the page never
 * shows them as they are. It names the setting in plain words and says what happens now; the server's own
 * text goes to the console for whoever debugs.
 */
const SETTINGS = {
  problem: "the problem type",
  dataset: "the data set",
  points: "the data points",
  num_samples: "the number of points",
  noise: "the noise",
  train_percent: "the ratio of training to test data",
  features: "the input features",
  hidden_layers: "the network's shape",
  activation: "the activation",
  output: "the output",
  loss: "the loss",
  optimizer: "the optimizer",
  learning_rate: "the learning rate",
  momentum: "the momentum",
  beta1: "β₁",
  beta2: "β₂",
  alpha: "α",
  eps: "ε",
  regularization: "the regularization",
  regularization_rate: "the regularization rate",
  batch_size: "the batch size",
  init: "the initialization",
  order: "the order",
  seed: "the seed",
  step: "the number of trained steps",
  steps: "the number of steps",
  value: "the new value",
  layer: "the layer",
};

/** The setting a refusal is about, in words ("the loss"), or null when it names none we know. */
export function settingWords(field, message = "") {
  const path = String(field ?? "").split(".");
  for (const part of path.reverse()) if (SETTINGS[part]) return SETTINGS[part];
  const named = /^(\w+):/.exec(message)?.[1] ?? /'(\w+)'/.exec(message)?.[1];
  return SETTINGS[named] ?? null;
}

/** A limit the server named ("at most 32"), as a plain phrase, or "". */
function limitPhrase(message) {
  const match = /\b(at most|at least|below|above|less than|greater than(?: or equal to)?)\s+(-?[\d.e+]+)/i.exec(message);
  return match ? ` (it can be ${match[1].toLowerCase()} ${match[2]})` : "";
}

/** One line for a refused change: what was refused, and that the controls show what is in use. */
export function refusalMessage({ message = "", field = null } = {}) {
  const words = settingWords(field, message);
  const what = words ? `That value of ${words} cannot be used here${limitPhrase(message)}` :
    "That change cannot be used with the other settings";
  return `${what}: the controls show the settings in use.`;
}

/** One line for a link the server would not open. */
export function linkRefusalMessage({ message = "", field = null } = {}) {
  const words = settingWords(field, message);
  const why = words ? `its ${words.replace(/^the /, "")} cannot be used here${limitPhrase(message)}` :
    "its settings do not fit together";
  return `This link could not be opened (${why}): here is the default playground.`;
}
