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

/** What kind of element has the focus, in keyboard.js's terms. `pointed` is the element a pointer pressed
 * last: a button it focused is "other" (Space plays, rather than pressing that button again). */
export function targetKind(element, pointed = null) {
  if (!element || element === document.body) return "other";
  if (element.isContentEditable || element.tagName === "TEXTAREA") return "text";
  if (element.tagName === "SELECT") return "select";
  if (element.tagName === "INPUT") {
    if (element.type === "range") return "range";
    if (TEXT_INPUTS.has(element.type)) return "text";
    return "button"; // checkbox, radio: Space toggles them
  }
  if (element.tagName === "BUTTON") {
    // A button focused by a mouse click should not swallow Space; one reached with Tab should. (Not
    // :focus-visible: a browser turns it on for the clicked button as soon as a key is pressed.)
    return element === pointed ? "other" : "button";
  }
  return "other";
}

export class KeyboardShortcuts {
  constructor(target, bus) {
    let tookKey = null; // the key whose press was a shortcut: its release must not press a button as well
    let pointed = null; // the button a pointer pressed last (it keeps the focus after the click)
    target.addEventListener("pointerdown", (event) => (pointed = event.target.closest?.("button") ?? null), true);
    target.addEventListener("keydown", (event) => {
      if (event.key === "Tab") pointed = null; // the keyboard moves the focus on: its buttons are the keyboard's
      if (event.repeat && event.key === " ") {
        if (tookKey === " ") event.preventDefault();
        return;
      }
      const action = actionForKey(event, targetKind(document.activeElement, pointed));
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
