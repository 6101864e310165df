/**
 * One line that says plainly what is wrong, if anything: a diverged run (with the hint to lower the
 * learning rate), a lost connection, or the server's refusal of a change.
 */
import { setText } from "./dom.js";

export const ERROR_SHOWN_MS = 6000;

/** What the banner says for an app state: {kind, message, hint} or null. Pure. */
export function statusOf(app, now = Date.now()) {
  if (app.state?.status === "diverged") {
    return {
      kind: "diverged",
      message: "Training diverged: the loss grew too large to compute.",
      hint: "Lower the learning rate, then press Reset.",
    };
  }
  if (app.connection === "reconnecting") {
    return { kind: "connection", message: "Connection to the server lost.", hint: "Reconnecting…" };
  }
  if (app.connection === "failed") {
    return { kind: "connection", message: "Cannot reach the server.", hint: "Is it running? Reload the page to retry." };
  }
  if (app.error && now - app.error.at < ERROR_SHOWN_MS) {
    return { kind: "error", message: app.error.message, hint: "" };
  }
  return null;
}

export class StatusBanner {
  constructor(root) {
    this.root = root;
    this.message = root.querySelector(".status-banner-message");
    this.hint = root.querySelector(".status-banner-hint");
  }

  update(app) {
    const status = statusOf(app);
    this.root.hidden = !status;
    this.root.dataset.kind = status?.kind ?? "";
    setText(this.message, status?.message ?? "");
    setText(this.hint, status?.hint ?? "");
  }
}
