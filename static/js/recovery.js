/**
 * A session the server forgot, made again. Pure: no DOM.
 *
 * A trained link replays the run from its settings; whether that gave back *this* run is checked, not
 * assumed: the same step count and every weight and bias equal, number for number.
 */

/** Do two States hold the same run: the same step, and every weight and bias equal? */
export function sameRun(state, other) {
  if (!state || !other || state.step !== other.step || state.layers?.length !== other.layers?.length) return false;
  return state.layers.every((layer, l) => sameNumbers(layer.weights, other.layers[l].weights) &&
    sameNumbers(layer.biases, other.layers[l].biases));
}

function sameNumbers(a, b) {
  if (Array.isArray(a) || ArrayBuffer.isView(a)) {
    return (Array.isArray(b) || ArrayBuffer.isView(b)) && a.length === b.length &&
      Array.from(a).every((value, k) => sameNumbers(value, b[k]));
  }
  return a === b || (Number.isNaN(a) && Number.isNaN(b)) || (a == null && b == null);
}

/** What a learner is told when a forgotten run could not be replayed: what was lost, and why. */
export function lostRunMessage({ step, trained, maxReplaySteps = Infinity }) {
  let why;
  if (step > maxReplaySteps) why = `its ${step} steps are more than a link replays (${maxReplaySteps})`;
  else if (!trained) why = "a weight was set by hand or a setting changed while it trained, so no link replays it";
  else why = "replaying its link did not give the same network back";
  return `The server restarted and this run was lost (${why}). ` +
    `It starts again from step 0 with the same settings.`;
}
