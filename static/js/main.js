/**
 * The playground's main page: which views it shows (boot.js wires the bus, the state, the repaint loop
 * and the SessionController; /embed shows a few of the same views, embed.js).
 */
import { readJson, startPage } from "./boot.js";
import { EVENTS } from "./events.js";
import { formatCount } from "./format.js";
import { ControlVisibility } from "./ControlVisibility.js";
import { CopyLink, embedSnippet } from "./CopyLink.js";
import { DataPanel } from "./DataPanel.js";
import { ExportMenu } from "./ExportMenu.js";
import { HoverCard } from "./HoverCard.js";
import { LossChart } from "./LossChart.js";
import { MiniOutput } from "./MiniOutput.js";
import { NetworkView } from "./NetworkView.js";
import { OutputView } from "./OutputView.js";
import { OwnDataPanel } from "./OwnDataPanel.js";
import { PointEditor } from "./PointEditor.js";
import { StatusBanner } from "./StatusBanner.js";
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

const byId = (id) => document.getElementById(id);

const startMain = () => startPage(({ bus, app, invalidate, registries, limits, afterRender, later }) => {
  // What the derivative view and the landscape want to follow: each view says it in its update; one
  // `probes` message goes out when the whole wish changes (docs/api.md, "Probes over the socket").
  const wishes = { slice: null, landscape: null, refresh: false };
  let wishSent = null;
  const wish = (name) => (value, { refresh = false } = {}) => {
    wishes[name] = value ?? null;
    wishes.refresh = wishes.refresh || refresh;
  };
  afterRender(() => {
    const key = JSON.stringify([wishes.slice, wishes.landscape]);
    if (key === wishSent && !wishes.refresh) return;
    wishSent = key;
    bus.emit(EVENTS.PROBES, { ...wishes });
    wishes.refresh = false;
  });

  const card = new HoverCard(byId("hover-card"));
  const network = new NetworkView(byId("network"), bus, { registries, limits, card, invalidate });
  const pen = { drawing: false, label: "1", value: 0.5 }; // what a click on the output plot adds
  return [
    new BackpropController(bus, app, invalidate), // first: the views below read what it decides
    new TopBar(byId("top-bar"), bus, registries),
    new DataPanel(byId("data-panel"), bus, registries),
    network,
    new NetworkPhases(network), // after NetworkView: it decorates the diagram
    new PhaseCaption(byId("phase-caption"), bus),
    new Inspector(byId("inspector"), bus),
    new OutputView(byId("output"), bus, registries),
    new MiniOutput(byId("mini-output"), byId("output-heatmap"), invalidate), // after OutputView: it copies its plot
    new SamplePicker(byId("output").querySelector(".output-plot"), bus),
    new OwnDataPanel(byId("own-data"), bus, pen, invalidate),
    new PointEditor(byId("output").querySelector(".output-plot"), bus, pen),
    later(new DerivativeView(byId("derivative-view"), { invalidate, wish: wish("slice") })),
    later(new LandscapeView(byId("landscape-view"), { invalidate, wish: wish("landscape") })),
    later(new GradientHealth(byId("gradient-health"), { invalidate })),
    later(new GradientCheck(byId("gradient-check"))),
    new LossChart(byId("loss-chart"), { invalidate }),
    new StatusBanner(byId("status-banner")),
    new ControlVisibility(document),
    new CopyLink(byId("copy-link"), { noteBox: byId("copy-link-note") }),
    new CopyLink(byId("copy-embed"), { textOf: embedSnippet, noteBox: byId("copy-link-note") }),
    new ExportMenu(byId("export-menu"), byId("output-heatmap")),
    new CopyLink(byId("copy-trained-link"), {
      // the server offers no trained hash when a replay would not give this network back
      hashOf: (now) => now.trainedHash,
      titleOf: (now) => trainedLinkTitle(now, Boolean(now.trainedHash)),
      whyLine: byId("copy-trained-why"),
    }),
    card,
    ...(byId("lesson-panel") ? [new LessonPanel(byId("lesson-panel"), bus, readJson("lesson"))] : []),
  ];
});

if (/(^|&)race=/.test(location.hash.slice(1))) location.replace(`/race${location.hash}`); // a race's link
else startMain();

function trainedLinkTitle(now, available) {
  const step = now.state?.step ?? 0;
  if (!step) return "Copy a link to this network as trained: available once it has taken a step";
  if (!available) {
    const { max_replay_steps: maxSteps, max_work: maxWork } = now.limits;
    const weights = (now.state?.layers ?? []).reduce((sum, l) => sum + l.weights.length * (l.weights[0]?.length ?? 0) +
      l.biases.length, 0);
    const work = step * (now.config?.batch_size ?? 1) * weights;
    if (step > maxSteps || work > maxWork) {
      return `No trained link: a link replays at most ${formatCount(maxSteps)} steps` +
        `${work > maxWork && step <= maxSteps ? " of this size" : ""}, and this run has taken ${formatCount(step)}. ` +
        "Copy link shares the setup; Reset (R) starts a run that can be shared.";
    }
    return "No trained link: a setting changed while it trained, or a weight was set by hand, so a replay " +
      "would not give this network back. Reset (R) starts a run that can be shared.";
  }
  return `Copy a link that opens this network after its ${step} step${step === 1 ? "" : "s"}: ` +
    "the same setup, trained again exactly as here";
}
