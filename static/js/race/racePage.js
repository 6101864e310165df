/**
 * The race page (/race#<share_hash>): makes the race from the hash (or a default race of three
 * optimizers), opens each variant's live socket for its frames, and drives all variants through the
 * race's REST routes — play, pause, step, phase step, reset — so they move in lockstep.
 */
import { ApiError } from "../api.js";
import * as api from "../api.js";
import { CopyLink } from "../CopyLink.js";
import { decodeFrame } from "../frames.js";
import { actionForKey } from "../keyboard.js";
import { targetKind } from "../KeyboardShortcuts.js";
import { RaceLandscape } from "./RaceLandscape.js";
import { RaceLossChart } from "./RaceLossChart.js";
import { RaceVariant } from "./RaceVariant.js";
import { VARIANT_COLORS, setupLabel, variantLabel } from "./variants.js";

export const DEFAULT_RACE = "dataset=spiral&networkShape=8,8&x=true&y=true&sinX=true&sinY=true&activation=tanh" +
  "&output=sigmoid&loss=cross_entropy&init=xavier&learningRate=0.01&batchSize=10&seed=lesson&order=shuffle" +
  "&race=optimizer:sgd;optimizer:momentum;optimizer:adam";
const LANDSCAPE_EVERY_MS = 1500;
const byId = (id) => document.getElementById(id);
const registries = JSON.parse(byId("registries").textContent);

async function request(method, path, body) {
  const response = await fetch(path, {
    method, headers: body ? { "Content-Type": "application/json" } : {}, body: body ? JSON.stringify(body) : undefined,
  });
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = payload?.detail;
    throw new ApiError(response.status, typeof detail === "string" ? detail
      : (detail ?? []).map((d) => d.msg).join("; ") || response.statusText);
  }
  return payload;
}

function legendItem(variant, k) {
  const item = document.createElement("li");
  const swatch = document.createElement("span");
  swatch.className = "race-variant-swatch";
  swatch.style.background = VARIANT_COLORS[k % VARIANT_COLORS.length];
  item.append(swatch, variantLabel(variant, registries));
  return item;
}

class RacePage {
  constructor() {
    this.chart = new RaceLossChart(byId("race-loss-chart"));
    this.landscape = new RaceLandscape(byId("race-landscape"), byId("race-landscape-caption"));
    this.copyLink = new CopyLink(byId("copy-link"));
    this.status = byId("race-status");
    this.playButton = byId("race-play");
    this.speed = byId("race-speed");
    this.sockets = [];
    this.playing = false;
    this.landscapeAt = 0;
    byId("race-play").addEventListener("click", () => this.togglePlay());
    byId("race-step").addEventListener("click", () => this.command("step", { steps: 1 }));
    byId("race-phase").addEventListener("click", () => this.command("phase"));
    byId("race-reset").addEventListener("click", () => this.command("reset"));
    this.speed.addEventListener("change", () => this.playing && this.command("play", this.pace()));
    document.addEventListener("keydown", (event) => this.key(event));
  }

  async start(hash) {
    try {
      this.accept(await request("POST", "/api/races", { hash: hash || DEFAULT_RACE }));
    } catch (error) {
      if (!hash || error.status !== 422) return this.say(`Could not start the race: ${error.message}`);
      this.say(`This race link could not be opened (${error.message}); here is the default race.`, true);
      this.accept(await request("POST", "/api/races", { hash: DEFAULT_RACE }));
    }
  }

  accept(race) {
    this.race = race;
    history.replaceState(history.state, "", `#${race.share_hash}`);
    this.copyLink.update({ shareHash: race.share_hash });
    const [first] = race.sessions;
    byId("race-setup").textContent = `The same ${setupLabel(first.config)} for every variant.`;
    const list = byId("race-variants");
    list.replaceChildren();
    byId("race-legend").replaceChildren(...race.variants.map((variant, k) => legendItem(variant, k)));
    this.variants = race.sessions.map((session, k) => {
      const view = new RaceVariant(k, variantLabel(race.variants[k], registries), first.data, session.num_classes);
      list.append(view.root);
      return view;
    });
    this.chart.clear(race.sessions.length);
    this.showStates(race.sessions.map((s) => s.state), race.playing);
    for (const socket of this.sockets) socket.close();
    this.sockets = race.sessions.map((session, k) => this.listen(session.id, k));
    this.refreshLandscape();
    document.body.dataset.race = race.id;
  }

  listen(sessionId, k) {
    const socket = new WebSocket(api.liveUrl(sessionId));
    socket.binaryType = "arraybuffer";
    socket.addEventListener("message", (event) => {
      if (typeof event.data === "string") return; // the session message: the race already has it
      const frame = decodeFrame(event.data);
      this.variants[k].show(frame.state, frame.heatmaps);
      this.showCounters();
      this.chart.push(k, frame.state.step, frame.state.loss?.train);
      this.chart.draw();
      this.variants[k].ready = true;
      if (this.variants.every((v) => v.ready)) document.body.dataset.ready = "true";
      if (this.playing && performance.now() - this.landscapeAt > LANDSCAPE_EVERY_MS) this.refreshLandscape();
    });
    return socket;
  }

  pace() {
    const value = this.speed.value;
    return { steps_per_second: value === "max" ? null : Number(value) };
  }

  togglePlay() {
    return this.command(this.playing ? "pause" : "play", this.playing ? undefined : this.pace());
  }

  async command(name, body) {
    if (!this.race) return;
    try {
      const answer = await request("POST", `/api/races/${encodeURIComponent(this.race.id)}/${name}`, body);
      this.showStates(answer.states, answer.playing, name === "reset");
      if (name === "reset") this.chart.clear(answer.states.length);
      answer.states.forEach((state, k) => this.chart.push(k, state.step, state.loss?.train));
      this.chart.draw();
      this.refreshLandscape();
      if (name === "reset") {
        this.race = await request("GET", `/api/races/${encodeURIComponent(this.race.id)}`);
        history.replaceState(history.state, "", `#${this.race.share_hash}`);
        this.copyLink.update({ shareHash: this.race.share_hash });
      }
    } catch (error) {
      if (error.status === 404) return this.start(location.hash.slice(1)); // expired: the link makes it again
      this.say(error.message, true);
    }
  }

  showStates(states, playing, restart = false) {
    this.playing = Boolean(playing);
    this.playButton.textContent = this.playing ? "Pause" : "Play";
    this.playButton.setAttribute("aria-pressed", String(this.playing));
    states.forEach((state, k) => this.variants[k].show(state, null, { restart }));
    this.showCounters();
  }

  /** The step and phase of the race: the furthest variant's (they move together; a diverged one stops). */
  showCounters() {
    const states = this.variants.map((v) => v.state).filter(Boolean);
    if (!states.length) return;
    const lead = states.reduce((a, b) => (b.step > a.step ? b : a));
    byId("race-step-counter").textContent = String(lead.step);
    byId("race-phase-label").textContent = lead.phase;
  }

  async refreshLandscape() {
    this.landscapeAt = performance.now();
    try {
      this.landscape.show(await request("GET", `/api/races/${encodeURIComponent(this.race.id)}/landscape?size=31`));
    } catch (error) {
      this.say(`The landscape could not be drawn: ${error.message}`, true);
    }
  }

  key(event) {
    const action = actionForKey(event, targetKind(document.activeElement));
    if (!action) return;
    event.preventDefault();
    if (action === "toggle-play") this.togglePlay();
    else if (action === "step") this.command("step", { steps: 1 });
    else this.command(action);
  }

  say(message, transient = false) {
    this.status.textContent = message;
    this.status.hidden = false;
    if (transient) setTimeout(() => (this.status.hidden = true), 6000);
  }
}

new RacePage().start(location.hash.slice(1));
