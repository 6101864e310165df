/**
 * A small copy of the output plot beside Play, for narrow windows where the real one is a long scroll
 * below the controls: the learner sees the boundary form while pressing Play. It copies the output plot's
 * canvas after OutputView has drawn it (no drawing of its own), and a click scrolls to the full plot.
 * CSS shows it only on narrow windows; while it is hidden it costs nothing.
 */
import { watchSize } from "./draw.js";

export class MiniOutput {
  constructor(root, source, invalidate = () => {}) {
    this.root = root;
    this.canvas = root.querySelector("canvas");
    this.source = source;
    this.drawn = null;
    this.size = watchSize(root, () => { this.drawn = null; invalidate(); }); // 0 × 0 while CSS hides it
    root.addEventListener("click", () => source.scrollIntoView({ behavior: "smooth", block: "center" }));
  }

  update(app) {
    if (!this.size.width) return; // hidden on a wide window (no layout read: the observer tells)
    const key = app.revision;
    if (key === this.drawn) return;
    this.drawn = key;
    const context = this.canvas.getContext("2d");
    context.imageSmoothingEnabled = true;
    context.drawImage(this.source, 0, 0, this.canvas.width, this.canvas.height);
    this.root.classList.toggle("is-diverged", app.state?.status === "diverged");
  }
}
