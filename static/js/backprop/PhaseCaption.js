/**
 * The caption over the network: one plain sentence saying what the current phase does, with the
 * numbers of the moment; what the diagram's numbers and links show; whose numbers they are (the
 * batch mean or a chosen point); and the Narrate button (play phase by phase, slowly).
 */
import { setText } from "../dom.js";
import { EVENTS } from "../events.js";
import { phaseCaption } from "./captions.js";
import { phaseView } from "./phaseView.js";

export class PhaseCaption {
  constructor(root, bus) {
    this.root = root;
    this.text = root.querySelector(".phase-caption-text");
    this.badge = root.querySelector(".phase-caption-phase");
    this.legend = root.querySelector(".phase-caption-legend");
    this.sample = root.querySelector(".phase-caption-sample");
    this.sampleLabel = root.querySelector(".phase-caption-sample-label");
    this.narrateButton = root.querySelector(".phase-caption-narrate");
    root.querySelector(".phase-caption-clear")
      .addEventListener("click", () => bus.emit(EVENTS.SELECT_SAMPLE, { index: null }));
    this.narrateButton.addEventListener("click", () => bus.emit(EVENTS.NARRATE, { on: !this.narrating }));
    this.narrating = false;
  }

  update(app) {
    const { state, config } = app;
    if (!state || !config) return;
    const backprop = app.backprop;
    const trace = backprop.sample != null && backprop.trace?.index === backprop.sample ? backprop.trace : null;
    const unit = app.speed?.unit ?? "step";
    const phase = state.phase;
    const activation = app.registries.activations.find((a) => a.name === config.activation)?.label ?? config.activation;
    setText(this.text, phaseCaption({ phase, state, config, trace, playing: app.playing, unit, activation }));
    setText(this.badge, phase === "ready" ? "ready" : phase);
    this.root.dataset.phase = phase;
    const fast = app.playing && unit !== "phase";
    const view = fast ? null : phaseView({ phase, state, trace, showStep: backprop.showStep });
    setText(this.legend, view?.legend ?? "");
    this.legend.hidden = !view?.legend;
    this.sample.hidden = backprop.sample == null;
    setText(this.sampleLabel, backprop.sample == null ? "" : `Numbers for point #${backprop.sample}`);
    this.narrating = backprop.narrating;
    this.narrateButton.classList.toggle("is-on", this.narrating);
    this.narrateButton.setAttribute("aria-pressed", String(this.narrating));
    setText(this.narrateButton, this.narrating ? "Stop narrating" : "Narrate");
  }
}
