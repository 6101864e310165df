/**
 * What a race's variants are called and drawn in. Pure: no DOM.
 */
export const VARIANT_COLORS = ["#c2185b", "#2a7d4f", "#6a3fb5", "#1f2d3a"]; // apart from the data's orange and blue

const NAMES = {
  learning_rate: "learning rate",
  batch_size: "batch size",
  regularization_rate: "regularization rate",
  beta1: "β₁",
  beta2: "β₂",
  eps: "ε",
  alpha: "α",
};

/** "Adam, learning rate 0.01" for {optimizer: "adam", learning_rate: 0.01}, with labels from the registries. */
export function variantLabel(variant, registries) {
  const parts = [];
  for (const [field, value] of Object.entries(variant)) {
    const registry = { optimizer: "optimizers", init: "inits", activation: "activations", loss: "losses",
      regularization: "regularizations", order: "orders" }[field];
    if (registry) {
      const entry = registries?.[registry]?.find((item) => item.name === value);
      parts.push(field === "optimizer" ? (entry?.label ?? value) : `${field} ${entry?.label ?? value}`);
    } else {
      parts.push(`${NAMES[field] ?? field.replaceAll("_", " ")} ${value}`);
    }
  }
  return parts.join(", ") || "the base setup";
}

/** A short description of the setup every variant shares. */
export function setupLabel(config) {
  const shape = [config.features.length, ...config.hidden_layers, "out"].join("–");
  return `${config.dataset} data, network ${shape}, ${config.activation}, batch ${config.batch_size}, ` +
    `learning rate ${config.learning_rate}, seed ${config.seed}`;
}
