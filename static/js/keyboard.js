/**
 * Keyboard shortcuts as data: which key asks for which action. Pure: no DOM.
 *
 * Space play/pause, → step, Shift+→ phase step, R reset. Keys are never taken from someone typing
 * (text fields, selects, sliders that use arrows), nor from a button the keyboard user focused
 * (Space and Enter press that button, as they should).
 */
export const SHORTCUTS = Object.freeze([
  { key: " ", shift: false, action: "toggle-play", label: "Space", help: "play / pause" },
  { key: "ArrowRight", shift: false, action: "step", label: "→", help: "one step" },
  { key: "ArrowRight", shift: true, action: "phase", label: "Shift + →", help: "one phase" },
  { key: "r", shift: false, action: "reset", label: "R", help: "reset the weights" },
]);

/**
 * The action for a key press, or null.
 * `target` describes the focused element: "text" (typing: input, textarea, contenteditable),
 * "select", "range", "button" (focused from the keyboard) or "other".
 */
export function actionForKey({ key, shiftKey = false, ctrlKey = false, metaKey = false, altKey = false }, target = "other") {
  if (ctrlKey || metaKey || altKey) return null;
  if (target === "text" || target === "select") return null;
  if (target === "range" && key.startsWith("Arrow")) return null;
  if (target === "button" && (key === " " || key === "Enter")) return null;
  const normalised = key.length === 1 ? key.toLowerCase() : key;
  const shortcut = SHORTCUTS.find((s) => s.key === normalised && s.shift === shiftKey);
  return shortcut ? shortcut.action : null;
}
