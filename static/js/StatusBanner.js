/**
 * One line that says plainly what is wrong or what just happened, if anything: a diverged run (what
 * happened and what to try), a lost connection, the server's refusal of a change, or a notice (a choice
 * that changed another, a run lost in a restart). Each goes when its cause does.
 */
import { setText } from "./dom.js";
import { formatLoss } from "./format.js";

export const ERROR_SHOWN_MS = 6000;
export const NOTICE_SHOWN_MS = 8000;

/** What the banner says about a diverged run: what happened, and what to try. Pure. */
export function divergedStatus(app) {
  const state = app.state;
  const loss = state.loss?.train;
  const what = loss == null
    ? `the loss grew until it could no longer be computed`
    : `the loss grew to ${formatLoss(loss)}, more than a million times where it started`;
  const config = app.config ?? {};
  const rate = config.learning_rate;
  const tries = [`Lower the learning rate${rate ? ` (now ${rate})` : ""}`];
  if (config.activation === "relu" || config.activation === "linear") tries.push("or try tanh");
  return {
    kind: "diverged",
    message: `Training diverged at step ${state.step}: ${what}. Each update overshot and made the next one larger.`,
    hint: `${tries.join(" ")}, then press Reset (R) to start again from new weights.`,
  };
}

/** What the banner says for an app state: {kind, message, hint} or null. Pure. */
export function statusOf(app, now = Date.now()) {
  if (app.state?.status === "diverged") return divergedStatus(app);
  if (app.connection === "reconnecting") {
    return { kind: "connection", message: "Connection to the server lost.", hint: "Reconnecting…" };
  }
  if (app.connection === "failed") {
    return { kind: "connection", message: "Cannot reach the server.", hint: "Is it running? Reload the page to retry." };
  }
  if (app.error && now - app.error.at < ERROR_SHOWN_MS) {
    return { kind: "error", message: app.error.message, hint: "" };
  }
  if (app.notice && (app.notice.lasting || now - app.notice.at < NOTICE_SHOWN_MS)) {
    return { kind: "notice", message: app.notice.message, hint: "" };
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
