"""Sessions: one trainer each, plain data (config, arrays, counters, play state), kept in a bounded
store with idle expiry. What cannot be stored — sockets, play loops — lives beside them (server.player).

``Session`` is what routes and the live socket call: every change (``play``, ``pause``, ``step``,
``advance_phase``, ``configure``, ``reset``, ``regenerate``, ``edit``) and every look (``describe``,
``state``, ``heatmaps``, ``inspect``, ``loss_slice``, ``landscape``, ``gradient_check``) is one method, run
on the process's compute lane (server.player), one at a time.
"""
from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import asdict

import numpy as np

from engine import probes
from engine.config import TrainConfig
from engine.outputs import check_head
from engine.trainer import Trainer
from server import snapshot, urlstate
from server.limits import LimitError, MismatchError, check_index, check_limits, check_steps
from server.schemas import Config, View
from server.settings import Settings


def random_seed() -> str:
    """A TFP-style seed such as '0.27079'."""
    return f"{secrets.randbelow(100_000) / 100_000:.5f}"


def to_train_config(config: Config) -> TrainConfig:
    values = config.model_dump()
    values["points"] = tuple(map(tuple, values["points"])) if values["points"] else None
    values["features"] = tuple(values["features"])
    values["hidden_layers"] = tuple(values["hidden_layers"])
    return TrainConfig(**values)


# When a patch changes the problem or the dataset, choices derived from them follow unless given.
_DERIVED = {"problem": ("dataset", "output", "loss"), "dataset": ("output", "loss"), "output": ("loss",)}


def merge_config(current: Config, patch: dict) -> dict:
    merged = current.model_dump()
    for key, derived in _DERIVED.items():
        if key in patch and patch[key] != merged.get(key):
            for name in derived:
                if name not in patch:
                    merged[name] = None
    if patch.get("dataset", merged["dataset"]) != "custom":
        merged["points"] = None
    merged.update(patch)
    return merged


class Session:
    """One learner's network and its play state.

    Play is owned here: ``play()`` hands out a token, and only the loop holding the current token may
    train (``owns_play``); ``pause()`` and every later ``play()`` make older tokens stale."""

    def __init__(self, session_id: str, config: Config, view: View, resets: int = 0):
        self.restore(session_id, config, view, Trainer(to_train_config(config), resets=resets))

    def restore(self, session_id: str, config: Config, view: View, trainer: Trainer) -> None:
        """Take ``trainer`` and fresh play state (server.stored then sets the saved play state)."""
        self.id, self.config, self.view, self.trainer = session_id, config, view, trainer
        self._hash_texts = None  # (config, view, their hash texts): see _setup_texts
        self.touched = time.monotonic()
        self.revision = 0  # bumped on every change a viewer should see
        self.playing = False
        self.play_token = 0  # the one play loop allowed to train holds this number
        self.steps_per_second: float | None = None
        self.speed_unit = "step"
        # A trained link says "these settings, N steps from the start": true until a live change mid-run
        # or a hand edit makes the run one that a replay would not reproduce.
        self.replayable = True

    def touch(self) -> None:
        self.touched = time.monotonic()

    def changed(self) -> None:
        self.revision += 1

    def share_hash(self, with_step: bool = False) -> str:
        """The setup's hash; ``with_step``: plus step=N and, mid-iteration, the phase it stands at."""
        mid = with_step and self.trainer.phase in urlstate.MID_PHASES
        return urlstate.join_hash(self._setup_texts(), step=self.trainer.step_count if with_step else 0,
                                  resets=self.trainer.resets, phase=self.trainer.phase if mid else None)

    def _setup_texts(self) -> list:
        """The hash's texts for this config and view (kept until either is replaced: every frame carries
        the trained link)."""
        kept = self._hash_texts
        if kept is None or kept[0] is not self.config or kept[1] is not self.view:
            kept = self._hash_texts = (self.config, self.view, urlstate.setup_texts(self.config, self.view))
        return kept[2]

    def advance_to(self, phase: str | None) -> None:
        """Run single phases until the last completed one is ``phase`` (a share hash's phase=…)."""
        for _ in range(len(urlstate.MID_PHASES)):
            if phase is None or self.trainer.phase == phase or self.trainer.status != "ok":
                return
            self.advance_phase()

    def trained_hash(self, settings: Settings) -> str | None:
        """The share hash plus step=N, or None when opening it would not give this network back."""
        if not self.replayable or self.trainer.step_count == 0:
            return None
        try:
            check_steps(self.trainer, self.trainer.step_count, settings.max_replay_steps, settings, "step")
        except LimitError:
            return None
        return self.share_hash(with_step=True)

    # ----- play: the one owner of play state ----------------------------------------------------
    def play(self) -> int | None:
        """Start playing; returns the token of the loop that may now train (None: nothing to start)."""
        if self.playing or self.trainer.status != "ok":
            return None
        self.playing = True
        self.play_token += 1
        self.changed()
        return self.play_token

    def pause(self) -> None:
        """Stop playing; whichever loop was training finds its token stale before its next slice."""
        if self.playing:
            self.playing = False
            self.play_token += 1
        self.changed()

    def owns_play(self, token: int) -> bool:
        return self.playing and self.play_token == token

    def set_speed(self, steps_per_second: float | None, unit: str) -> None:
        self.steps_per_second, self.speed_unit = steps_per_second, unit
        self.changed()

    # ----- changes ------------------------------------------------------------------------------
    def step(self, n: int, settings: Settings | None = None) -> int:
        """Run ``n`` whole iterations; with ``settings``, first refuse more than one request may ask for.
        Returns how many ran (fewer once it diverges, which pauses play)."""
        if settings is not None:
            check_steps(self.trainer, n, settings.max_steps, settings)
        ran = self.trainer.step(n)
        self._after_training()
        return ran

    def advance_phase(self, n: int = 1) -> None:
        """Advance ``n`` single phases of forward → loss → backward → update."""
        for _ in range(n):
            self.trainer.advance_phase()
        self._after_training()

    def _after_training(self) -> None:
        if self.trainer.status == "diverged":
            self.pause()
        self.changed()

    def reset(self) -> None:
        """New initial weights (the next draw of the seed's stream), same data."""
        self.trainer.reset()
        self.replayable = True
        self.changed()

    def regenerate(self, settings: Settings) -> None:
        """New data from a new seed (as TFP's Regenerate), new weights."""
        self.configure({"seed": random_seed()}, None, settings)

    def describe(self, settings: Settings, with_batch: bool = True) -> dict:
        """The whole ``Session`` wire object."""
        t = self.trainer
        return {"id": self.id, "config": self.config.model_dump(), "view": self.view.model_dump(),
                "share_hash": self.share_hash(), "trained_hash": self.trained_hash(settings),
                "link_note": urlstate.link_note(self.config),
                "features": snapshot.feature_info(t), "num_classes": t.num_classes,
                "data": snapshot.data(t), "state": snapshot.state(t, with_batch)}

    def configure(self, patch: dict, view_patch: dict | None, settings: Settings) -> str:
        """Apply part of a config (and of the view); returns 'live', 'weights' or 'data'."""
        if view_patch:
            self.view = View.model_validate({**self.view.model_dump(), **view_patch})
        if not patch:
            self.changed()
            return "live"
        config = Config.model_validate(merge_config(self.config, patch))
        check_limits(config, settings)
        if config.seed is None:
            config = config.model_copy(update={"seed": self.config.seed})
        train_config = to_train_config(config)
        changes = {k: v for k, v in asdict(train_config).items() if getattr(self.trainer.config, k) != v}
        mid_run = self.trainer.step_count > 0 or self.trainer.phase != "ready"
        cost = self.trainer.configure(**changes)
        self.config = config
        if cost != "live":
            self.replayable = True  # new weights: a fresh run
        elif changes and mid_run:
            self.replayable = False
        self.changed()
        return cost

    def set_points(self, points: list[tuple[float, float, float]], settings: Settings) -> str:
        """Train on these points (dataset 'custom'); the output head and loss stay while they fit the labels."""
        c = self.config
        num_classes = 0 if c.problem == "regression" else (3 if any(p[2] == 2 for p in points) else 2)
        patch: dict = {"dataset": "custom", "points": [list(p) for p in points]}
        try:
            check_head(c.problem, num_classes, c.output, c.loss)
            patch.update(output=c.output, loss=c.loss)
        except ValueError:
            patch.update(output=None, loss=None)  # e.g. a third class needs softmax: the defaults follow
        return self.configure(patch, None, settings)

    def edit(self, edit, settings: Settings) -> None:
        """Set a layer's weights/biases, or one weight or bias (a ``ParameterEdit``), by hand."""
        t = self.trainer
        layers = len(t.params) // 2
        if edit.layer >= layers:
            raise MismatchError("layer", f"layer must be below {layers}")
        W, b = t.params[2 * edit.layer], t.params[2 * edit.layer + 1]
        if edit.weights is not None:
            W[...] = _shaped(edit.weights, W.shape, "weights", edit.layer)
        if edit.biases is not None:
            b[...] = _shaped(edit.biases, b.shape, "biases", edit.layer)
        if edit.kind is not None:
            if edit.value is None or edit.i is None:
                raise LimitError("value", "an entry edit needs 'i' and 'value' (and 'j' for a weight)")
            check_index(t, edit.layer, edit.kind, edit.i, edit.j)
            t.set_parameter(edit.layer, edit.kind, edit.i, edit.j, edit.value)
        t.params_edited()
        self.replayable = False
        self.changed()

    # ----- looks --------------------------------------------------------------------------------
    def state(self) -> dict:
        return snapshot.state(self.trainer)

    def heatmaps(self, size: int, neuron_size: int) -> dict:
        return snapshot.heatmaps(self.trainer, size, neuron_size)

    def inspect(self, sample: int, at: str = "now", weight: tuple[int, int, int] | None = None) -> dict:
        """Train sample ``sample`` through the network and back, at the current parameters (``at="now"``) or
        at those the last backward pass saw (``"backward"``); with ``weight`` = (layer, i, j) also that
        weight's batch gradient as per-sample terms."""
        t = self.trainer
        if sample >= len(t.X_train):
            raise MismatchError("sample", f"sample must be below {len(t.X_train)} (the train set)")
        if weight is not None:
            check_index(t, weight[0], "weight", weight[1], weight[2])
        params = probes.backward_params(t) if at == "backward" else None
        terms = probes.batch_terms(t, *weight) if weight is not None else None
        return snapshot.sample_trace(probes.trace_sample(t, sample, params), at, t.phase, terms)

    def loss_slice(self, layer: int, kind: str, i: int, j: int | None, span: float | None, points: int) -> dict:
        """The loss along one parameter (the others fixed), its slope there and the next SGD step."""
        check_index(self.trainer, layer, kind, i, j)
        return snapshot.finite(probes.loss_slice(self.trainer, layer, kind, i, j, span, points))

    def landscape(self, mode: str, draw: int, addresses: dict, size: int, span: float) -> dict:
        """The loss over a plane through the parameters: two random directions (``draw`` picks the pair), or
        the two parameters of ``addresses`` (name → (layer, kind, i, j)) in raw units."""
        t = self.trainer
        if mode == "random":
            d1, d2 = probes.random_directions(t, draw)
        else:
            for name, address in addresses.items():
                check_index(t, *address, field=name)
            d1, d2 = (probes.unit_direction(t, *address) for address in addresses.values())
        result = probes.landscape(t, d1, d2, size, span)
        return snapshot.finite({**result, "mode": mode, "span": span})

    def gradient_check(self) -> list[dict]:
        """Backprop against centred finite differences on the current batch, per layer."""
        return snapshot.finite(probes.gradient_check(self.trainer))


def _shaped(values: list, shape: tuple, field: str, layer: int) -> np.ndarray:
    """``values`` as an array of ``shape``; a 409 naming ``field`` for another shape, ragged rows included."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except ValueError:  # rows of different lengths
        array = None
    if array is None or array.shape != shape:
        raise MismatchError(field, f"{field} of layer {layer} are shaped {list(shape)}")
    return array


class SessionStore:
    """Sessions by id, in this process's memory (``--store memory``, the default). Idle ones expire after
    ``session_ttl``; at ``max_sessions`` the least recently used idle one (no socket, not playing) makes
    room — its links still replay it. ``in_use(session_id)`` says whether something beside a session (a
    socket) holds it. server.redis_store keeps the same interface over Redis, for several workers.

    Every session this process may change is *held* (``holds``); ``hold`` makes it so (here it always
    is), and ``save`` makes its current state the stored one, on the compute lane."""

    durable = False

    def __init__(self, settings: Settings):
        self.settings = settings
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self.in_use = lambda session_id: False
        self.release = None  # set by the Player: ``await release(session)`` lets go of it on the lane

    def __len__(self) -> int:
        return len(self._sessions)

    def build(self, body_config: dict | None, body_view: View | None, fragment: str | None) -> Session:
        """A new session from a config or a share hash (replayed to its step=N); not yet stored."""
        step, resets = 0, 0
        view = body_view or View()
        if fragment is not None:
            parsed = urlstate.parse_hash(fragment)
            config_values, view = parsed.config, View.model_validate(parsed.view)
            step, resets = parsed.step, parsed.resets
        else:
            config_values = dict(body_config or {})
        config = Config.model_validate(config_values)
        check_limits(config, self.settings)
        if config.seed is None:
            config = config.model_copy(update={"seed": random_seed()})
        session = Session(secrets.token_urlsafe(12), config, view, resets=resets)
        if step:
            check_steps(session.trainer, step, self.settings.max_replay_steps, self.settings, "step")
            session.step(step)
        if fragment is not None:
            session.advance_to(parsed.phase)
        return session

    async def create(self, body_config: dict | None, body_view: View | None, fragment: str | None) -> Session:
        session = self.build(body_config, body_view, fragment)
        await self.add(session)
        return session

    async def start(self) -> None:
        """Begin whatever the store runs in the background (none here)."""

    async def add(self, session: Session) -> None:
        await self._expire()
        await self._make_room()
        self._claim(session)
        self._sessions[session.id] = session

    def _claim(self, session: Session) -> None:
        """A new session is held by the process that made it."""

    def _busy(self, session: Session) -> bool:
        return session.playing or self.in_use(session.id)

    async def _make_room(self) -> None:
        while len(self._sessions) >= self.settings.max_sessions:
            idle = next((k for k, s in self._sessions.items() if not self._busy(s)), None)
            if idle is None:
                raise CapacityError(f"all {self.settings.max_sessions} sessions are in use; try again later")
            await self._evict(self._sessions.pop(idle))

    async def _evict(self, session: Session) -> None:
        """A session leaves this process's memory (kept where a store keeps it)."""
        session.pause()

    async def get(self, session_id: str) -> Session | None:
        await self._expire()
        session = self._sessions.get(session_id)
        if session is not None:
            session.touch()
            self._sessions.move_to_end(session_id)
        return session

    def holds(self, session: Session) -> bool:
        return True

    async def hold(self, session: Session) -> None:
        """Make ``session`` this process's to change, with the stored state (memory: it always is)."""

    async def reclaim(self, session: Session) -> bool:
        """Hold ``session`` again after a lapse, without asking anyone to let go (memory: always held)."""
        return True

    def save(self, session: Session) -> None:
        """Make the session's current state the stored one (memory: it already is)."""

    async def delete(self, session_id: str) -> bool:
        session = self._sessions.pop(session_id, None)
        if session is not None:
            session.pause()
        return session is not None

    async def close(self) -> None:
        """Release what the store holds (connections, leases)."""

    async def _expire(self) -> None:
        deadline = time.monotonic() - self.settings.session_ttl
        for session_id in [k for k, s in self._sessions.items()
                           if s.touched < deadline and not self.in_use(k)]:
            await self._evict(self._sessions.pop(session_id))


class CapacityError(RuntimeError):
    """Every session slot holds a session someone is using (or another worker will not let go of one);
    becomes a 503."""
