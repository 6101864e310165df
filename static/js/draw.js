/**
 * Canvas helpers shared by the views: paint a heatmap into a canvas of its own size (CSS stretches it).
 */
import { byteColorTable, CLASS_COLORS, classMixColor, ZERO } from "./colors.js";
import { decodeBase64, paintBytes, paintClasses } from "./heatmap.js";

const TABLES = { smooth: byteColorTable(false), discrete: byteColorTable(true) };

export function colorTable(discretize) {
  return discretize ? TABLES.discrete : TABLES.smooth;
}

function sizeCanvas(canvas, size) {
  if (canvas.width !== size) canvas.width = size;
  if (canvas.height !== size) canvas.height = size;
}

/** Paint heatmap `bytes` (a decoded square map) into `canvas`, resizing it to the map. */
export function paintMap(canvas, bytes, discretize = false) {
  const size = Math.round(Math.sqrt(bytes.length));
  sizeCanvas(canvas, size);
  const context = canvas.getContext("2d");
  const image = context.createImageData(size, size);
  paintBytes(bytes, colorTable(discretize), image.data);
  context.putImageData(image, 0, 0);
}

/** Paint per-class probability maps (softmax) into `canvas`: the likeliest class, faded by confidence. */
export function paintClassMaps(canvas, classBytes, discretize = false) {
  const size = Math.round(Math.sqrt(classBytes[0].length));
  sizeCanvas(canvas, size);
  const context = canvas.getContext("2d");
  const image = context.createImageData(size, size);
  paintClasses(classBytes, (ps) => classMixColor(ps, discretize), image.data);
  context.putImageData(image, 0, 0);
}

/** Paint the probability map of class `k` (softmax): grey where unlikely, the class colour where sure. */
export function paintClassProbability(canvas, bytes, k) {
  const size = Math.round(Math.sqrt(bytes.length));
  sizeCanvas(canvas, size);
  const context = canvas.getContext("2d");
  const image = context.createImageData(size, size);
  const color = CLASS_COLORS[k % CLASS_COLORS.length];
  paintClasses([bytes], ([p]) => ZERO.map((z, c) => Math.round(z + (color[c] - z) * p)), image.data);
  context.putImageData(image, 0, 0);
}

/**
 * The bytes of a map: a binary frame's Uint8Array as it is; a JSON frame's base64 decoded, remembering
 * the last few so that a map shown twice is decoded once.
 */
const decoded = new Map();
export function decodeMap(text) {
  if (text instanceof Uint8Array) return text;
  let bytes = decoded.get(text);
  if (!bytes) {
    bytes = decodeBase64(text);
    if (decoded.size > 256) decoded.clear();
    decoded.set(text, bytes);
  }
  return bytes;
}

/** A canvas's backing store sized to its CSS box times the device pixel ratio; returns the CSS size. */
export function fitCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { context, width, height };
}
