/**
 * Wires the page: the bus, the app state, the views and the SessionController.
 * Nouns from the server update the state at once; the views repaint once per animation frame from
 * the latest state, whatever number of frames arrived in between.
 */
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
import { applyFrame, applyLocalChange, applySession, createAppState } from "./store.js";
import { TopBar } from "./TopBar.js";

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

const card = new HoverCard(byId("hover-card"), bus);
const views = [
  new TopBar(byId("top-bar"), bus, registries),
  new DataPanel(byId("data-panel"), bus, registries),
  new NetworkView(byId("network"), bus, { registries, limits, card, invalidate }),
  new OutputView(byId("output"), bus, registries),
  new LossChart(byId("loss-chart"), { invalidate }),
  new StatusBanner(byId("status-banner")),
  new CopyLink(byId("copy-link")),
  card,
];

function render() {
  scheduled = false;
  for (const view of views) {
    try {
      view.update(app);
    } catch (error) {
      console.error(`${view.constructor.name}.update failed`, error);
    }
  }
  document.body.dataset.connection = app.connection;
  if (app.heatmaps) document.body.dataset.ready = "true";
}

// nouns: fold into the state, repaint on the next animation frame
bus.on(EVENTS.SESSION, ({ session }) => (applySession(app, session), invalidate()));
bus.on(EVENTS.FRAME, ({ frame }) => (applyFrame(app, frame), invalidate()));
bus.on(EVENTS.HEATMAPS, ({ heatmaps }) => ((app.heatmaps = heatmaps), invalidate()));
bus.on(EVENTS.CONNECTION, ({ status }) => ((app.connection = status), invalidate()));
bus.on(EVENTS.HOVER, ({ neuron }) => ((app.hover = neuron), invalidate()));
bus.on(EVENTS.SERVER_ERROR, ({ message }) => {
  app.error = { message, at: Date.now() };
  invalidate();
  setTimeout(invalidate, ERROR_SHOWN_MS + 50);
});
// verbs that change what a control shows: show it at once, the server's reply confirms it
bus.on(EVENTS.CONFIGURE, (change) => (applyLocalChange(app, change), invalidate()));

new KeyboardShortcuts(document, bus);
new SessionController(bus, { heatmapSize: limits.heatmap_size, neuronMapSize: limits.neuron_map_size })
  .start(location.hash.slice(1));
invalidate();
