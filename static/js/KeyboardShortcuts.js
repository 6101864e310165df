/**
 * Listens to the keyboard and turns shortcuts (keyboard.js) into verbs on the bus.
 */
import { EVENTS } from "./events.js";
import { actionForKey } from "./keyboard.js";

const VERBS = {
  "toggle-play": [EVENTS.TOGGLE_PLAY],
  step: [EVENTS.STEP, { steps: 1 }],
  phase: [EVENTS.PHASE],
  reset: [EVENTS.RESET],
};

const TEXT_INPUTS = new Set(["text", "number", "search", "email", "url", "tel", "password"]);

/** What kind of element has the focus, in keyboard.js's terms. */
export function targetKind(element) {
  if (!element || element === document.body) return "other";
  if (element.isContentEditable || element.tagName === "TEXTAREA") return "text";
  if (element.tagName === "SELECT") return "select";
  if (element.tagName === "INPUT") {
    if (element.type === "range") return "range";
    if (TEXT_INPUTS.has(element.type)) return "text";
    return "button"; // checkbox, radio: Space toggles them
  }
  if (element.tagName === "BUTTON") {
    // A button focused by a mouse click should not swallow Space; one reached with Tab should.
    return element.matches(":focus-visible") ? "button" : "other";
  }
  return "other";
}

export class KeyboardShortcuts {
  constructor(target, bus) {
    let tookKey = null; // the key whose press was a shortcut: its release must not press a button as well
    target.addEventListener("keydown", (event) => {
      if (event.repeat && event.key === " ") {
        if (tookKey === " ") event.preventDefault();
        return;
      }
      const action = actionForKey(event, targetKind(document.activeElement));
      if (!action) return;
      event.preventDefault();
      tookKey = event.key;
      const [name, detail] = VERBS[action];
      bus.emit(name, detail);
    });
    // A button clicked with the mouse keeps the focus, and a browser presses a focused button when Space is
    // released: once Space was play/pause, its release is not a click on the data set clicked before.
    target.addEventListener("keyup", (event) => {
      if (event.key !== tookKey) return;
      tookKey = null;
      event.preventDefault();
    });
  }
}
