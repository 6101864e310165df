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

/** A readable message from an error body: FastAPI's `detail` is a string or a list of {loc, msg}. */
function describeError(payload, fallback) {
  const detail = payload?.detail ?? payload?.message;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail)) {
    return detail
      .map((d) => {
        const field = (d.loc ?? []).filter((part) => part !== "body" && part !== "config").join(".");
        return field ? `${field}: ${d.msg}` : d.msg;
      })
      .join("; ");
  }
  return fallback;
}

/**
 * `method` on `path` (GET `query` parameters that are not null go in the URL), the body sent as JSON, or as
 * it is with another `contentType` (CSV text).
 */
export async function request(method, path, body, query = {}, contentType = "application/json") {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value != null) search.set(name, String(value));
  if (search.size) path = `${path}?${search}`;
  const json = contentType === "application/json";
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": contentType },
    body: body === undefined ? undefined : json ? JSON.stringify(body) : body,
  });
  if (response.status === 204) return null;
  const text = await response.text();
  let payload = null;
  try {
    payload = text ? JSON.parse(text) : null;
  } catch {
    payload = { detail: text };
  }
  if (!response.ok) throw new ApiError(response.status, describeError(payload, response.statusText));
  return payload;
}

export const sessionPath = (id) => `/api/sessions/${encodeURIComponent(id)}`;

/** A new session from a TFP-compatible hash (without '#'). */
export const createSession = (hash) => request("POST", "/api/sessions", { hash });
export const getSession = (id) => request("GET", sessionPath(id));
/** Train on your own points: `[[x, y, label], ...]`, or CSV text with x,y,label rows. */
export const putPoints = (id, points) => (typeof points === "string"
  ? request("PUT", `${sessionPath(id)}/points`, points, {}, "text/csv")
  : request("PUT", `${sessionPath(id)}/points`, { points }));
/** The URL of one export of a session: json, numpy, csv or loss_csv (docs/api.md). */
export const exportUrl = (id, format) => `${sessionPath(id)}/export?format=${encodeURIComponent(format)}`;

/** The WebSocket URL of a session's live channel, on the page's own host. */
export function liveUrl(id, location = window.location) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${sessionPath(id)}/live`;
}
