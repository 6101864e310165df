/**
 * Wires the page: the bus, the app state, the views and the SessionController.
 * Nouns from the server update the state at once; the views repaint once per animation frame from
 * the latest state, whatever number of frames arrived in between.
 */
import { ControlVisibility } from "./ControlVisibility.js";
import { CopyLink } from "./CopyLink.js";
import { DataPanel } from "./DataPanel.js";
import { EVENTS, createBus } from "./events.js";
import { HoverCard } from "./HoverCard.js";
import { KeyboardShortcuts } from "./KeyboardShortcuts.js";
import { LossChart } from "./LossChart.js";
import { NetworkView } from "./NetworkView.js";
import { OutputView } from "./OutputView.js";
import { SessionController } from "./SessionController.js";
import { ERROR_SHOWN_MS, StatusBanner } from "./StatusBanner.js";
import {
  applyConnection, applyError, applyFrame, applyHover, applyLocalChange, applyLocalSpeed, applyProbe, applySession,
  createAppState,
} from "./store.js";
import { TopBar } from "./TopBar.js";
import { BackpropController } from "./backprop/BackpropController.js";
import { DerivativeView } from "./backprop/DerivativeView.js";
import { GradientCheck } from "./backprop/GradientCheck.js";
import { GradientHealth } from "./backprop/GradientHealth.js";
import { Inspector } from "./backprop/Inspector.js";
import { LandscapeView } from "./backprop/LandscapeView.js";
import { NetworkPhases } from "./backprop/NetworkPhases.js";
import { PhaseCaption } from "./backprop/PhaseCaption.js";
import { SamplePicker } from "./backprop/SamplePicker.js";
import { LessonPanel } from "./lessons/LessonPanel.js";

const readJson = (id) => JSON.parse(document.getElementById(id).textContent);
const byId = (id) => document.getElementById(id);

const registries = readJson("registries");
const limits = readJson("limits");
const bus = createBus();
const app = createAppState({ registries, limits });

let scheduled = false;
function invalidate() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(render);
}

// What the derivative view and the landscape want to follow: each view says it in its update; one
// `probes` message goes out when the whole wish changes (docs/api.md, "Probes over the socket").
const wishes = { slice: null, landscape: null, refresh: false };
let wishSent = null;
const wish = (name) => (value, { refresh = false } = {}) => {
  wishes[name] = value ?? null;
  wishes.refresh = wishes.refresh || refresh;
};
function sendWishes() {
  const key = JSON.stringify([wishes.slice, wishes.landscape]);
  if (key === wishSent && !wishes.refresh) return;
  wishSent = key;
  bus.emit(EVENTS.PROBES, { ...wishes });
  wishes.refresh = false;
}

// The analysis panels repaint one animation frame after the network, the output and the counters, so a
// Step's picture is on screen first (the render budget of a frame goes to what the step changed).
const deferred = new Set();
const later = (view) => (deferred.add(view), view);

const card = new HoverCard(byId("hover-card"));
const network = new NetworkView(byId("network"), bus, { registries, limits, card, invalidate });
const views = [
  new BackpropController(bus, app, invalidate), // first: the views below read what it decides
  new TopBar(byId("top-bar"), bus, registries),
  new DataPanel(byId("data-panel"), bus, registries),
  network,
  new NetworkPhases(network), // after NetworkView: it decorates the diagram
  new PhaseCaption(byId("phase-caption"), bus),
  new Inspector(byId("inspector"), bus),
  new OutputView(byId("output"), bus, registries),
  new SamplePicker(byId("output").querySelector(".output-plot"), bus),
  later(new DerivativeView(byId("derivative-view"), { invalidate, wish: wish("slice") })),
  later(new LandscapeView(byId("landscape-view"), { invalidate, wish: wish("landscape") })),
  later(new GradientHealth(byId("gradient-health"), { invalidate })),
  later(new GradientCheck(byId("gradient-check"))),
  new LossChart(byId("loss-chart"), { invalidate }),
  new StatusBanner(byId("status-banner")),
  new ControlVisibility(document),
  new CopyLink(byId("copy-link")),
  new CopyLink(byId("copy-trained-link"), {
    // the server offers no trained hash when a replay would not give this network back
    hashOf: (now) => now.trainedHash,
    titleOf: (now) => trainedLinkTitle(now.state?.step ?? 0, Boolean(now.trainedHash)),
  }),
  card,
];

function trainedLinkTitle(step, available) {
  if (!step) return "Copy a link to this network as trained: available once it has taken a step";
  if (!available) {
    return "No trained link for this run: a setting changed while it trained, a weight was set by hand, " +
      "or it is longer than a link replays. Reset (R) to start a run that can be shared.";
  }
  return `Copy a link that opens this network after its ${step} step${step === 1 ? "" : "s"}: ` +
    "the same setup, trained again exactly as here";
}

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
  if (app.session) sendWishes();
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

if (byId("lesson-panel")) views.push(new LessonPanel(byId("lesson-panel"), bus, readJson("lesson")));

new KeyboardShortcuts(document, bus);
if (/(^|&)race=/.test(location.hash.slice(1))) location.replace(`/race${location.hash}`); // a race's link
else new SessionController(bus).start(location.hash.slice(1));
invalidate();
