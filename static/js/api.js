/**
 * The server's REST routes (docs/api.md), one function each. Every function returns the parsed JSON
 * or throws an ApiError carrying the HTTP status and the server's message.
 */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const text = await response.text();
  let payload = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = { detail: text };
  }
  if (!response.ok) {
    const detail = payload?.detail ?? payload?.message ?? response.statusText;
    throw new ApiError(response.status, typeof detail === "string" ? detail : JSON.stringify(detail));
  }
  return payload;
}

const sessionPath = (id) => `/api/sessions/${encodeURIComponent(id)}`;

/** A new session from a TFP-compatible hash (without '#'). */
export const createSession = (hash) => request("POST", "/api/sessions", { hash });
export const getSession = (id) => request("GET", sessionPath(id));
export const patchSession = (id, patch) => request("PATCH", sessionPath(id), patch);

/** Set one weight (`kind: "weight"`, from neuron i to neuron j) or one bias (`kind: "bias"`, neuron j). */
export const putParameter = (id, { layer, kind, i, j, value }) =>
  request("PUT", `${sessionPath(id)}/parameters`, { layer, kind, i, j, value });

/** The heatmaps of the current parameters (the socket sends them with every frame; this is for REST edits). */
export const getHeatmaps = (id, size = 100, neuronSize = 20) =>
  request("GET", `${sessionPath(id)}/heatmaps?size=${size}&neuron_size=${neuronSize}`);

/** The WebSocket URL of a session's live channel, on the page's own host. */
export function liveUrl(id, location = window.location) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${sessionPath(id)}/live`;
}
