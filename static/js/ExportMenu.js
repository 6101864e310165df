/**
 * The Export menu: the session's weights (JSON), the NumPy training script, the data and the loss history
 * (the server's export route, one link each), and the output plot as a PNG drawn from its canvas.
 */
import { exportUrl } from "./api.js";

export class ExportMenu {
  constructor(root, plot) {
    this.root = root;
    this.plot = plot; // the output canvas
    this.links = [...root.querySelectorAll("a[data-format]")];
    this.sessionId = null;
    root.querySelector("#export-png").addEventListener("click", () => this.savePlot());
    for (const link of this.links) link.addEventListener("click", () => this.close());
    root.addEventListener("keydown", (event) => {
      if (event.key !== "Escape" || !root.open) return;
      this.close();
      root.querySelector("summary").focus();
    });
    document.addEventListener("click", (event) => {
      if (root.open && !root.contains(event.target)) this.close();
    });
  }

  close() {
    this.root.open = false;
  }

  savePlot() {
    this.plot.toBlob((blob) => {
      if (!blob) return;
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = "output.png";
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }, "image/png");
    this.close();
  }

  update(app) {
    const id = app.session?.id ?? null;
    if (id === this.sessionId) return;
    this.sessionId = id;
    for (const link of this.links) {
      if (id) link.href = exportUrl(id, link.dataset.format);
      else link.removeAttribute("href");
    }
  }
}
