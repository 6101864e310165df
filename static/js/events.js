/**
 * Every event name the page uses, declared once.
 *
 * Data flows down as nouns (the server said something), actions flow up as verbs (the user asked for
 * something). Views emit verbs; the SessionController listens to verbs and emits nouns; main.js folds
 * the nouns into the app state and repaints.
 */
export const EVENTS = Object.freeze({
  // nouns: the server's word, or a change of what the page shows
  SESSION: "session", // {session}: full session (config, view, share_hash, data, features, state)
  FRAME: "frame", // {frame}: {revision, playing, steps_per_second, speed_unit, trained_hash, state, heatmaps}
  CONNECTION: "connection", // {status: "connecting"|"open"|"reconnecting"|"failed"}
  SERVER_ERROR: "server-error", // {message, field?}
  HOVER: "hover", // {neuron: {layer, index} | null}: the map the output plot shows
  PROBE: "probe", // {probe}: the slice / landscape numbers that follow training (docs/api.md, "probe")

  // verbs: what the user asks for
  TOGGLE_PLAY: "toggle-play",
  PLAY: "play",
  PAUSE: "pause",
  STEP: "step", // {steps}
  PHASE: "phase",
  RESET: "reset",
  REGENERATE: "regenerate",
  CONFIGURE: "configure", // {config?, view?}: partial config and/or view
  SPEED: "speed", // {stepsPerSecond: number | null, unit?: "step" | "phase"}
  PROBES: "probes", // {slice, landscape, refresh?}: what the derivative view and the landscape follow (null: hidden)
  SET_PARAMETER: "set-parameter", // {layer, kind: "weight"|"bias", i, j, value}
  SET_POINTS: "set-points", // {points: [[x, y, label], ...]} or {csv: "x,y,label\n..."}: train on your own data
  SELECT_SAMPLE: "select-sample", // {index: train index | null}: whose numbers the backprop views show
  INSPECT: "inspect", // {target: {kind: "weight"|"bias"|"neuron", layer, i?, j} | null, walk?}
  INSPECT_BACK: "inspect-back", // back along the path walked in the inspector
  NARRATE: "narrate", // {on}: play phase by phase, slowly, with the caption
  OPEN: "open", // {hash}: leave this session and open the setup of a share hash (a lesson's stage)
});

/**
 * The page's one bus. `on` returns an unsubscribe function; `emit` delivers `detail` synchronously.
 */
export function createBus() {
  const target = new EventTarget();
  return {
    on(name, handler) {
      const listener = (event) => handler(event.detail);
      target.addEventListener(name, listener);
      return () => target.removeEventListener(name, listener);
    },
    emit(name, detail = {}) {
      if (!Object.values(EVENTS).includes(name)) throw new Error(`unknown event ${name}`);
      target.dispatchEvent(new CustomEvent(name, { detail }));
    },
  };
}
