/**
 * The embed's run controls: Reset, Play/Pause, Step and Phase step, the epoch and step counters and the
 * phase — the main page's ids and verbs — and a link that opens the same setup in the full playground.
 */
import { setText } from "./dom.js";
import { EVENTS } from "./events.js";
import { formatCount } from "./format.js";

const PHASES = ["forward", "loss", "backward", "update"];

export class EmbedBar {
  constructor(root, bus) {
    const $ = (id) => root.querySelector(`#${id}`);
    this.root = root;
    this.playButton = $("play-pause");
    this.epoch = $("epoch-counter");
    this.step = $("step-counter");
    this.phaseLabel = $("phase-label");
    this.phaseItems = [...root.querySelectorAll(".phase-list li")];
    this.open = $("embed-open");
    $("reset").addEventListener("click", () => bus.emit(EVENTS.RESET));
    this.playButton.addEventListener("click", () => bus.emit(EVENTS.TOGGLE_PLAY));
    $("step").addEventListener("click", () => bus.emit(EVENTS.STEP, { steps: 1 }));
    $("phase-step").addEventListener("click", () => bus.emit(EVENTS.PHASE));
  }

  update(app) {
    const state = app.state;
    setText(this.epoch, formatCount(state?.epoch ?? 0));
    setText(this.step, formatCount(state?.step ?? 0));
    const phase = state?.phase ?? "ready";
    setText(this.phaseLabel, phase);
    for (const item of this.phaseItems) {
      item.classList.toggle("is-current", item.dataset.phase === phase);
      item.classList.toggle("is-done", PHASES.indexOf(item.dataset.phase) < PHASES.indexOf(phase));
    }
    const playing = Boolean(app.playing);
    this.playButton.classList.toggle("is-playing", playing);
    this.playButton.setAttribute("aria-pressed", String(playing));
    this.playButton.setAttribute("aria-label", playing ? "Pause" : "Play");
    const href = `/#${app.shareHash ?? ""}`;
    if (this.open.getAttribute("href") !== href) this.open.setAttribute("href", href);
  }
}
