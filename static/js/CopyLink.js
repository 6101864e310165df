/**
 * A copy-link button: copies a URL of this page with one of the session's hashes, and keeps the link
 * in its `data-link` attribute, where a script or a test can read it. The page has two: Copy link
 * (the share hash: this setup, untrained) and Copy trained link (the trained hash: the same setup
 * after the same number of steps, which the server replays exactly), and Copy embed code (an `<iframe>`
 * of /embed with the share hash). When the server says a link cannot carry the setup (`link_note`: too
 * many custom points), the button shows that note instead of copying.
 */
import { setText } from "./dom.js";

export class CopyLink {
  /**
   * @param {HTMLButtonElement} button
   * @param {object} [options]
   * @param {(app) => string} [options.hashOf]  the hash to copy (default: the share hash)
   * @param {(app) => string} [options.titleOf]  the button's tooltip for this state, if it changes
   * @param {(hash) => string} [options.textOf]  what to copy for a hash (default: this page's URL with it)
   * @param {HTMLElement} [options.noteBox]  where to say why nothing can be copied (the server's link_note)
   */
  constructor(button, { hashOf = (app) => app.shareHash, titleOf = null, textOf = pageLink, noteBox = null } = {}) {
    this.button = button;
    this.label = button.textContent.trim();
    this.hashOf = hashOf;
    this.titleOf = titleOf;
    this.baseTitle = button.title;
    this.textOf = textOf;
    this.noteBox = noteBox;
    this.note = null;
    this.link = "";
    button.addEventListener("click", () => this.copy());
  }

  async copy() {
    if (this.note) return this.explain();
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

  /** Say why this setup has no link to copy, beside the buttons, until the setup changes. */
  explain() {
    setText(this.button, "Not copied: see why");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => setText(this.button, this.label), 1600);
    if (this.noteBox) {
      setText(this.noteBox, this.note);
      this.noteBox.hidden = false;
    }
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
    const note = this.noteBox ? app.session?.link_note ?? null : null;
    const link = hash && !note ? this.textOf(hash) : "";
    if (link !== this.link) {
      this.link = link;
      this.button.dataset.link = link;
    }
    if (note !== this.note) {
      this.note = note;
      if (this.noteBox && !note) this.noteBox.hidden = true;
    }
    this.button.disabled = !hash;
    const title = note ?? (this.titleOf ? this.titleOf(app) : this.baseTitle);
    if (this.button.title !== title) this.button.title = title;
  }
}

/** This page's URL with `hash`. */
export function pageLink(hash) {
  return `${location.origin}${location.pathname}${location.search}#${hash}`;
}

/** A ready `<iframe>` of /embed with `hash`, for a blog post or a slide. */
export function embedSnippet(hash) {
  const src = `${location.origin}/embed#${hash}`.replaceAll("&", "&amp;").replaceAll('"', "&quot;");
  return `<iframe src="${src}" width="900" height="600" style="border:0" ` +
    `title="Backprop Playground: a neural network learning, live" loading="lazy"></iframe>`;
}
