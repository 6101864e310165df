/**
 * The Copy link button: copies the share URL (this page with the session's share hash) and keeps the
 * link in its `data-link` attribute, where a script or a test can read it.
 */
import { setText } from "./dom.js";

const LABEL = "Copy link";

export class CopyLink {
  constructor(button) {
    this.button = button;
    this.link = "";
    button.addEventListener("click", () => this.copy());
  }

  async copy() {
    if (!this.link) return;
    let copied = false;
    try {
      await navigator.clipboard.writeText(this.link);
      copied = true;
    } catch {
      copied = this.copyWithSelection();
    }
    setText(this.button, copied ? "Link copied" : "Copy failed: see the address bar");
    this.button.classList.toggle("is-copied", copied);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      setText(this.button, LABEL);
      this.button.classList.remove("is-copied");
    }, 1600);
  }

  /** The old way, for pages without clipboard permission. */
  copyWithSelection() {
    const area = document.createElement("textarea");
    area.value = this.link;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }

  update(app) {
    const link = `${location.origin}${location.pathname}#${app.shareHash}`;
    if (link !== this.link) {
      this.link = link;
      this.button.dataset.link = link;
    }
    this.button.disabled = !app.shareHash;
  }
}
