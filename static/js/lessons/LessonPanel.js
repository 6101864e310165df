/**
 * The lesson panel on /lessons/{id}: the current stage's title, text, "try this" and "what to notice",
 * with Previous / Next. Each stage opens its own setup (a share hash) through the SessionController, and
 * the address bar reads /lessons/{id}?stage=N#<hash>: any stage can be shared, and Back goes back a stage.
 */
import { setText } from "../dom.js";
import { EVENTS } from "../events.js";

export class LessonPanel {
  constructor(root, bus, lesson) {
    this.root = root;
    this.bus = bus;
    this.lesson = lesson;
    this.parts = Object.fromEntries(["title", "text", "try", "notice"].map(
      (name) => [name, root.querySelector(`#lesson-stage-${name}`)]));
    this.progress = root.querySelector("#lesson-progress");
    this.prev = root.querySelector("#lesson-prev");
    this.next = root.querySelector("#lesson-next");
    this.index = stageFromUrl(lesson);
    this.prev.addEventListener("click", () => this.go(this.index - 1));
    this.next.addEventListener("click", () => this.forward());
    root.querySelector("#lesson-restart").addEventListener("click", () => this.open());
    window.addEventListener("popstate", () => {
      this.index = stageFromUrl(lesson);
      this.show();
      this.request(location.hash.slice(1) || this.stage().hash);
    });
    // a link without a setup opens the stage's own; a shared link with a setup opens that setup
    if (!location.hash.slice(1)) history.replaceState(history.state, "", this.url());
    this.waiting = true; // the page's first session is this stage's
    this.show();
  }

  stage() {
    return this.lesson.stages[this.index];
  }

  url(index = this.index) {
    return `${location.pathname}?stage=${index + 1}#${this.lesson.stages[index].hash}`;
  }

  go(index) {
    if (index < 0 || index >= this.lesson.stages.length || index === this.index) return;
    this.index = index;
    history.pushState(null, "", this.url());
    this.show();
    this.open();
  }

  forward() {
    if (this.index + 1 < this.lesson.stages.length) this.go(this.index + 1);
    else if (this.lesson.next) location.assign(`/lessons/${this.lesson.next.id}`);
    else location.assign("/lessons");
  }

  /** Open the current stage's setup (also "Start stage again" after the student changed things). */
  open() {
    history.replaceState(history.state, "", this.url());
    this.request(this.stage().hash);
  }

  request(hash) {
    this.waiting = true;
    delete this.root.dataset.opened;
    this.bus.emit(EVENTS.OPEN, { hash });
  }

  show() {
    const stage = this.stage();
    const count = this.lesson.stages.length;
    setText(this.parts.title, stage.title);
    setText(this.parts.text, stage.text);
    setText(this.parts.try, stage.try);
    setText(this.parts.notice, stage.notice);
    setText(this.progress, `Stage ${this.index + 1} of ${count}`);
    this.root.dataset.stage = String(this.index + 1);
    this.prev.disabled = this.index === 0;
    const last = this.index + 1 === count;
    setText(this.next, last ? (this.lesson.next ? `Next lesson: ${this.lesson.next.title} →` : "All lessons →") : "Next →");
    document.title = `${stage.title} · ${this.lesson.title} · Backprop Playground`;
  }

  /** Marks `data-opened` with the stage number once a session asked for by this stage has arrived. */
  update(app) {
    if (!this.waiting || !app.session || app.session.id === this.sessionBefore) return;
    this.waiting = false;
    this.sessionBefore = app.session.id;
    this.root.dataset.opened = String(this.index + 1);
  }
}

/** The stage the address bar names (?stage=N, 1-based), the first one when it names none or a wrong one. */
export function stageFromUrl(lesson) {
  const asked = Number.parseInt(new URLSearchParams(location.search).get("stage") ?? "1", 10);
  return Number.isInteger(asked) && asked >= 1 && asked <= lesson.stages.length ? asked - 1 : 0;
}
