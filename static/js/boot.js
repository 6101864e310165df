/**
 * What every page of the playground wires the same way: the bus, the app state, one repaint per animation
 * frame, the nouns folded into the state, the keyboard shortcuts and the SessionController. A page
 * (main.js, embed.js) says only which views it shows.
 */
import { EVENTS, createBus } from "./events.js";
import { KeyboardShortcuts } from "./KeyboardShortcuts.js";
import { SessionController } from "./SessionController.js";
import { ERROR_SHOWN_MS } from "./StatusBanner.js";
import {
  applyConnection, applyError, applyFrame, applyHover, applyLocalChange, applyLocalSpeed, applyProbe, applySession,
  createAppState,
} from "./store.js";

/** The data a template put in a `<script type="application/json" id=…>` block. */
export const readJson = (id) => JSON.parse(document.getElementById(id).textContent);

/**
 * Start a page. `makeViews({bus, app, invalidate, registries, limits, afterRender, later})` returns the views,
 * each with an idempotent `update(app)`; they repaint in that order, those wrapped in `later(view)` one
 * animation frame after the rest. `afterRender(fn)` runs `fn(app)` after those, once a session is there
 * (the main page sends its probe wishes then).
 */
export function startPage(makeViews) {
  const registries = readJson("registries");
  const limits = readJson("limits");
  const bus = createBus();
  const app = createAppState({ registries, limits });

  let scheduled = false;
  const invalidate = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(render);
  };
  // Views marked `later` (the analysis panels) repaint one animation frame after the others, so a Step's
  // picture is on screen first (the render budget of a frame goes to what the step changed).
  const deferred = new Set();
  const later = (view) => (deferred.add(view), view);
  const rendered = [];
  const afterRender = (fn) => rendered.push(fn);
  const views = makeViews({ bus, app, invalidate, registries, limits, afterRender, later });

  function updateAll(which) {
    for (const view of views) {
      if (deferred.has(view) !== which) continue;
      try {
        view.update(app);
      } catch (error) {
        console.error(`${view.constructor.name}.update failed`, error);
      }
    }
  }

  let laterScheduled = false;
  function renderLater() {
    laterScheduled = false;
    updateAll(true);
    if (app.session) for (const fn of rendered) fn(app);
  }

  function render() {
    scheduled = false;
    updateAll(false);
    if (!laterScheduled) {
      laterScheduled = true;
      requestAnimationFrame(renderLater);
    }
    document.body.dataset.connection = app.connection;
    if (app.heatmaps) document.body.dataset.ready = "true";
  }

  // nouns: fold into the state, repaint on the next animation frame
  bus.on(EVENTS.SESSION, ({ session }) => (applySession(app, session), invalidate()));
  bus.on(EVENTS.FRAME, ({ frame }) => (applyFrame(app, frame), invalidate()));
  bus.on(EVENTS.PROBE, ({ probe }) => (applyProbe(app, probe), invalidate()));
  bus.on(EVENTS.CONNECTION, ({ status }) => (applyConnection(app, status), invalidate()));
  bus.on(EVENTS.HOVER, ({ neuron }) => (applyHover(app, neuron), invalidate()));
  bus.on(EVENTS.SERVER_ERROR, ({ message }) => {
    applyError(app, message, Date.now());
    invalidate();
    setTimeout(invalidate, ERROR_SHOWN_MS + 50);
  });
  // verbs that change what a control shows: show it at once, the server's reply confirms it
  bus.on(EVENTS.CONFIGURE, (change) => (applyLocalChange(app, change), invalidate()));
  bus.on(EVENTS.SPEED, (speed) => (applyLocalSpeed(app, speed), invalidate()));

  new KeyboardShortcuts(document, bus);
  new SessionController(bus).start(location.hash.slice(1));
  invalidate();
  return { bus, app, invalidate };
}
