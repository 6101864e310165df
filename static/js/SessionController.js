/**
 * The one owner of the session and its WebSocket.
 *
 * Verbs from the views go out as socket messages; what the server says comes back as nouns on the bus.
 * The share hash of every session message goes into the URL (replacing the history entry, so the URL
 * always names what the page trains). A new hash typed or pasted into the open tab, or Back and Forward,
 * opens that hash's setup as a new session. A dropped socket reconnects with backoff to the same session
 * id; if the server no longer knows it, a new session is made from the last hash.
 */
import * as api from "./api.js";
import { EVENTS } from "./events.js";
import { decodeFrame } from "./frames.js";

const BACKOFF_MS = [250, 500, 1000, 2000, 4000];
const UNKNOWN_SESSION = 4404; // the close code of a socket whose session the server does not know

export class SessionController {
  constructor(bus) {
    this.bus = bus;
    this.session = null; // the last full session message
    this.socket = null;
    this.queue = []; // messages sent while the socket was down
    this.attempt = 0;
    this.connectToken = 0; // bumped to cancel a pending reconnect (TFP's Player.timerIndex)
    this.playing = false;
    this.resumePlay = false; // the server pauses a session nobody watches: play again after a reconnect
    this.speed = null; // the last speed message; null: never chosen, so the server's default stands
    this.probes = null; // the last probes wish: sent again on every new socket
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
    on(EVENTS.SPEED, ({ stepsPerSecond, unit = "step" }) => {
      this.speed = { type: "speed", steps_per_second: stepsPerSecond, unit };
      this.send(this.speed);
    });
    on(EVENTS.SET_PARAMETER, (change) => this.setParameter(change));
    on(EVENTS.SET_POINTS, ({ points, csv }) => this.setPoints(csv ?? points));
    on(EVENTS.PROBES, ({ slice, landscape, refresh = false }) => {
      this.probes = { type: "probes", slice, landscape };
      this.send(refresh ? { ...this.probes, refresh } : this.probes);
    });
    on(EVENTS.OPEN, ({ hash }) => this.open(hash));
    const follow = () => this.followHash(location.hash.slice(1));
    window.addEventListener("hashchange", follow);
    window.addEventListener("popstate", follow);
  }

  /** The URL's hash changed under the page (typed, pasted, Back, Forward): open what it says. */
  followHash(hash) {
    if (hash === this.loadedHash || (this.session && hash === this.session.share_hash)) return;
    this.loadedHash = hash;
    this.switchTo(hash);
  }

  /** Leave the current session for the one `hash` opens; a hash the server refuses keeps the current one. */
  async switchTo(hash) {
    const token = this.leave();
    this.status("connecting");
    let session;
    try {
      session = await api.createSession(hash);
    } catch (error) {
      if (token !== this.connectToken) return;
      this.bus.emit(EVENTS.SERVER_ERROR, { message: `This link could not be opened: ${error.message}` });
      if (this.session) this.acceptSession(this.session); // the URL goes back to what the page shows
      this.connect();
      return;
    }
    if (token !== this.connectToken) return; // a newer hash came meanwhile
    this.acceptSession(session);
    this.connect();
  }

  /** Leave the current session (its socket closes, so the server pauses it) and start one from `hash`. */
  open(hash) {
    this.leave();
    return this.start(hash);
  }

  /** Close the socket; a pending reconnect or an old socket's events are stale from now on. */
  leave() {
    this.connectToken++;
    this.socket?.close();
    this.socket = null;
    this.queue = [];
    this.playing = this.resumePlay = false;
    return this.connectToken;
  }

  /** Make the session from the page's hash, then go live. A link the server refuses opens the defaults. */
  async start(hash) {
    const token = this.connectToken;
    this.status("connecting");
    try {
      const session = await api.createSession(hash);
      if (token !== this.connectToken) return; // another setup was asked for meanwhile
      this.acceptSession(session);
    } catch (error) {
      if (error.status === 422 && hash) {
        const message = `This link could not be opened (${error.message}); here is the default playground.`;
        this.bus.emit(EVENTS.SERVER_ERROR, { message });
        await this.start("");
      } else {
        this.status("failed");
        this.bus.emit(EVENTS.SERVER_ERROR, { message: `Could not start a session: ${error.message}` });
      }
      return;
    }
    this.connect();
  }

  acceptSession(session) {
    this.session = session;
    if (typeof session.share_hash === "string") {
      this.loadedHash = session.share_hash;
      if (location.hash.slice(1) !== session.share_hash) {
        history.replaceState(history.state, "", `#${session.share_hash}`);
      }
    }
    this.bus.emit(EVENTS.SESSION, { session });
  }

  connect() {
    const token = ++this.connectToken;
    const socket = new WebSocket(api.liveUrl(this.session.id));
    socket.binaryType = "arraybuffer"; // frames come as one binary message each (frames.js)
    this.socket = socket;
    this.live = false; // true once this socket has said "session": before that, an error means "no such session"
    socket.addEventListener("open", () => {
      if (token !== this.connectToken) return;
      this.attempt = 0;
      this.status("open"); // the server sends the session, then a frame with the maps
      if (this.speed) socket.send(JSON.stringify(this.speed));
      if (this.probes) socket.send(JSON.stringify(this.probes));
      for (const message of this.queue.splice(0)) socket.send(JSON.stringify(message));
      if (this.resumePlay) socket.send(JSON.stringify({ type: "play" }));
      this.resumePlay = false;
    });
    socket.addEventListener("message", (event) => {
      if (token !== this.connectToken) return;
      this.receive(typeof event.data === "string" ? JSON.parse(event.data) : decodeFrame(event.data));
    });
    socket.addEventListener("close", (event) => {
      if (token !== this.connectToken) return;
      this.resumePlay = this.resumePlay || this.playing;
      this.playing = false;
      if (event.code === UNKNOWN_SESSION) this.restart();
      else this.reconnectLater();
    });
  }

  receive(message) {
    switch (message.type) {
      case "session": {
        const { type, ...session } = message;
        this.live = true;
        this.acceptSession(session);
        break;
      }
      case "frame":
        this.playing = Boolean(message.playing);
        this.bus.emit(EVENTS.FRAME, { frame: message });
        break;
      case "probe":
        this.bus.emit(EVENTS.PROBE, { probe: message });
        break;
      case "error":
        if (!this.live) break; // the close that follows (UNKNOWN_SESSION) makes a new session
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
    if (token === this.connectToken) this.connect();
  }

  /** The server forgot the session (restart, expiry): make a new one from the last share hash. */
  async restart() {
    const token = ++this.connectToken;
    this.status("reconnecting");
    try {
      this.acceptSession(await api.createSession(this.session?.share_hash ?? ""));
      if (token === this.connectToken) this.connect();
    } catch {
      if (token === this.connectToken) this.reconnectLater();
    }
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

  /** Set one weight or bias: the server answers with a frame that carries the new value and maps. */
  setParameter({ layer, kind, i, j, value }) {
    this.send({ type: "edit", layer, kind, i, j, value });
  }

  /** Your own data (points or CSV text) over REST: the answer is the whole session, with its new data. */
  async setPoints(points) {
    if (!this.session) return;
    const id = this.session.id;
    try {
      const session = await api.putPoints(id, points);
      if (this.session?.id === id) this.acceptSession(session);
    } catch (error) {
      this.bus.emit(EVENTS.SERVER_ERROR, { message: `Points not changed: ${error.message}`, field: "points" });
    }
  }

  status(status) {
    this.bus.emit(EVENTS.CONNECTION, { status });
  }
}
