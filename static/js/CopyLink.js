/**
 * A copy-link button: copies a URL of this page with one of the session's hashes, and keeps the link
 * in its `data-link` attribute, where a script or a test can read it. The page has two: Copy link
 * (the share hash: this setup, untrained) and Copy trained link (the trained hash: the same setup
 * after the same number of steps, which the server replays exactly).
 */
import { setText } from "./dom.js";

export class CopyLink {
  /**
   * @param {HTMLButtonElement} button
   * @param {object} [options]
   * @param {(app) => string} [options.hashOf]  the hash to copy (default: the share hash)
   * @param {(app) => string} [options.titleOf]  the button's tooltip for this state, if it changes
   */
  constructor(button, { hashOf = (app) => app.shareHash, titleOf = null } = {}) {
    this.button = button;
    this.label = button.textContent.trim();
    this.hashOf = hashOf;
    this.titleOf = titleOf;
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
      setText(this.button, this.label);
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
    const hash = this.hashOf(app);
    const link = hash ? `${location.origin}${location.pathname}${location.search}#${hash}` : "";
    if (link !== this.link) {
      this.link = link;
      this.button.dataset.link = link;
    }
    this.button.disabled = !hash;
    if (this.titleOf) {
      const title = this.titleOf(app);
      if (this.button.title !== title) this.button.title = title;
    }
  }
}
