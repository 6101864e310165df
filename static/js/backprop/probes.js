/**
 * The server's probe routes (GET, read-only): one sample's trace, a 1-D slice, a 2-D landscape and
 * the gradient check. Each returns the parsed JSON or throws the ApiError of ../api.js.
 */
import { ApiError } from "../api.js";

async function getJson(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value != null) query.set(name, String(value));
  const response = await fetch(`${path}${query.size ? `?${query}` : ""}`);
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = payload?.detail;
    const message = Array.isArray(detail) ? detail.map((d) => d.msg).join("; ") : detail ?? response.statusText;
    throw new ApiError(response.status, message);
  }
  return payload;
}

const path = (id, tail) => `/api/sessions/${encodeURIComponent(id)}/${tail}`;

/** One train sample's chain rule: {sample, layer?, i?, j?, at: "now" | "backward"}. */
export const getInspect = (id, params) => getJson(path(id, "inspect"), params);

/** The loss over one parameter: {layer, kind, i, j?, span?, points?}. */
export const getSlice = (id, params) => getJson(path(id, "slice"), params);

/** The loss over a plane: {size, span, mode: "random" | "params", draw?, p1?, p2?}. */
export const getLandscape = (id, params) => getJson(path(id, "landscape"), params);

/** Backprop against finite differences, per tensor. */
export const getGradcheck = (id) => getJson(path(id, "gradcheck"));
