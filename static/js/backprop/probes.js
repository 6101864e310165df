/**
 * The server's probe routes (GET, read-only): one sample's trace, a 1-D slice, a 2-D landscape and
 * the gradient check. Each returns the parsed JSON or throws the ApiError of ../api.js.
 */
import { request, sessionPath } from "../api.js";

const getJson = (id, tail, params) => request("GET", `${sessionPath(id)}/${tail}`, undefined, params);

/** One train sample's chain rule: {sample, layer?, i?, j?, at: "now" | "backward"}. */
export const getInspect = (id, params) => getJson(id, "inspect", params);

/** The loss over one parameter: {layer, kind, i, j?, span?, points?}. */
export const getSlice = (id, params) => getJson(id, "slice", params);

/** The loss over a plane: {size, span, mode: "random" | "params", draw?, p1?, p2?}. */
export const getLandscape = (id, params) => getJson(id, "landscape", params);

/** Backprop against finite differences, per tensor. */
export const getGradcheck = (id) => getJson(id, "gradcheck");
