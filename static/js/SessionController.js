/**
 * The one owner of the session and its WebSocket.
 *
 * Verbs from the views go out as socket messages; what the server says comes back as nouns on the bus.
 * The share hash of every session message goes into the URL. A dropped socket reconnects with backoff
 * to the same session id; if the server no longer knows it, a new session is made from the last hash.
 */
import * as api from "./api.js";
import { EVENTS } from "./events.js";

const BACKOFF_MS = [250, 500, 1000, 2000, 4000];

export class SessionController {
  constructor(bus) {
    this.bus = bus;
    this.session = null; // the last full session message
    this.socket = null;
    this.queue = []; // messages sent while the socket was down
    this.attempt = 0;
    this.connectToken = 0; // bumped to cancel a pending reconnect (TFP's Player.timerIndex)
    this.playing = false;
    this.speed = undefined; // undefined: never chosen, so the server's default stands
    this.listen();
  }

  listen() {
    const { bus } = this;
    const on = (name, handler) => bus.on(name, handler);
    on(EVENTS.TOGGLE_PLAY, () => this.send({ type: this.playing ? "pause" : "play" }));
    on(EVENTS.PLAY, () => this.send({ type: "play" }));
    on(EVENTS.PAUSE, () => this.send({ type: "pause" }));
    on(EVENTS.STEP, ({ steps = 1 } = {}) => this.send({ type: "step", steps }));
    on(EVENTS.PHASE, () => this.send({ type: "phase" }));
    on(EVENTS.RESET, () => this.send({ type: "reset" }));
    on(EVENTS.REGENERATE, () => this.send({ type: "regenerate" }));
    on(EVENTS.CONFIGURE, ({ config, view }) => {
      const message = { type: "configure" };
      if (config) message.config = config;
      if (view) message.view = view;
      this.send(message);
    });
    on(EVENTS.SPEED, ({ stepsPerSecond }) => {
      this.speed = stepsPerSecond;
      this.send({ type: "speed", steps_per_second: stepsPerSecond });
    });
    on(EVENTS.SET_PARAMETER, (change) => this.setParameter(change));
  }

  /** Make the session from the page's hash, then go live. */
  async start(hash) {
    this.status("connecting");
    try {
      this.acceptSession(await api.createSession(hash));
    } catch (error) {
      this.status("failed");
      this.bus.emit(EVENTS.SERVER_ERROR, { message: `Could not start a session: ${error.message}` });
      return;
    }
    this.connect();
  }

  acceptSession(session) {
    this.session = session;
    if (typeof session.share_hash === "string") {
      history.replaceState(history.state, "", `#${session.share_hash}`);
    }
    this.bus.emit(EVENTS.SESSION, { session });
  }

  connect() {
    const token = ++this.connectToken;
    const socket = new WebSocket(api.liveUrl(this.session.id));
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (token !== this.connectToken) return;
      this.attempt = 0;
      this.status("open");
      if (this.speed !== undefined) socket.send(JSON.stringify({ type: "speed", steps_per_second: this.speed }));
      for (const message of this.queue.splice(0)) socket.send(JSON.stringify(message));
    });
    socket.addEventListener("message", (event) => {
      if (token === this.connectToken) this.receive(JSON.parse(event.data));
    });
    socket.addEventListener("close", () => {
      if (token === this.connectToken) this.reconnectLater();
    });
  }

  receive(message) {
    switch (message.type) {
      case "session": {
        const { type, ...session } = message;
        this.acceptSession(session);
        break;
      }
      case "frame":
        this.playing = Boolean(message.playing);
        this.bus.emit(EVENTS.FRAME, { frame: message });
        break;
      case "error":
        this.bus.emit(EVENTS.SERVER_ERROR, { message: message.message, field: message.field });
        this.resync();
        break;
      default:
        break;
    }
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    } else {
      this.queue.push(message);
    }
  }

  async reconnectLater() {
    const token = this.connectToken;
    this.status("reconnecting");
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt++;
    await new Promise((resolve) => setTimeout(resolve, delay));
    if (token !== this.connectToken) return;
    if (this.attempt > 2) {
      try {
        await api.getSession(this.session.id);
      } catch (error) {
        if (error.status === 404) {
          try {
            this.acceptSession(await api.createSession(this.session.share_hash ?? ""));
          } catch {
            // the server is still away: try again later
          }
        }
      }
    }
    if (token === this.connectToken) this.connect();
  }

  /** After a refused message the page may show a value the server did not take: fetch the truth. */
  async resync() {
    if (!this.session) return;
    try {
      this.acceptSession(await api.getSession(this.session.id));
    } catch {
      // the socket's own reconnect logic will deal with a server that is away
    }
  }

  async setParameter(change) {
    try {
      const state = await api.putParameter(this.session.id, change);
      this.bus.emit(EVENTS.STATE, { state });
      const heatmaps = await api.getHeatmaps(this.session.id);
      this.bus.emit(EVENTS.STATE, { state, heatmaps });
    } catch (error) {
      this.bus.emit(EVENTS.SERVER_ERROR, { message: error.message });
    }
  }

  status(status) {
    this.bus.emit(EVENTS.CONNECTION, { status });
  }
}
