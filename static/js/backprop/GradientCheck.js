/**
 * The gradient check: backprop's gradients against centred finite differences on the current batch,
 * one row per layer, green when they agree (relative error below 1e-6). It shows that backprop is exact.
 */
import { el, setText } from "../dom.js";
import { layerName } from "./GradientHealth.js";
import { formatValue } from "../format.js";
import { getGradcheck } from "./probes.js";

export const AGREEMENT = 1e-6;

export class GradientCheck {
  constructor(root) {
    this.root = root;
    this.button = root.querySelector(".gradient-check-run");
    this.table = root.querySelector(".gradient-check-table");
    this.summary = root.querySelector(".gradient-check-summary");
    this.button.addEventListener("click", () => this.run());
    this.checkedStep = null;
    this.app = null;
  }

  async run() {
    if (!this.app?.session) return;
    const step = this.app.state?.step;
    this.button.disabled = true;
    setText(this.summary, "Checking…");
    try {
      const report = await getGradcheck(this.app.session.id);
      this.checkedStep = step;
      this.show(report);
    } catch (error) {
      setText(this.summary, `Could not check: ${error.message}`);
    } finally {
      this.button.disabled = false;
    }
  }

  show(report) {
    const count = Math.max(...report.map((r) => r.layer)) + 1;
    const cell = (entry) => {
      const ok = entry.relative_error != null && entry.relative_error < AGREEMENT;
      return el("td", { class: ok ? "is-ok" : "is-off", "data-error": String(entry.relative_error),
        title: `${entry.checked} entries checked` }, `${ok ? "✓ " : "✗ "}${formatValue(entry.relative_error, 2)}`);
    };
    const rows = [];
    for (let l = 0; l < count; l++) {
      const find = (kind) => report.find((r) => r.layer === l && r.kind === kind);
      rows.push(el("tr", { "data-layer": l },
        el("th", { scope: "row" }, layerName(l, count)), cell(find("weight")), cell(find("bias"))));
    }
    this.table.replaceChildren(
      el("thead", {}, el("tr", {}, el("th", {}, "layer"), el("th", {}, "weights W"), el("th", {}, "biases b"))),
      el("tbody", {}, ...rows));
    this.table.hidden = false;
    const agree = report.every((r) => r.relative_error != null && r.relative_error < AGREEMENT);
    const worst = Math.max(...report.map((r) => r.relative_error ?? Infinity));
    this.root.dataset.result = agree ? "agree" : "disagree";
    setText(this.summary, agree
      ? `Backprop and finite differences agree (largest relative error ${formatValue(worst, 2)}) ` +
        `at step ${this.checkedStep}: backprop is exact.`
      : `Some gradients differ (relative error up to ${formatValue(worst, 2)}) — ` +
        "a ReLU kink near a weight can do this.");
  }

  update(app) {
    this.app = app;
    const stale = this.checkedStep != null && app.state?.step !== this.checkedStep;
    this.root.classList.toggle("is-stale", stale);
  }
}
