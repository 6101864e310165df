"""Races over the API: variants on the same data from the same start see the same mini-batches; identical
variants stay bit-identical; different optimizers part ways; the share hash re-creates the race; the
landscape puts every path on one plane through the shared start; bad requests are 422s, unknown ids 404s."""
from __future__ import annotations

import pytest

from server.races import format_variants, parse_variants

BASE = {"dataset": "circle", "hidden_layers": [4], "learning_rate": 0.03, "batch_size": 10, "seed": "race"}
OPTIMIZERS = [{"optimizer": "sgd"}, {"optimizer": "momentum"}, {"optimizer": "adam"}]


def create(client, config=BASE, variants=OPTIMIZERS) -> dict:
    response = client.post("/api/races", json={"config": config, "variants": variants})
    assert response.status_code == 201, response.text
    return response.json()


def weights(state: dict) -> list:
    return [(layer["weights"], layer["biases"]) for layer in state["layers"]]


def test_a_race_is_one_ordinary_session_per_variant(client):
    race = create(client)
    assert set(race) >= {"id", "share_hash", "sessions"}
    assert [s["config"]["optimizer"] for s in race["sessions"]] == ["sgd", "momentum", "adam"]
    for session in race["sessions"]:
        assert session["config"]["seed"] == "race"
        assert client.get(f"/api/sessions/{session['id']}").status_code == 200  # every session route works
    # the same start: the same data and the same initial weights
    first = race["sessions"][0]
    for other in race["sessions"][1:]:
        assert other["data"] == first["data"]
        assert weights(other["state"]) == weights(first["state"])


def test_variants_differing_in_optimizer_see_the_same_batches_and_part_ways(client):
    race = create(client)
    for _ in range(12):
        body = client.post(f"/api/races/{race['id']}/step", json={"steps": 1}).json()
        batches = [state["batch"]["indices"] for state in body["states"]]
        assert batches[0] == batches[1] == batches[2]
    assert [state["step"] for state in body["states"]] == [12, 12, 12]  # lockstep
    sgd, momentum, adam = (weights(state) for state in body["states"])
    assert sgd != momentum and sgd != adam and momentum != adam


def test_two_identical_variants_stay_bit_identical(client):
    race = create(client, variants=[{"optimizer": "adam", "learning_rate": 0.01}] * 2)
    body = client.post(f"/api/races/{race['id']}/step", json={"steps": 300}).json()
    assert body["states"][0]["step"] == 300
    assert weights(body["states"][0]) == weights(body["states"][1])
    assert body["states"][0]["loss"] == body["states"][1]["loss"]
    for _ in range(7):  # phase by phase too: forward, loss, backward, update, forward, loss, backward
        body = client.post(f"/api/races/{race['id']}/phase").json()
    assert body["states"][0]["phase"] == body["states"][1]["phase"] == "backward"
    assert body["states"][0]["layers"] == body["states"][1]["layers"]


def test_the_share_hash_re_creates_the_race(client):
    race = create(client, variants=[{"optimizer": "sgd"}, {"optimizer": "adam", "learning_rate": 0.01}])
    assert "race=optimizer:sgd;optimizer:adam,learning_rate:0.01" in race["share_hash"]
    stepped = client.post(f"/api/races/{race['id']}/step", json={"steps": 50}).json()
    again = client.post("/api/races", json={"hash": race["share_hash"]})
    assert again.status_code == 201, again.text
    twin = again.json()
    assert twin["id"] != race["id"] and twin["share_hash"] == race["share_hash"]
    assert [s["config"] for s in twin["sessions"]] == [s["config"] for s in race["sessions"]]
    replayed = client.post(f"/api/races/{twin['id']}/step", json={"steps": 50}).json()
    assert [weights(s) for s in replayed["states"]] == [weights(s) for s in stepped["states"]]
    trained = client.post("/api/races", json={"hash": race["share_hash"] + "&step=50"}).json()  # a trained link
    assert [weights(s["state"]) for s in trained["sessions"]] == [weights(s) for s in stepped["states"]]


def test_reset_gives_every_variant_the_same_new_start(client):
    race = create(client)
    client.post(f"/api/races/{race['id']}/step", json={"steps": 5})
    body = client.post(f"/api/races/{race['id']}/reset").json()
    assert [state["step"] for state in body["states"]] == [0, 0, 0]
    start = weights(body["states"][0])
    assert start != weights(race["sessions"][0]["state"])  # the next draw
    assert all(weights(state) == start for state in body["states"])
    assert "resets=1" in client.get(f"/api/races/{race['id']}").json()["share_hash"]


def test_the_landscape_is_one_plane_through_the_shared_start(client):
    race = create(client, variants=OPTIMIZERS[:2])
    for _ in range(10):
        client.post(f"/api/races/{race['id']}/step", json={"steps": 3})
    plane = client.get(f"/api/races/{race['id']}/landscape", params={"size": 9}).json()
    assert len(plane["loss"]) == 9 and len(plane["loss"][0]) == 9
    assert len(plane["paths"]) == 2
    for path in plane["paths"]:
        assert path[0] == [0.0, 0.0]  # both start at the plane's centre: the shared start
        assert len(path) == 11
        assert all(abs(c) <= plane["span"] for point in path for c in point)
    assert plane["paths"][0][-1] != plane["paths"][1][-1]
    assert client.get(f"/api/races/{race['id']}/landscape", params={"size": 10_000}).status_code == 422


def test_play_and_pause(client):
    race = create(client, variants=OPTIMIZERS[:2])
    assert client.post(f"/api/races/{race['id']}/play", json={"steps_per_second": 50}).json()["playing"]
    paused = client.post(f"/api/races/{race['id']}/pause").json()
    assert paused["playing"] is False
    steps = [state["step"] for state in paused["states"]]
    assert steps[0] == steps[1]


@pytest.mark.parametrize("body, field", [
    ({"config": BASE, "variants": [{"optimizer": "sgd"}]}, "variants"),
    ({"config": BASE, "variants": [{"optimizer": "sgd"}] * 5}, "variants"),
    ({"config": BASE, "variants": [{"optimizer": "sgd"}, {"dataset": "xor"}]}, "variants"),
    ({"config": BASE, "variants": [{"optimizer": "sgd"}, {"hidden_layers": [8]}]}, "variants"),
    ({"config": BASE, "variants": [{"optimizer": "sgd"}, {"optimizer": "nope"}]}, "optimizer"),
    ({"config": BASE, "variants": [{"optimizer": "sgd"}, {"batch_size": 10**6}]}, "batch_size"),
    ({"config": BASE}, "body"),
    ({"hash": "dataset=circle&seed=x"}, "hash"),
    ({"hash": "dataset=circle&race=optimizer"}, "race"),
    ({"hash": "race=;", "config": BASE}, "hash"),  # a hash carries its own config
    ({"config": BASE, "variants": [{"learning_rate": "0.1"}, {}]}, "learning_rate"),  # a string, not a number
    ({"hash": "samples=99999&race=;"}, "samples"),  # over the server's max_samples
    ({"hash": "race=learning_rate:1000;"}, "learning_rate"),
])
def test_bad_races_are_refused_naming_the_field(client, body, field):
    response = client.post("/api/races", json=body)
    assert response.status_code == 422, response.text
    assert field in str(response.json()["detail"])


def test_a_variant_that_clashes_with_the_base_is_a_409(client):
    tanh = {**BASE, "output": "tanh", "loss": "mse"}
    for body in ({"config": tanh, "variants": [{"loss": "cross_entropy"}, {}]},
                 {"hash": "dataset=circle&race=loss:cross_entropy;"}):  # a link's base has TFP's tanh output
        response = client.post("/api/races", json=body)
        assert response.status_code == 409, response.text
        assert "variant 0" in response.text and "cross_entropy" in response.text


def test_a_race_step_counts_the_iterations_of_every_variant(client, settings):
    race = create(client)  # three variants
    steps = settings.max_steps // 3 + 1
    response = client.post(f"/api/races/{race['id']}/step", json={"steps": steps})
    assert response.status_code == 409, response.text
    assert f"at most {settings.max_steps // 3} steps" in response.text
    assert client.post(f"/api/races/{race['id']}/step", json={"steps": steps - 1}).status_code == 200


def test_a_variant_session_lives_as_long_as_its_race(client):
    race = create(client, variants=OPTIMIZERS[:2])
    response = client.delete(f"/api/sessions/{race['sessions'][1]['id']}")
    assert response.status_code == 409 and race["id"] in response.text
    assert client.get(f"/api/races/{race['id']}").status_code == 200


def test_a_race_whose_variant_was_reshaped_on_its_own_has_no_common_landscape(client):
    race = create(client, variants=OPTIMIZERS[:2])
    client.patch(f"/api/sessions/{race['sessions'][1]['id']}", json={"config": {"hidden_layers": [3]}})
    response = client.get(f"/api/races/{race['id']}/landscape", params={"size": 5})
    assert response.status_code == 409 and "network shape" in response.text


def test_unknown_races(client):
    for method, path in (("get", "/api/races/nope"), ("post", "/api/races/nope/step"),
                         ("post", "/api/races/nope/phase"), ("get", "/api/races/nope/landscape")):
        assert getattr(client, method)(path).status_code == 404


def test_variants_round_trip_through_the_hash_format():
    variants = [{"optimizer": "sgd", "learning_rate": 0.1}, {"optimizer": "adam", "beta1": 0.8}]
    assert parse_variants(format_variants(variants)) == [
        {"optimizer": "sgd", "learning_rate": "0.1"}, {"optimizer": "adam", "beta1": "0.8"}]
