/**
 * The server's probe routes the page asks over HTTP (GET, read-only): one sample's trace and the
 * gradient check. Each returns the parsed JSON or throws the ApiError of ../api.js. (The slice and the
 * landscape follow training over the socket instead: a `probes` wish, main.js.)
 */
import { request, sessionPath } from "../api.js";

const getJson = (id, tail, params) => request("GET", `${sessionPath(id)}/${tail}`, undefined, params);

/** One train sample's chain rule: {sample, layer?, i?, j?, at: "now" | "backward"}. */
export const getInspect = (id, params) => getJson(id, "inspect", params);

/** Backprop against finite differences, per tensor. */
export const getGradcheck = (id) => getJson(id, "gradcheck");
