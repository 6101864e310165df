"""The page's frame decoder in the browser: a binary frame against the JSON frame of the same revision."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ALL_FEATURES = "x=true&y=true&xSquared=true&ySquared=true&xTimesY=true&sinX=true&sinY=true"
HASHES = {
    "spiral-6x8": f"dataset=spiral&networkShape=8,8,8,8,8,8&{ALL_FEATURES}&batchSize=10&seed=frames",
    "three-classes": "dataset=spiral3&networkShape=5,3&seed=frames",
    "regression": "problem=regression&dataset=reg-plane&networkShape=3&seed=frames",
}

# In the page: a socket of its own on the page's session, binary frames decoded by static/js/frames.js,
# then the same revision as JSON (`frame_format`), compared value by value. Returns what differed.
COMPARE = """async ([sessionId, commands]) => {
  const { decodeFrame, isBinaryFrame } = await import('/static/js/frames.js');
  const socket = new WebSocket(`ws://${location.host}/api/sessions/${sessionId}/live`);
  socket.binaryType = 'arraybuffer';
  const inbox = [];
  let wake = null;
  socket.onmessage = (event) => { inbox.push(event.data); if (wake) wake(); };
  const next = async () => {
    while (!inbox.length) await new Promise((resolve) => (wake = resolve));
    return inbox.shift();
  };
  const bytesOf = (text) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  const differences = [];
  const same = (expected, actual, where) => {
    if (differences.length > 20) return;
    if (expected instanceof Uint8Array) {
      if (!(actual instanceof Uint8Array) || expected.length !== actual.length ||
          expected.some((v, k) => v !== actual[k])) differences.push(`${where}: map bytes differ`);
    } else if (Array.isArray(expected)) {
      if (!Array.isArray(actual) || actual.length !== expected.length) differences.push(`${where}: length`);
      else expected.forEach((e, k) => same(e, actual[k], `${where}[${k}]`));
    } else if (expected !== null && typeof expected === 'object') {
      for (const key of Object.keys(expected)) same(expected[key], actual?.[key], `${where}.${key}`);
    } else if (expected !== actual) {
      differences.push(`${where}: JSON ${expected}, binary ${actual}`);
    }
  };
  const checked = [];
  const compare = async () => {
    // A binary frame, then the session's frame as JSON. The page's own socket may change the session
    // between the two (its speed, its view); then the binary frame sent on switching back is the new
    // revision's, and the pair is taken again.
    // A frame already on its way when the format changes arrives in the old format: skip to the new one.
    const nextOf = async (binary) => {
      for (;;) { const message = await next(); if ((typeof message !== 'string') === binary) return message; }
    };
    let raw = await next(), decoded, json;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (!isBinaryFrame(raw)) return differences.push('expected a binary frame, got ' + String(raw).slice(0, 80));
      decoded = decodeFrame(raw);
      socket.send(JSON.stringify({ type: 'frame_format', format: 'json' }));
      json = JSON.parse(await nextOf(false));
      socket.send(JSON.stringify({ type: 'frame_format', format: 'binary' }));
      raw = await nextOf(true);  // the revision now, binary again
      if (json.revision === decoded.revision) break;
    }
    if (json.revision !== decoded.revision) differences.push(`revision ${json.revision} vs ${decoded.revision}`);
    const { heatmaps, ...rest } = json;
    same(rest, decoded, 'frame');
    same(bytesOf(heatmaps.output), decoded.heatmaps.output, 'heatmaps.output');
    (heatmaps.classes ?? []).forEach((c, k) => same(bytesOf(c), decoded.heatmaps.classes[k], `classes[${k}]`));
    heatmaps.neurons.slice(1, -1).forEach((layer, l) => layer.forEach((map, k) =>
      same(bytesOf(map), decoded.heatmaps.neurons[l + 1][k], `neurons[${l + 1}][${k}]`)));
    checked.push({ step: json.state.step, phase: json.state.phase, bytes: raw.byteLength,
                   jsonBytes: JSON.stringify(json).length, batch: Boolean(json.state.batch),
                   gradients: Boolean(json.state.layers[0].grad_weights) });
  };
  await new Promise((resolve) => (socket.onopen = resolve));
  JSON.parse(await next());  // the session message
  await compare();
  for (const command of commands) {
    socket.send(JSON.stringify(command));
    await compare();
  }
  socket.close();
  return { differences, checked };
}"""

COMMANDS = [{"type": "step", "steps": 5}, {"type": "phase"}, {"type": "phase"}, {"type": "phase"},
            {"type": "phase"}, {"type": "step", "steps": 1}]


@pytest.mark.parametrize("name", HASHES)
def test_the_page_decodes_a_binary_frame_into_the_json_state_of_the_same_revision(playground, name):
    playground.open(HASHES[name])
    session_id = playground.session_path().rsplit("/", 1)[1]
    result = playground.page.evaluate(COMPARE, [session_id, COMMANDS])
    assert result["differences"] == []
    checked = result["checked"]
    assert [c["step"] for c in checked] == [0, 5, 5, 5, 5, 6, 7]
    assert [c["phase"] for c in checked] == ["ready", "update", "forward", "loss", "backward", "update", "update"]
    assert checked[0]["gradients"] is False and checked[-1]["gradients"] is True and checked[-1]["batch"] is True
    assert all(c["bytes"] < c["jsonBytes"] for c in checked)


def test_the_page_draws_from_binary_frames(playground):
    """The page's own socket gets binary frames, and its numbers are the server's."""
    frames: list[bytes | str] = []
    playground.page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: frames.append(payload)))
    playground.open(HASHES["spiral-6x8"])
    playground.page.click("#step")
    playground.wait_for_step(1)
    assert any(isinstance(f, bytes) and f[:4] == b"BPF1" for f in frames)
    server = playground.server_session()["state"]
    assert playground.train_loss() == pytest.approx(server["loss"]["train"], abs=5e-4)
