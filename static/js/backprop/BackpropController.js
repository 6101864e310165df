/**
 * What the backprop views look at, and the one sample trace they share.
 *
 * Owns `app.backprop`: the chosen point (`sample`, null = the batch's first), the inspected
 * `target` and the `trail` walked to reach it, the latest `trace` (GET /inspect at the weights of
 * the last backward pass) and the last batch seen. Folds the verbs SELECT_SAMPLE, INSPECT,
 * INSPECT_BACK and NARRATE into that state; `update(app)` fetches the trace when it is needed —
 * at once when paused, at most four times a second while training runs.
 */
import { EVENTS } from "../events.js";
import { networkContext, sameTarget, targetExists } from "./names.js";
import { getInspect } from "./probes.js";
import { Probe } from "./probe.js";

export const NARRATED_PHASES_PER_SECOND = 0.5; // two seconds to read each phase's caption
export const STEP_SHOWN_MS = 1500; // the update phase shows the step ΔW this long, then the new weights
const TRAIL_LENGTH = 12;

export function createBackpropState() {
  return {
    sample: null, // a train index the user chose, or null
    target: null, // {kind, layer, i, j} the inspector shows, or null
    trail: [], // targets walked from, most recent last
    lastBatch: null, // indices of the last batch a frame carried
    trace: null,
    traceParams: null,
    traceError: null,
    stateVersion: 0, // bumped whenever a new State arrives
    narrating: false,
    speedBeforeNarration: null,
    showStep: false, // the diagram still shows ΔW of the update just watched
  };
}

/** The train index whose numbers are shown: the chosen one, else the first of the current batch. */
export function shownSample(backprop) {
  return backprop.sample ?? backprop.lastBatch?.[0] ?? 0;
}

export class BackpropController {
  constructor(bus, app, invalidate) {
    this.bus = bus;
    this.app = app;
    app.backprop = createBackpropState();
    this.probe = new Probe((params) => getInspect(app.session.id, params), () => {
      app.backprop.trace = this.probe.data;
      app.backprop.traceParams = this.probe.dataParams;
      app.backprop.traceError = this.probe.error;
      invalidate();
    });
    this.seenState = null;
    this.phaseKey = null;
    this.stepUntil = 0;
    this.wasFast = false;
    this.narrationSeen = false;
    this.invalidate = invalidate;
    this.listen(invalidate);
  }

  listen(invalidate) {
    const { bus, app } = this;
    const backprop = app.backprop;
    bus.on(EVENTS.SELECT_SAMPLE, ({ index }) => {
      backprop.sample = index ?? null;
      invalidate();
    });
    bus.on(EVENTS.INSPECT, ({ target, walk = false }) => {
      if (walk && backprop.target && !sameTarget(backprop.target, target)) {
        backprop.trail = [...backprop.trail, backprop.target].slice(-TRAIL_LENGTH);
      } else if (!walk) {
        backprop.trail = [];
      }
      backprop.target = target ?? null;
      invalidate();
    });
    bus.on(EVENTS.INSPECT_BACK, () => {
      if (!backprop.trail.length) return;
      backprop.target = backprop.trail.at(-1);
      backprop.trail = backprop.trail.slice(0, -1);
      invalidate();
    });
    bus.on(EVENTS.NARRATE, ({ on }) => this.narrate(on));
    bus.on(EVENTS.FRAME, ({ frame }) => this.followNarration(frame));
  }

  /** Narrated play: the server walks the phases one by one, slowly enough to read each caption. */
  narrate(on) {
    const { bus, app } = this;
    const backprop = app.backprop;
    if (on === backprop.narrating) return;
    backprop.narrating = on;
    this.narrationSeen = false;
    if (on) {
      backprop.speedBeforeNarration = app.speed?.unit === "phase" ? null : app.speed?.stepsPerSecond ?? null;
      bus.emit(EVENTS.SPEED, { stepsPerSecond: NARRATED_PHASES_PER_SECOND, unit: "phase" });
      bus.emit(EVENTS.PLAY);
    } else {
      bus.emit(EVENTS.PAUSE);
      bus.emit(EVENTS.SPEED, { stepsPerSecond: backprop.speedBeforeNarration, unit: "step" });
    }
  }

  update(app) {
    const backprop = app.backprop;
    if (!app.state || !app.session) return;
    if (app.state !== this.seenState) {
      this.seenState = app.state;
      backprop.stateVersion++;
      if (app.state.batch?.indices?.length) backprop.lastBatch = app.state.batch.indices;
    }
    this.timeUpdate(app);
    const context = networkContext(app);
    if (backprop.target && context && !targetExists(context, backprop.target)) {
      backprop.target = null;
      backprop.trail = [];
    }
    const trainSize = app.data?.train?.x?.length ?? 0;
    if (backprop.sample != null && backprop.sample >= trainSize) backprop.sample = null;

    if (!this.needsTrace(app)) {
      this.probe.drop();
      return;
    }
    const params = { sample: Math.min(shownSample(backprop), Math.max(0, trainSize - 1)), at: "backward" };
    const target = backprop.target;
    if (target && target.kind !== "neuron") {
      Object.assign(params, { layer: target.layer, i: target.i ?? 0, j: target.j }); // its batch terms too
    }
    const key = JSON.stringify([app.session.id, backprop.stateVersion, params]);
    this.probe.want(key, params, { throttled: app.playing });
  }

  /** Narration ends when play stops (the top bar's Pause: restore the pace) or the speed control takes over.
   * Read from each frame as it arrives, so the verbs it may send go out from an event, never from a render. */
  followNarration(frame) {
    const backprop = this.app.backprop;
    if (!backprop.narrating) return;
    const phaseByPhase = frame.speed_unit === "phase";
    if (frame.playing && phaseByPhase) this.narrationSeen = true;
    if (!this.narrationSeen) return; // the server has not started it yet
    if (!frame.playing) {
      this.narrationSeen = false;
      this.narrate(false);
    } else if (!phaseByPhase) {
      this.narrationSeen = false;
      backprop.narrating = false;
    }
  }

  /** ΔW shows for a moment after an update the user watches (a step, a phase), not after a fast run. */
  timeUpdate(app) {
    const { step, phase } = app.state;
    const key = `${step}|${phase}`;
    const fast = app.playing && app.speed?.unit !== "phase";
    if (key !== this.phaseKey) {
      this.phaseKey = key;
      // the first state after a fast run ends is its last step, not one the user watched
      const watched = phase === "update" && !fast && !this.wasFast;
      this.stepUntil = watched ? performance.now() + STEP_SHOWN_MS : 0;
      if (watched) setTimeout(this.invalidate, STEP_SHOWN_MS + 20);
      this.wasFast = fast;
    }
    app.backprop.showStep = performance.now() < this.stepUntil;
  }

  /** The trace is needed by the inspector, and by the diagram and caption once a point is chosen. */
  needsTrace(app) {
    const { target, sample } = app.backprop;
    const fast = app.playing && app.speed?.unit !== "phase";
    return Boolean(target) || (sample != null && !fast);
  }
}
