/**
 * The top bar: Reset, Play/Pause, Step, Phase step, the counters and phase, speed, and the training
 * options. Emits verbs; `update(app)` shows the app state.
 */
import { PHASE_NAMES } from "./backprop/phaseView.js";
import { lossPossible, outputsFor, patchForLoss, patchForOutput, patchForProblem } from "./configRules.js";
import { selectNumber, selectValue, setText, trackDragging } from "./dom.js";
import { EVENTS } from "./events.js";
import { formatCount, formatSpeed } from "./format.js";

/** Positions of the speed slider, in steps per second; EPOCH_PACE is TensorFlow Playground's pace (one
 * epoch per animation frame, so its rate follows the data and the batch size: epochPace), the default; the
 * last (null) is as fast as the server allows. */
export const EPOCH_PACE = "epoch";
export const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, EPOCH_PACE, null];
const FRAMES_PER_SECOND = 60; // a browser's animation frames

/** Steps per second at one epoch per animation frame: the batches of one epoch, sixty times a second. */
export function epochPace(trainSize, batchSize) {
  return FRAMES_PER_SECOND * Math.max(1, Math.ceil(trainSize / Math.max(1, batchSize)));
}

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
    this.speed.value = String(SPEEDS.indexOf(EPOCH_PACE));
    this.sentPace = undefined; // the steps per second last asked for at the epoch pace
    // a pace asked for that the server has not confirmed yet (undefined: none pending); at first the page's
    // own default, the epoch pace, goes out before the server's pace is followed
    this.asked = EPOCH_PACE;
    trackDragging(this.speed);
    this.speed.addEventListener("input", () => setText(this.speedLabel, this.speedText()));
    this.speed.addEventListener("change", () => {
      this.sentPace = undefined;
      this.sendSpeed();
    });

    for (const select of this.selects) {
      select.addEventListener("change", () => this.configure(select));
    }
    this.app = null; // the state last shown: what a choice is made against
    this.hyperFields = [...root.querySelectorAll("input[data-hyper]")];
    for (const input of this.hyperFields) {
      input.addEventListener("change", () => this.setHyper(input));
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") input.blur(); // blur commits through "change"; the shortcuts work again
      });
    }
  }

  configure(select) {
    const field = select.dataset.config;
    const value = select.dataset.type === "number" ? Number(select.value) : select.value;
    const config = this.app?.config;
    let choice = { patch: { [field]: value }, note: null };
    if (field === "problem") choice.patch = patchForProblem(value, this.registries.datasets, this.app?.memory);
    else if (field === "loss" && config) choice = patchForLoss(value, config, this.numClasses(), this.registries);
    else if (field === "output" && config) choice = patchForOutput(value, config, this.registries);
    if (!choice) return; // not offered (the option is disabled); nothing to send
    this.bus.emit(EVENTS.CONFIGURE, { config: choice.patch });
    if (choice.note) this.bus.emit(EVENTS.NOTICE, { message: choice.note });
  }

  /** An optimizer setting typed in Advanced: sent when it is a number in range, else put back with a note. */
  setHyper(input) {
    const value = Number(input.value);
    const min = Number(input.min);
    const max = Number(input.max);
    const name = input.closest("label").querySelector(".control-label").textContent;
    if (input.value.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
      this.bus.emit(EVENTS.NOTICE, { message: `${name} takes a number from ${min} to ${max}.` });
      this.showHyper(this.app?.config, true);
      return;
    }
    this.bus.emit(EVENTS.CONFIGURE, { config: { [input.dataset.hyper]: value } });
  }

  /** The slider's pace in steps per second (null: max). */
  stepsPerSecond() {
    const position = SPEEDS[+this.speed.value];
    if (position !== EPOCH_PACE) return position;
    return epochPace(this.app?.data?.train?.x?.length ?? 0, this.app?.config?.batch_size ?? 1);
  }

  speedText() {
    const position = SPEEDS[+this.speed.value];
    if (position !== EPOCH_PACE) return formatSpeed(position);
    return this.app?.data ? `1 epoch/frame (${formatSpeed(this.stepsPerSecond())})` : "1 epoch/frame";
  }

  sendSpeed() {
    const stepsPerSecond = this.stepsPerSecond();
    if (SPEEDS[+this.speed.value] === EPOCH_PACE) this.sentPace = stepsPerSecond;
    this.asked = stepsPerSecond;
    this.bus.emit(EVENTS.SPEED, { stepsPerSecond });
  }

  /** At the epoch pace the rate follows the data and the batch size: ask again when they change (not while
   * a narration plays phase by phase: it gives the pace back when it ends). */
  followEpochPace(app) {
    if (SPEEDS[+this.speed.value] !== EPOCH_PACE || !app.data || !app.config) return;
    if (app.speed?.unit === "phase" || app.backprop?.narrating) return;
    if (this.stepsPerSecond() !== this.sentPace) this.sendSpeed();
  }

  numClasses() {
    const count = this.app?.session?.num_classes;
    return count ?? (this.app?.config?.problem === "regression" ? 0 : 2);
  }

  /** Outputs that fit the problem, losses that some fitting output takes; the rest are not offered. */
  showChoices(config) {
    const outputs = outputsFor(config.problem, this.numClasses(), this.registries.outputs).map((o) => o.name);
    for (const option of this.root.querySelector("#output-head").options) {
      const fits = outputs.includes(option.value);
      option.hidden = !fits;
      option.disabled = !fits;
    }
    for (const option of this.root.querySelector("#loss").options) {
      const possible = lossPossible(option.value, config.problem, this.numClasses(), this.registries.outputs);
      option.disabled = !possible;
      option.title = possible ? "" : `No output of a ${config.problem} problem works with this loss`;
    }
  }

  /** The Advanced fields: the current values, and only those of the chosen optimizer. */
  showHyper(config, force = false) {
    if (!config) return;
    for (const input of this.hyperFields) {
      const label = input.closest("label");
      label.hidden = !label.dataset.optimizers.split(" ").includes(config.optimizer);
      const value = config[input.dataset.hyper];
      if (value == null || (!force && document.activeElement === input)) continue;
      const text = String(value);
      if (input.value !== text) input.value = text;
    }
  }

  update(app) {
    this.app = app;
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
      // the slider follows the server's pace (a link, another tab, narration ending), not only the hand;
      // the epoch pace is whatever rate one epoch per frame is for this data and batch size
      const pace = app.speed?.stepsPerSecond ?? null;
      if (this.asked !== undefined && pace === this.asked && !app.speed?.asked) this.asked = undefined; // the server has it
      const atEpochPace = SPEEDS[+this.speed.value] === EPOCH_PACE && pace === this.stepsPerSecond();
      const position = pace === this.sentPace && pace != null ? SPEEDS.indexOf(EPOCH_PACE) : SPEEDS.indexOf(pace);
      // until the server has taken the pace this page asked for, what it says is older than the wish
      const follow = this.asked === undefined && app.speed?.unit !== "phase" && !atEpochPace && position >= 0;
      if (follow) this.speed.value = String(position);
      setText(this.speedLabel, this.speedText());
    }
    this.followEpochPace(app);
    if (!app.config) return;
    this.showChoices(app.config);
    this.showHyper(app.config);
    for (const select of this.selects) {
      const value = app.config[select.dataset.config];
      if (select.dataset.type === "number") selectNumber(select, value);
      else selectValue(select, value);
    }
  }
}
