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
 * Start a page. `makeViews({bus, app, invalidate, registries, limits, afterRender})` returns the views, each
 * with an idempotent `update(app)`; they repaint in that order. `afterRender(fn)` runs `fn(app)` after
 * each repaint once a session is there (the main page sends its probe wishes then).
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
  const rendered = [];
  const afterRender = (fn) => rendered.push(fn);
  const views = makeViews({ bus, app, invalidate, registries, limits, afterRender });

  function render() {
    scheduled = false;
    for (const view of views) {
      try {
        view.update(app);
      } catch (error) {
        console.error(`${view.constructor.name}.update failed`, error);
      }
    }
    if (app.session) for (const fn of rendered) fn(app);
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
