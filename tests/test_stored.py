"""A stored session continues bit for bit: every phase, optimizer, batch order and play state survive."""
from __future__ import annotations

import numpy as np
import pytest

from server import stored
from server.schemas import Config, View
from server.sessions import Session
from server.settings import Settings

SETTINGS = Settings()
CONFIGS = [
    {"seed": "a"},
    {"seed": "b", "optimizer": "adam", "dataset": "spiral", "hidden_layers": [5, 3], "batch_size": 7,
     "regularization": "L2", "regularization_rate": 0.001},
    {"seed": "c", "optimizer": "momentum", "order": "fixed", "batch_size": 30, "problem": "regression",
     "dataset": "reg-plane"},
    {"seed": "d", "optimizer": "rmsprop", "dataset": "spiral3",
     "features": ["x", "y", "xTimesY"]},
]


def twins(config: dict, steps: int, phases: int) -> tuple[Session, Session]:
    session = Session("s", Config.model_validate(config), View())
    session.step(steps)
    session.advance_phase(phases)
    session.set_speed(25.0, "phase")
    return session, stored.load(stored.dump(session))


@pytest.mark.parametrize("config", CONFIGS, ids=[c["seed"] for c in CONFIGS])
@pytest.mark.parametrize("phases", [0, 1, 2, 3, 5])
def test_a_loaded_session_continues_bit_for_bit(config, phases):
    saved, loaded = twins(config, 37, phases)
    assert loaded.describe(SETTINGS) == saved.describe(SETTINGS)  # every number a viewer reads
    assert (loaded.revision, loaded.steps_per_second, loaded.speed_unit) == (saved.revision, 25.0, "phase")
    for session in (saved, loaded):
        session.advance_phase(3)
        session.step(61)  # across an epoch's end: the shuffle stream must continue, not restart
    np.testing.assert_array_equal(loaded.trainer.theta, saved.trainer.theta)
    assert loaded.trainer.theta.tobytes() == saved.trainer.theta.tobytes()
    assert loaded.describe(SETTINGS) == saved.describe(SETTINGS)
    assert loaded.trainer.epoch == saved.trainer.epoch > 0
    assert loaded.trainer.loss_log.rows == saved.trainer.loss_log.rows and saved.trainer.loss_log.rows


def test_params_stay_views_of_theta_after_loading():
    _, loaded = twins({"seed": "v"}, 5, 0)
    loaded.trainer.params[0][0, 0] = 0.25
    assert loaded.trainer.theta[0] == 0.25


def test_loading_into_a_session_keeps_the_object():
    saved, _ = twins({"seed": "o"}, 12, 1)
    other = Session("x", Config.model_validate({"seed": "other"}), View())
    assert stored.load(stored.dump(saved), into=other) is other
    assert other.id == "s" and other.trainer.step_count == 12 and other.trainer.phase == "forward"


def test_a_record_of_another_kind_is_refused():
    from server import frames
    with pytest.raises(ValueError, match="not a stored session"):
        stored.load(frames.encode({"type": "frame"}, []))
