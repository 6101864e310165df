"""server.sessions: a Session owns its trainer and play state; configuration merges and keeps the seed;
a trained link is offered only when a replay gives the same network; the store's limits."""
from __future__ import annotations

import pytest

from server.limits import LimitError
from server.schemas import Config, ParameterEdit, View
from server.sessions import Session, SessionStore, merge_config
from server.settings import Settings
from tests.conftest import run_async

SETTINGS = Settings(max_sessions=2, max_steps=5000)


def make(seed: str = "sessions", **config) -> Session:
    return Session("s", Config.model_validate({"seed": seed, **config}), View())


def test_every_change_a_viewer_should_see_bumps_the_revision():
    session = make()
    revisions = [session.revision]
    for change in (lambda: session.step(3), lambda: session.advance_phase(2), session.reset,
                   lambda: session.configure({"learning_rate": 0.3}, None, SETTINGS),
                   lambda: session.set_speed(5, "step")):
        change()
        revisions.append(session.revision)
    assert revisions == sorted(set(revisions)), revisions


def test_a_patch_keeps_the_seed_and_derived_choices_follow_the_problem():
    session = make()
    assert session.configure({"problem": "regression"}, None, SETTINGS) == "data"
    assert (session.config.seed, session.config.dataset, session.config.output) == ("sessions", "reg-plane", "linear")
    merged = merge_config(session.config, {"dataset": "reg-gauss"})
    assert merged["output"] is None and merged["dataset"] == "reg-gauss"  # re-derived on validation


def test_a_refused_patch_changes_nothing():
    session = make()
    session.step(4)
    before = (session.config, session.trainer.step_count, session.trainer.theta.copy())
    with pytest.raises(LimitError):
        session.configure({"batch_size": SETTINGS.max_batch_size + 1}, None, SETTINGS)
    assert session.config == before[0] and session.trainer.step_count == 4
    assert session.trainer.theta.tobytes() == before[2].tobytes()


def test_a_trained_link_replays_the_same_network():
    session = make()
    assert session.trained_hash(SETTINGS) is None  # nothing trained yet: the share link says it all
    session.step(25)
    replay = SessionStore(SETTINGS).build(None, None, session.trained_hash(SETTINGS))
    assert replay.trainer.step_count == 25
    assert replay.trainer.theta.tobytes() == session.trainer.theta.tobytes()


@pytest.mark.parametrize("change", ["live change mid-run", "hand edit"])
def test_no_trained_link_once_a_replay_would_differ(change):
    session = make()
    session.step(5)
    if change == "hand edit":
        session.edit(ParameterEdit(layer=0, kind="weight", i=0, j=0, value=0.5), SETTINGS)
    else:
        session.configure({"learning_rate": 0.5}, None, SETTINGS)
    assert session.trained_hash(SETTINGS) is None
    session.reset()  # a fresh run from the new weights: a replay gives it back again
    session.step(2)
    assert session.trained_hash(SETTINGS) is not None


def test_a_diverged_session_pauses_and_does_not_play_until_reset():
    session = make(problem="regression", activation="relu", learning_rate=50)
    session.play()
    session.step(500)
    assert not session.playing and session.play() is None
    session.reset()
    assert session.play() is not None


def test_the_store_makes_room_by_evicting_the_least_recently_used():
    async def scenario():
        store = SessionStore(SETTINGS)
        first, second = await store.create(None, None, None), await store.create(None, None, None)
        await store.get(first.id)  # first is now the more recently used
        third = await store.create(None, None, None)
        assert await store.get(first.id) is first and await store.get(third.id) is third
        assert await store.get(second.id) is None and len(store) == 2
    run_async(scenario())


def test_the_share_hash_follows_every_change_of_setup_step_and_phase():
    """The session keeps its setup's hash texts between frames: each link must still be the canonical one."""
    from server import urlstate
    session = make()

    def canonical(with_step: bool) -> str:
        mid = with_step and session.trainer.phase in urlstate.MID_PHASES
        return urlstate.format_hash(session.config.model_dump(), session.view.model_dump(),
                                    step=session.trainer.step_count if with_step else 0,
                                    resets=session.trainer.resets, phase=session.trainer.phase if mid else None)
    for change in (lambda: None, lambda: session.step(7), lambda: session.advance_phase(2),
                   lambda: session.configure({"learning_rate": 0.3}, None, SETTINGS),
                   lambda: session.configure({}, {"hide_text": True, "hidden": ["learningRate"]}, SETTINGS),
                   session.reset, lambda: session.step(2)):
        change()
        for with_step in (False, True):
            assert session.share_hash(with_step) == canonical(with_step)
    assert "learningRate=0.3" in session.share_hash() and "hideText=true" in session.share_hash()
    assert "resets=1" in session.share_hash(True) and "step=2" in session.share_hash(True)
