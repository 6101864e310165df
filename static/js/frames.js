/**
 * Binary live frames (docs/api.md, "Binary frames") decoded into the frame the views read. Pure: no DOM.
 *
 * Layout: "BPF1", a uint32 (little-endian) header length H, H bytes of JSON header, then the arrays of
 * the header's table `[name, dtype, offset, shape]`, each at `8 + H + offset` (a multiple of 8). Maps
 * become Uint8Array views on the message itself (no copy, no base64). Numbers are read through one
 * Float64Array view per block into the same nested lists as the JSON State, NaN as null (JSON has no
 * NaN), so every view draws either format alike.
 */
const MAGIC = [0x42, 0x50, 0x46, 0x31]; // "BPF1"
const TYPED = { f8: Float64Array, f4: Float32Array, i4: Int32Array, u1: Uint8Array };
const LAYER_FIELDS = ["weights", "biases", "grad_weights", "grad_biases", "step_weights", "step_biases", "z", "a",
  "delta"];

/** True when `data` (an ArrayBuffer) starts like a binary frame. */
export function isBinaryFrame(data) {
  if (!(data instanceof ArrayBuffer) || data.byteLength < 8) return false;
  const head = new Uint8Array(data, 0, 4);
  return MAGIC.every((byte, k) => head[k] === byte);
}

/** The header and a typed-array view per array name. */
export function readFrame(buffer) {
  if (!isBinaryFrame(buffer)) throw new Error("not a binary frame");
  const length = new DataView(buffer).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, length)));
  const body = 8 + length;
  const arrays = {};
  for (const [name, dtype, offset, shape] of header.arrays) {
    const count = shape.reduce((n, d) => n * d, 1);
    arrays[name] = { data: new TYPED[dtype](buffer, body + offset, count), shape };
  }
  return { header, arrays };
}

const finite = (v) => (Number.isFinite(v) ? v : null);

/** `count` numbers of `data` from `start` as a list (NaN → null). */
function list(data, start, count) {
  const out = new Array(count);
  for (let k = 0; k < count; k++) out[k] = finite(data[start + k]);
  return out;
}

/** `rows × cols` numbers of `data` from `start` as a list of rows. */
function matrix(data, start, rows, cols) {
  const out = new Array(rows);
  for (let r = 0; r < rows; r++) out[r] = list(data, start + r * cols, cols);
  return out;
}

/** An array of the table as the JSON State has it: a list, or a list of rows for two dimensions. */
function nested({ data, shape }) {
  return shape.length === 2 ? matrix(data, 0, shape[0], shape[1]) : list(data, 0, data.length);
}

/** Every layer's fields from the per-kind blocks: weights are [fan_in][fan_out], the rest per neuron. */
function layers(shapes, arrays) {
  const starts = { matrix: 0, vector: 0 };
  return shapes.map(([fanIn, fanOut]) => {
    const layer = {};
    for (const name of LAYER_FIELDS) {
      const block = arrays[name];
      const isMatrix = name.endsWith("weights");
      const at = starts[isMatrix ? "matrix" : "vector"];
      if (!block) layer[name] = null;
      else layer[name] = isMatrix ? matrix(block.data, at, fanIn, fanOut) : list(block.data, at, fanOut);
    }
    starts.matrix += fanIn * fanOut;
    starts.vector += fanOut;
    return layer;
  });
}

/** Per hidden layer, one map per neuron: Uint8Array views into the one block of neuron maps. */
function neuronMaps(shapes, block, size) {
  const maps = [null]; // layer 0, the input features: the page draws them itself (featureMaps.js)
  let at = 0;
  for (const [, fanOut] of shapes.slice(0, -1)) {
    maps.push(Array.from({ length: fanOut }, (_, k) => block.data.subarray((at + k) * size, (at + k + 1) * size)));
    at += fanOut;
  }
  maps.push(null); // the output layer: its map is `output` (or `classes`) at full size
  return maps;
}

/** A binary frame as the frame object of the JSON format (docs/api.md): {type, revision, …, state, heatmaps}. */
export function decodeFrame(buffer) {
  const { header, arrays } = readFrame(buffer);
  const { arrays: table, shapes, state: counters, heatmaps: mapInfo, ...meta } = header;
  const state = { ...counters, layers: layers(shapes, arrays), grad_norms: null, batch: null };
  if (arrays.grad_norms) state.grad_norms = nested(arrays.grad_norms);
  if (counters.batch) {
    const batch = { ...counters.batch };
    batch.indices = Array.from(arrays["batch.indices"].data);
    for (const name of ["inputs", "targets", "outputs", "losses"]) {
      const block = arrays[`batch.${name}`];
      batch[name] = block ? nested(block) : null;
    }
    state.batch = batch;
  }
  const side = mapInfo.neuron_size * mapInfo.neuron_size;
  const classes = arrays["heatmaps.classes"];
  const heatmaps = {
    ...mapInfo,
    output: arrays["heatmaps.output"].data,
    classes: classes ? Array.from({ length: classes.shape[0] },
      (_, k) => classes.data.subarray(k * classes.shape[1], (k + 1) * classes.shape[1])) : null,
    neurons: arrays["heatmaps.neurons"] ? neuronMaps(shapes, arrays["heatmaps.neurons"], side)
      : [null, ...shapes.slice(0, -1).map(() => []), null],
  };
  return { ...meta, state, heatmaps };
}
