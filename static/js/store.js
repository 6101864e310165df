/**
 * The page's state, and how each noun from the server changes it. Pure: no DOM.
 *
 * Views never keep their own copy of server data: they read this object in `update(app)`. Every
 * sub-object the server replaces is replaced here too, so a view can tell "changed" by identity.
 */
import { LossHistory } from "./lossHistory.js";

export function createAppState({ registries, limits }) {
  return {
    registries,
    limits,
    session: null, // {id, share_hash, data, features}
    config: null,
    view: { show_test_data: false, discretize: false, hide_text: false, hidden: [] },
    shareHash: "", // opens this setup, untrained
    trainedHash: "", // opens this network as trained (share hash + step=N); "" when a replay would not give it back
    data: null,
    state: null,
    heatmaps: null,
    playing: false,
    speed: { stepsPerSecond: null, unit: "step" }, // the server's pace; unit "phase" = narrated play
    connection: "connecting",
    error: null, // {message, at}
    hover: null, // {layer, index}: the neuron whose map the output plot shows
    history: new LossHistory(),
    // what follows training over the socket: {revision, slice, trajectory, position} and the landscape's
    // grid (kept: a probe message carries the grid only when it was computed again)
    probe: { revision: -1, slice: null, landscape: null, trajectory: null, position: null },
    revision: 0, // bumped by every change; views may use it to skip identical repaints
  };
}

function recordLoss(app, state) {
  if (!state) return;
  app.history.push(state.step, state.loss?.train ?? null, state.loss?.test ?? null);
}

/** A full session (on connect, and after reset, regenerate and configure). */
export function applySession(app, session) {
  const dataChanged = session.data !== undefined;
  if (app.session && app.session.id !== session.id) { // another session (a lesson's next stage): a new curve
    app.history.clear();
    app.state = null;
  }
  app.session = session;
  app.config = session.config;
  app.view = { ...app.view, ...(session.view ?? {}) };
  app.shareHash = session.share_hash ?? app.shareHash;
  if ("trained_hash" in session) app.trainedHash = session.trained_hash ?? ""; // null: no replayable link
  if (dataChanged) app.data = session.data;
  if (session.state) applyState(app, session.state);
  if (app.hover && !neuronExists(app, app.hover)) app.hover = null;
  app.revision++;
}

/** A live frame: {revision, playing, steps_per_second, speed_unit, trained_hash, state, heatmaps}. */
export function applyFrame(app, frame) {
  app.playing = Boolean(frame.playing);
  if ("trained_hash" in frame) app.trainedHash = frame.trained_hash ?? "";
  if ("speed_unit" in frame) app.speed = { stepsPerSecond: frame.steps_per_second ?? null, unit: frame.speed_unit };
  if (frame.state) applyState(app, frame.state);
  if (frame.heatmaps) app.heatmaps = frame.heatmaps;
  app.revision++;
}

/** A `probe` message: each part it carries replaces the last; the landscape's grid only when it came again. */
export function applyProbe(app, message) {
  app.probe = { ...message, landscape: message.landscape ?? (message.trajectory ? app.probe.landscape : null) };
  app.revision++;
}

/** A bare State; a step counter that went backwards (reset, new shape) restarts the loss curve. */
export function applyState(app, state) {
  if (app.state && state.step < app.state.step) app.history.clear();
  app.state = state;
  recordLoss(app, state);
  app.revision++;
}

/** Optimistic: show a control's new value at once; the server's session message confirms or corrects it. */
export function applyLocalChange(app, { config, view }) {
  if (config && app.config) app.config = { ...app.config, ...config };
  if (view) app.view = { ...app.view, ...view };
  app.revision++;
}

/** A pace asked for (the speed control, narration): shown at once; the server's next frame confirms it. */
export function applyLocalSpeed(app, { stepsPerSecond, unit = "step" }) {
  app.speed = { stepsPerSecond, unit };
  app.revision++;
}

/** The socket's state: "connecting", "open", "closed"... */
export function applyConnection(app, status) {
  app.connection = status;
  app.revision++;
}

/** The neuron whose map the output plot shows ({layer, index}), or null. */
export function applyHover(app, neuron) {
  app.hover = neuron;
  app.revision++;
}

/** A message from the server to show for a while, with the time it came (ms since the epoch). */
export function applyError(app, message, at) {
  app.error = { message, at };
  app.revision++;
}

export function neuronExists(app, { layer, index }) {
  const widths = app.config?.hidden_layers ?? [];
  if (layer === 0) return index < (app.session?.features?.length ?? 0);
  return layer <= widths.length && index < widths[layer - 1];
}
