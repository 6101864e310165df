/**
 * TFP's classroom switches: `<control>_hide=true` in the link hides that control, `hideText=true` hides the
 * explanatory prose, so a teacher can project a clean demo. The server reads them into `view.hidden`
 * (control names) and `view.hide_text`; this view applies them to the page.
 *
 * Every control carries `data-control="<name>"` — TFP's name where TFP has the control (learningRate,
 * playButton, numHiddenLayers, x, sinY, …), our own otherwise (optimizer, loss, init, speed, phaseStep, …).
 * Prose carries `data-help`. The network diagram builds its own nodes and asks `isHidden` itself.
 */

/** Is the control `name` hidden by the page's view (`view.hidden`, a list of names)? Pure. */
export function isHidden(view, name) {
  return Boolean(view?.hidden?.includes(name));
}

export class ControlVisibility {
  constructor(root = document) {
    this.body = root.body ?? root;
    // the page's fixed controls; the diagram's nodes come and go with the shape, and NetworkView hides its own
    this.controls = [...root.querySelectorAll("[data-control]:not(.network-nodes *)")];
    this.drawn = null;
  }

  update(app) {
    const view = app.view ?? {};
    const key = JSON.stringify([view.hidden ?? [], Boolean(view.hide_text)]);
    if (key === this.drawn) return;
    this.drawn = key;
    for (const control of this.controls) {
      control.classList.toggle("is-hidden-by-link", isHidden(view, control.dataset.control));
    }
    this.body.classList.toggle("hide-text", Boolean(view.hide_text));
  }
}
