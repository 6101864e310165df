/**
 * /embed: the network, its output plot and the run controls, for an iframe in a blog post or a slide.
 * The same views as the main page (boot.js wires them the same way), without the header, the option
 * bar, the data column or the workbench; the link's hide flags apply as they do there.
 */
import { startPage } from "./boot.js";
import { ControlVisibility } from "./ControlVisibility.js";
import { EmbedBar } from "./EmbedBar.js";
import { HoverCard } from "./HoverCard.js";
import { LossChart } from "./LossChart.js";
import { NetworkView } from "./NetworkView.js";
import { OutputView } from "./OutputView.js";
import { StatusBanner } from "./StatusBanner.js";
import { BackpropController } from "./backprop/BackpropController.js";
import { Inspector } from "./backprop/Inspector.js";
import { NetworkPhases } from "./backprop/NetworkPhases.js";
import { PhaseCaption } from "./backprop/PhaseCaption.js";
import { SamplePicker } from "./backprop/SamplePicker.js";

const byId = (id) => document.getElementById(id);

startPage(({ bus, app, invalidate, registries, limits }) => {
  const card = new HoverCard(byId("hover-card"));
  const network = new NetworkView(byId("network"), bus, { registries, limits, card, invalidate });
  return [
    new BackpropController(bus, app, invalidate),
    new EmbedBar(byId("top-bar"), bus),
    network,
    new NetworkPhases(network),
    new PhaseCaption(byId("phase-caption"), bus),
    new Inspector(byId("inspector"), bus),
    new OutputView(byId("output"), bus, registries),
    new SamplePicker(byId("output").querySelector(".output-plot"), bus),
    new LossChart(byId("loss-chart"), { invalidate }),
    new StatusBanner(byId("status-banner")),
    new ControlVisibility(document),
    card,
  ];
});
