/**
 * One server probe (an inspect trace, a slice, a landscape) fetched on demand, at most every
 * `interval` ms while training runs and at once otherwise. No DOM: a view asks for a key, reads
 * `data` when it comes, and is told through `onChange`.
 *
 * One request at a time: a wish that changes while one is in flight is fetched when it returns, so
 * every answer is newer than the data it replaces (a slightly stale picture beats a blank one).
 * `dataParams` says what the data is of, so a view can tell it from the one it wants.
 */
const WALL_CLOCK = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (timer) => clearTimeout(timer),
};

export class Probe {
  /**
   * @param {(params: object) => Promise<object>} load  fetches the probe for the params of a request
   * @param {() => void} onChange                        called when data or error change
   * @param {{interval?: number, clock?: typeof WALL_CLOCK}} options  `clock` times the throttle (tests pass their own)
   */
  constructor(load, onChange, { interval = 250, clock = WALL_CLOCK } = {}) {
    this.load = load;
    this.onChange = onChange;
    this.interval = interval;
    this.clock = clock;
    this.data = null;
    this.dataKey = null;
    this.dataParams = null;
    this.error = null;
    this.throttled = false;
    this.wanted = null; // {key, params}
    this.inFlight = null; // key being fetched
    this.lastStart = -Infinity;
    this.timer = null;
  }

  /** Ask for the probe of `key` (a string) with `params`; `throttled` while training runs. */
  want(key, params, { throttled = false } = {}) {
    this.throttled = throttled;
    if (key === this.wanted?.key) return;
    this.wanted = { key, params };
    if (key === this.dataKey && !this.inFlight) return;
    this.schedule(throttled);
  }

  /** Forget the wish (the view is hidden or has nothing to show). */
  drop() {
    this.wanted = null;
    this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Fetch the wanted key again even if its data is here (a Refresh button). */
  refresh() {
    if (!this.wanted) return;
    this.dataKey = null;
    this.schedule(false);
  }

  schedule(throttled) {
    if (this.inFlight || this.timer) return; // the finishing request or the timer picks up the wish
    const wait = throttled ? this.lastStart + this.interval - this.clock.now() : 0;
    if (wait > 0) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = null;
        this.start();
      }, wait);
    } else {
      this.start();
    }
  }

  async start() {
    const wish = this.wanted;
    if (!wish || this.inFlight || wish.key === this.dataKey) return;
    this.inFlight = wish.key;
    this.lastStart = this.clock.now();
    try {
      this.data = await this.load(wish.params);
      this.dataKey = wish.key;
      this.dataParams = wish.params;
      this.error = null;
    } catch (error) {
      this.error = error.message ?? String(error);
    } finally {
      this.inFlight = null;
    }
    this.onChange();
    if (this.wanted && this.wanted.key !== this.dataKey && !this.error) this.schedule(this.throttled);
  }
}
