/**
 * Drawing on the output plot: while the pen is on (Draw points), a click adds a point of the chosen class
 * (Shift: the other class; for regression the chosen value, Shift its negative), Alt+click or the
 * "remove" pen removes the nearest point, and the network trains on the new data (SET_POINTS). With the
 * keyboard: the focused plot shows a cursor that the arrow keys move (Shift: faster), Enter or Space adds
 * a point there, Delete or Backspace removes the nearest one, Escape stops drawing.
 */
import { el } from "./dom.js";
import { EVENTS } from "./events.js";
import { EXTENT, currentPoints, labelFor, withPoint, withoutNearest } from "./ownPoints.js";

const REMOVE_RADIUS = 14; // CSS pixels from a point that still remove it
const KEY_STEP = 0.25; // data units an arrow key moves the cursor (Shift: 1)
const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };

export class PointEditor {
  constructor(plot, bus, pen) {
    this.bus = bus;
    this.pen = pen;
    this.surface = el("div", {
      class: "point-editor", id: "point-editor", tabindex: "0", role: "application", hidden: true,
      "aria-roledescription": "drawing area",
      "aria-label": "Draw points: click to add, Shift+click the other class, Alt+click removes; " +
        "or move the cursor with the arrow keys, Enter adds, Delete removes, Escape stops drawing",
    });
    this.cursor = el("div", { class: "point-editor-cursor", "aria-hidden": "true" });
    this.surface.append(this.cursor);
    plot.append(this.surface);
    pen.showEditor = () => this.showDrawing(); // Draw points shows the surface at once, not on the next frame
    this.at = [0, 0];
    this.app = null;
    this.pending = null; // the points last sent, until the server's session shows them (or refuses)
    this.surface.addEventListener("click", (event) => this.click(event));
    this.surface.addEventListener("keydown", (event) => this.key(event));
    bus.on(EVENTS.SERVER_ERROR, ({ field }) => {
      if (field === "points") this.pending = null;
    });
  }

  /** Data coordinates of a pointer event, and the data units one CSS pixel spans. */
  toData(event) {
    const box = this.surface.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * 2 * EXTENT - EXTENT;
    const y = EXTENT - ((event.clientY - box.top) / box.height) * 2 * EXTENT;
    return [x, y, (2 * EXTENT) / box.width];
  }

  click(event) {
    const [x, y, unit] = this.toData(event);
    this.edit(x, y, event.altKey || this.pen.label === "remove" ? "remove" : event.shiftKey, REMOVE_RADIUS * unit);
    this.at = [x, y];
    this.placeCursor();
  }

  key(event) {
    const arrow = ARROWS[event.key];
    const box = this.surface.getBoundingClientRect();
    const radius = (REMOVE_RADIUS * 2 * EXTENT) / (box.width || 300);
    if (arrow) {
      const step = event.shiftKey ? 1 : KEY_STEP;
      this.at = this.at.map((v, k) => Math.min(EXTENT, Math.max(-EXTENT, v + arrow[k] * step)));
      this.placeCursor();
    } else if (event.key === "Enter" || event.key === " ") {
      this.edit(...this.at, this.pen.label === "remove" ? "remove" : event.shiftKey, radius);
    } else if (event.key === "Delete" || event.key === "Backspace") {
      this.edit(...this.at, "remove", radius);
    } else if (event.key === "Escape") {
      this.pen.setDrawing?.(false);
    } else {
      return; // other keys keep their page-wide meaning
    }
    event.preventDefault();
    event.stopPropagation(); // not also a shortcut (Space plays, → steps)
  }

  /** Add a point at (x, y) (`how`: false for the pen's class, true for the other one) or remove one. */
  edit(x, y, how, radius) {
    if (!this.app?.config) return;
    const points = this.pending ?? currentPoints(this.app);
    const regression = this.app.config.problem === "regression";
    const next = how === "remove" ? withoutNearest(points, x, y, radius)
      : withPoint(points, x, y, labelFor(this.pen, regression, how === true));
    if (!next) return;
    this.pending = next;
    this.bus.emit(EVENTS.SET_POINTS, { points: next });
  }

  placeCursor() {
    const [x, y] = this.at;
    this.cursor.style.left = `${((x + EXTENT) / (2 * EXTENT)) * 100}%`;
    this.cursor.style.top = `${((EXTENT - y) / (2 * EXTENT)) * 100}%`;
  }

  update(app) {
    if (app.session !== this.app?.session) this.pending = null; // the server's word on the points
    this.app = app;
    this.showDrawing();
    this.surface.dataset.pen = this.pen.label;
  }

  showDrawing() {
    const drawing = Boolean(this.pen.drawing);
    if (this.surface.hidden === drawing) {
      this.surface.hidden = !drawing;
      this.placeCursor();
    }
  }
}
