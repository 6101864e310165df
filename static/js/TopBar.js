/**
 * The top bar: Reset, Play/Pause, Step, Phase step, the counters and phase, speed, and the training
 * options. Emits verbs; `update(app)` shows the app state.
 */
import { PHASE_NAMES } from "./backprop/phaseView.js";
import { patchForProblem } from "./configRules.js";
import { selectNumber, selectValue, setText, trackDragging } from "./dom.js";
import { EVENTS } from "./events.js";
import { formatCount, formatSpeed } from "./format.js";

/** Positions of the speed slider, in steps per second; the last (null) is as fast as the server allows. */
export const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, null];

export class TopBar {
  constructor(root, bus, registries) {
    this.root = root;
    this.registries = registries;
    this.bus = bus;
    const $ = (id) => root.querySelector(`#${id}`);
    this.playButton = $("play-pause");
    this.epoch = $("epoch-counter");
    this.step = $("step-counter");
    this.phaseLabel = $("phase-label");
    this.phaseItems = [...root.querySelectorAll(".phase-list li")];
    this.speed = $("speed");
    this.speedLabel = $("speed-label");
    this.selects = [...root.querySelectorAll("select[data-config]")];

    $("reset").addEventListener("click", () => bus.emit(EVENTS.RESET));
    this.playButton.addEventListener("click", () => bus.emit(EVENTS.TOGGLE_PLAY));
    $("step").addEventListener("click", () => bus.emit(EVENTS.STEP, { steps: 1 }));
    $("phase-step").addEventListener("click", () => bus.emit(EVENTS.PHASE));

    this.speed.max = String(SPEEDS.length - 1);
    this.speed.value = String(SPEEDS.length - 1);
    trackDragging(this.speed);
    this.speed.addEventListener("input", () => setText(this.speedLabel, formatSpeed(SPEEDS[+this.speed.value])));
    this.speed.addEventListener("change", () => bus.emit(EVENTS.SPEED, { stepsPerSecond: SPEEDS[+this.speed.value] }));

    for (const select of this.selects) {
      select.addEventListener("change", () => this.configure(select));
    }
  }

  configure(select) {
    const field = select.dataset.config;
    const value = select.dataset.type === "number" ? Number(select.value) : select.value;
    const patch = field === "problem" ? patchForProblem(value, this.registries.datasets) : { [field]: value };
    this.bus.emit(EVENTS.CONFIGURE, { config: patch });
  }

  update(app) {
    const state = app.state;
    setText(this.epoch, formatCount(state?.epoch ?? 0));
    setText(this.step, formatCount(state?.step ?? 0));
    const phase = state?.phase ?? "ready";
    setText(this.phaseLabel, phase);
    for (const item of this.phaseItems) {
      item.classList.toggle("is-current", item.dataset.phase === phase);
      item.classList.toggle("is-done", PHASE_NAMES.indexOf(item.dataset.phase) < PHASE_NAMES.indexOf(phase));
    }
    this.root.dataset.phase = phase;

    const playing = Boolean(app.playing);
    this.playButton.classList.toggle("is-playing", playing);
    this.playButton.setAttribute("aria-pressed", String(playing));
    this.playButton.setAttribute("aria-label", playing ? "Pause" : "Play");

    if (this.speed.dataset.dragging !== "true") {
      // the slider follows the server's pace (a link, another tab, narration ending), not only the hand
      const position = SPEEDS.indexOf(app.speed?.stepsPerSecond ?? null);
      if (app.speed?.unit !== "phase" && position >= 0) this.speed.value = String(position);
      setText(this.speedLabel, formatSpeed(SPEEDS[+this.speed.value]));
    }
    if (!app.config) return;
    for (const select of this.selects) {
      const value = app.config[select.dataset.config];
      if (select.dataset.type === "number") selectNumber(select, value);
      else selectValue(select, value);
    }
  }
}
