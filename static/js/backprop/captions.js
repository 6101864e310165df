/**
 * One plain sentence for each phase of an iteration, with the numbers of the moment. Pure: no DOM.
 */
import { formatValue } from "../format.js";

const OPTIMIZER_WORDS = {
  momentum: "SGD with momentum", nesterov: "Nesterov momentum", rmsprop: "RMSprop", adam: "Adam",
};

function outputText(output) {
  if (!Array.isArray(output)) return formatValue(output, 3);
  return output.length === 1 ? formatValue(output[0], 3) : `(${output.map((v) => formatValue(v, 2)).join(", ")})`;
}

/**
 * @param {object} p
 * @param {string} p.phase        ready | forward | loss | backward | update
 * @param {object} p.state        the live State
 * @param {object} p.config       the session's config
 * @param {object|null} p.trace   GET /inspect of the selected point, when one is chosen
 * @param {boolean} p.playing     training runs
 * @param {string} p.unit         "phase" while narrated play walks the phases, else "step"
 * @param {string} p.activation   the hidden activation's label
 */
export function phaseCaption({ phase, state, config, trace = null, playing = false, unit = "step", activation = "" }) {
  const batchSize = state?.batch?.indices?.length ?? config?.batch_size ?? 0;
  const point = trace ? `point #${trace.index}` : null;
  if (playing && unit !== "phase") {
    return "Training: every iteration runs forward, loss, backward and update on one batch — pause, then press " +
      "Phase step to watch one iteration unfold.";
  }
  switch (phase) {
    case "forward": {
      const tail = trace ? `; for ${point} the output is ŷ = ${outputText(trace.layers.at(-1).a)}` : "";
      return `Forward: a batch of ${batchSize} points flows from the inputs to the output — each neuron multiplies ` +
        `its inputs by the weights, adds its bias and applies ${activation || "its activation"}${tail}.`;
    }
    case "loss": {
      const cost = state?.batch?.cost;
      const costText = cost == null ? ""
        : `the batch cost, the mean of ${batchSize} losses, is ${formatValue(cost, 3)}`;
      if (trace) {
        return `Loss: each output is compared with its target — for ${point} the network says ` +
          `ŷ = ${outputText(trace.layers.at(-1).a)} where y = ${formatValue(trace.target, 3)}, a loss of ` +
          `${formatValue(trace.loss, 3)}${costText ? `, and ${costText}` : ""}.`;
      }
      return `Loss: each output is compared with its target${costText ? ` — ${costText}` : ""}.`;
    }
    case "backward":
      return "Backward: the error flows back from the output to the inputs — each neuron gets its " +
        "δ = ∂L/∂z and each link its gradient ∂L/∂w, the share of the loss it is to blame for " +
        "(thin, pale links barely learn).";
    case "update": {
      if (config?.optimizer === "sgd") {
        return "Update: every weight takes a step against its gradient, " +
          `w ← w − ${config.learning_rate} · ∂L/∂w — the links show the step ΔW, then the new weights.`;
      }
      const name = OPTIMIZER_WORDS[config?.optimizer] ?? config?.optimizer ?? "the optimizer";
      return `Update: ${name} turns each gradient into a step ΔW and every weight moves by it — the links show ` +
        "the step, then the new weights.";
    }
    default:
      return "Ready: press Phase step (Shift + →) to walk through one training iteration — forward, loss, " +
        "backward, update — or Narrate to watch it play slowly.";
  }
}
