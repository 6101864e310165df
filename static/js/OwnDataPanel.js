/**
 * The data column's "Your own data": Draw points (clicks on the output plot add points, PointEditor), what a
 * click adds (a class, a value for regression, or remove), Upload CSV and Download CSV. The pen (`pen`:
 * drawing, label, value) is shared with the PointEditor.
 */
import { exportUrl } from "./api.js";
import { colorOf, cssRgb, labelColor } from "./colors.js";
import { setText } from "./dom.js";
import { EVENTS } from "./events.js";

export class OwnDataPanel {
  constructor(root, bus, pen, invalidate) {
    this.root = root;
    this.pen = pen;
    this.invalidate = invalidate;
    this.drawButton = root.querySelector("#draw-points");
    this.radios = [...root.querySelectorAll("input[name='point-pen']")];
    this.byProblem = [...root.querySelectorAll("[data-problem]")];
    this.value = root.querySelector("#point-value");
    this.valueLabel = root.querySelector("#point-value-label");
    this.file = root.querySelector("#points-file");
    this.download = root.querySelector("#download-points");
    this.status = root.querySelector("#own-data-status");
    this.drawn = {};
    for (const swatch of root.querySelectorAll(".own-data-swatch")) {
      const label = swatch.dataset.label;
      swatch.style.background = cssRgb(label === "value" ? colorOf(0.5) : labelColor(Number(label), 3));
    }

    this.drawButton.addEventListener("click", () => this.setDrawing(!pen.drawing));
    for (const radio of this.radios) {
      radio.addEventListener("change", () => {
        if (radio.checked) pen.label = radio.value;
        invalidate();
      });
    }
    this.value.addEventListener("input", () => {
      pen.value = Number(this.value.value);
      setText(this.valueLabel, String(pen.value));
    });
    root.querySelector("#upload-points").addEventListener("click", () => this.file.click());
    this.file.addEventListener("change", async () => {
      const [file] = this.file.files;
      this.file.value = "";
      if (!file) return;
      setText(this.status, `Reading ${file.name}…`);
      bus.emit(EVENTS.SET_POINTS, { csv: await file.text() });
    });
    bus.on(EVENTS.SERVER_ERROR, ({ message, field }) => {
      if (field === "points") setText(this.status, message);
    });
    pen.setDrawing = (on) => this.setDrawing(on);
  }

  setDrawing(on) {
    this.pen.drawing = on;
    this.showDrawing(); // the button and the drawing surface answer the click at once; the rest on the next frame
    this.pen.showEditor?.();
    this.invalidate();
  }

  showDrawing() {
    const { drawing } = this.pen;
    this.drawButton.setAttribute("aria-pressed", String(drawing));
    this.drawButton.classList.toggle("is-on", drawing);
    setText(this.drawButton, drawing ? "Drawing: click the plot" : "Draw points");
  }

  update(app) {
    const { pen } = this;
    const regression = app.config?.problem === "regression";
    this.showDrawing();
    if (app.config && regression !== this.drawn.regression) {
      this.drawn.regression = regression;
      for (const node of this.byProblem) node.hidden = node.dataset.problem !== (regression ? "regression" : "classification");
      const hiddenChoice = this.radios.find((r) => r.checked)?.closest("[hidden]");
      if (hiddenChoice || !this.radios.some((r) => r.checked)) {
        const first = this.radios.find((r) => !r.closest("[hidden]"));
        first.checked = true;
        pen.label = first.value;
      }
    }
    const id = app.session?.id;
    if (id && id !== this.drawn.id) {
      this.drawn.id = id;
      this.download.href = exportUrl(id, "csv");
    }
    if (app.session && app.session !== this.drawn.session) {
      this.drawn.session = app.session;
      const points = app.config?.dataset === "custom" ? app.config.points?.length : null;
      if (points != null) setText(this.status, `Training on your ${points} point${points === 1 ? "" : "s"}.`);
      else if (this.drawn.custom) setText(this.status, "");
      this.drawn.custom = points != null;
    }
  }
}
