/**
 * Sketches of each data set for the thumbnails in the data column: a few dozen points made here, with
 * a fixed seed, shaped like the server's sets (engine/datasets.py). They only picture a set; the server
 * makes the data the network learns from. Pure: no DOM.
 *
 * A sketch is {points: [[x, y, value], ...], kind: "classes"|"values"}, x and y in [−6, 6].
 */
const EXTENT = 6;

/** mulberry32: a small seeded generator, so every thumbnail looks the same on every load. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uniform = (random, lo, hi) => lo + (hi - lo) * random();

function circle(random, n) {
  const points = [];
  for (let i = 0; i < n; i++) {
    const inner = i % 2 === 0;
    const r = inner ? uniform(random, 0, 2.5) : uniform(random, 3.5, 5);
    const t = uniform(random, 0, 2 * Math.PI);
    points.push([r * Math.cos(t), r * Math.sin(t), inner ? 1 : 0]);
  }
  return points;
}

function xor(random, n) {
  const points = [];
  for (let i = 0; i < n; i++) {
    let x = uniform(random, -5, 5);
    let y = uniform(random, -5, 5);
    x += x > 0 ? 0.3 : -0.3;
    y += y > 0 ? 0.3 : -0.3;
    points.push([x, y, x * y >= 0 ? 1 : 0]);
  }
  return points;
}

function gaussian(random) {
  // Box–Muller
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

function gauss(random, n) {
  const points = [];
  for (let i = 0; i < n; i++) {
    const positive = i % 2 === 0;
    const c = positive ? 2 : -2;
    points.push([c + gaussian(random) * 0.8, c + gaussian(random) * 0.8, positive ? 1 : 0]);
  }
  return points;
}

function spiralArms(random, n, arms) {
  const points = [];
  const perArm = Math.floor(n / arms);
  for (let arm = 0; arm < arms; arm++) {
    for (let i = 0; i < perArm; i++) {
      const r = (i / perArm) * 5;
      const t = ((1.75 * i) / perArm) * 2 * Math.PI + (arm * 2 * Math.PI) / arms;
      points.push([r * Math.sin(t) + uniform(random, -0.15, 0.15), r * Math.cos(t) + uniform(random, -0.15, 0.15), arm]);
    }
  }
  return points;
}

function moons(random, n) {
  const points = [];
  for (let i = 0; i < n; i++) {
    const upper = i % 2 === 0;
    const t = uniform(random, 0, Math.PI);
    const x = upper ? Math.cos(t) : 1 - Math.cos(t);
    const y = upper ? Math.sin(t) : 0.5 - Math.sin(t);
    points.push([(x - 0.5) * 3.5 + gaussian(random) * 0.15, (y - 0.25) * 3.5 + gaussian(random) * 0.15, upper ? 0 : 1]);
  }
  return points;
}

function regPlane(random, n) {
  const points = [];
  for (let i = 0; i < n; i++) {
    const x = uniform(random, -EXTENT, EXTENT);
    const y = uniform(random, -EXTENT, EXTENT);
    points.push([x, y, (x + y) / 10]);
  }
  return points;
}

function regGauss(random, n) {
  const centres = [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]];
  const points = [];
  for (let i = 0; i < n; i++) {
    const x = uniform(random, -EXTENT, EXTENT);
    const y = uniform(random, -EXTENT, EXTENT);
    let value = 0;
    for (const [cx, cy, sign] of centres) {
      value += sign * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 2);
    }
    points.push([x, y, Math.max(-1, Math.min(1, value))]);
  }
  return points;
}

const SKETCHES = {
  circle: (random) => circle(random, 120),
  xor: (random) => xor(random, 120),
  gauss: (random) => gauss(random, 120),
  spiral: (random) => spiralArms(random, 140, 2),
  spiral3: (random) => spiralArms(random, 150, 3),
  moons: (random) => moons(random, 120),
  "reg-plane": (random) => regPlane(random, 160),
  "reg-gauss": (random) => regGauss(random, 200),
};

/** The sketch of data set `name`, or null when there is none (a set the page does not know). */
export function sketchOf(name) {
  const make = SKETCHES[name];
  if (!make) return null;
  const kind = name.startsWith("reg-") ? "values" : "classes";
  return { kind, points: make(generator(7)) };
}

/** A short name for a data set key, to fit under its thumbnail: "reg-gauss" → "Gaussians". */
export function datasetLabel(name) {
  const known = {
    circle: "Circle", xor: "XOR", gauss: "Gaussian", spiral: "Spiral", spiral3: "3 spirals",
    moons: "Moons", "reg-plane": "Plane", "reg-gauss": "Gaussians", custom: "Custom",
  };
  return known[name] ?? name.replace(/^reg-/, "").replace(/[-_]/g, " ");
}

/** One sentence about a data set, for its tooltip. */
export function datasetDescription(name) {
  const known = {
    circle: "Circle: a blue disc inside an orange ring.",
    xor: "XOR (exclusive or): blue where x and y have the same sign, orange where they differ.",
    gauss: "Gaussian: two clouds of points, one per class.",
    spiral: "Spiral: two interleaved spiral arms, the hardest of TFP's sets.",
    spiral3: "3 spirals: three interleaved arms, three classes (softmax output).",
    moons: "Moons: two interlocking half-moons.",
    "reg-plane": "Plane: the target is a tilted plane, (x + y) / 10.",
    "reg-gauss": "Gaussians: the target is a sum of six bumps, up and down.",
  };
  return known[name] ?? datasetLabel(name);
}
