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

/** The canvas's context and an ImageData of its size, kept with the canvas: a repaint allocates nothing. */
const images = new WeakMap();
function imageFor(canvas, size) {
  sizeCanvas(canvas, size);
  let kept = images.get(canvas);
  if (!kept || kept.image.width !== size) {
    const context = canvas.getContext("2d");
    kept = { context, image: context.createImageData(size, size) };
    images.set(canvas, kept);
  }
  return kept;
}

/** Paint heatmap `bytes` (a decoded square map) into `canvas`, resizing it to the map. */
export function paintMap(canvas, bytes, discretize = false) {
  const { context, image } = imageFor(canvas, Math.round(Math.sqrt(bytes.length)));
  paintBytes(bytes, colorTable(discretize), image.data);
  context.putImageData(image, 0, 0);
}

/** Paint per-class probability maps (softmax) into `canvas`: the likeliest class, faded by confidence. */
export function paintClassMaps(canvas, classBytes, discretize = false) {
  const { context, image } = imageFor(canvas, Math.round(Math.sqrt(classBytes[0].length)));
  paintClasses(classBytes, (ps) => classMixColor(ps, discretize), image.data);
  context.putImageData(image, 0, 0);
}

/** Paint the probability map of class `k` (softmax): grey where unlikely, the class colour where sure. */
export function paintClassProbability(canvas, bytes, k) {
  const { context, image } = imageFor(canvas, Math.round(Math.sqrt(bytes.length)));
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

/**
 * Track an element's CSS size with a ResizeObserver, so that the render loop never reads layout:
 * returns a live `{width, height}` (read once now, then updated by the observer) and calls `onResize`.
 */
export function watchSize(element, onResize) {
  const size = { width: element.clientWidth, height: element.clientHeight };
  new ResizeObserver(([entry]) => {
    size.width = entry.contentRect.width;
    size.height = entry.contentRect.height;
    onResize();
  }).observe(element);
  return size;
}

/** A canvas's backing store sized to its CSS box (`size`, from watchSize) times the device pixel ratio;
 * returns the context and the CSS size. */
export function fitCanvas(canvas, size) {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = size;
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
