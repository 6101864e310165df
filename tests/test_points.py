"""PUT /points: your own data as CSV or JSON; every kind of bad row is a 422 naming its line, and nothing
changes; the bounds; custom points in the share link while they fit, and a note past that."""
from __future__ import annotations

import pytest

from server import urlstate
from server.schemas import Config


def url(session: dict, tail: str = "") -> str:
    return f"/api/sessions/{session['id']}{tail}"


def put_csv(client, session, text: str):
    return client.put(url(session, "/points"), content=text.encode(), headers={"content-type": "text/csv"})


GOOD = "x,y,label\n1.5,2,1\n-1,-2.25,0\n\n# a comment\n3,-3,1\n-4,4,0\n"


def test_a_good_csv_replaces_the_data(client, session):
    response = put_csv(client, session, GOOD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["config"]["dataset"] == "custom"
    assert body["config"]["points"] == [[1.5, 2, 1], [-1, -2.25, 0], [3, -3, 1], [-4, 4, 0]]
    every = body["data"]["train"]["x"] + body["data"]["test"]["x"]
    assert sorted(map(tuple, every)) == sorted([(1.5, 2.0), (-1.0, -2.25), (3.0, -3.0), (-4.0, 4.0)])
    assert body["state"]["step"] == 0
    assert client.post(url(session, "/step"), json={"steps": 3}).json()["step"] == 3  # and it trains


def test_the_header_is_optional_and_json_works_alike(client, session):
    without = put_csv(client, session, "1.5,2,1\n-1,-2.25,0\n").json()
    with_json = client.put(url(session, "/points"), json={"points": [[1.5, 2, 1], [-1, -2.25, 0]]}).json()
    assert without["config"]["points"] == with_json["config"]["points"] == [[1.5, 2, 1], [-1, -2.25, 0]]


def test_a_third_class_switches_to_softmax_and_back_keeps_the_head(client, session):
    three = put_csv(client, session, "1,1,0\n2,2,1\n3,3,2\n-1,-1,2\n").json()
    assert (three["config"]["output"], three["num_classes"]) == ("softmax", 3)
    tanh = client.patch(url(session), json={"config": {"output": "tanh", "loss": "half_mse", "points":
                                                       [[1, 1, 0], [2, 2, 1]]}})
    assert tanh.status_code == 200, tanh.text
    kept = put_csv(client, session, "1,1,0\n2,2,1\n3,3,1\n").json()
    assert (kept["config"]["output"], kept["config"]["loss"]) == ("tanh", "half_mse")


def test_regression_labels_are_any_number(client):
    session = client.post("/api/sessions", json={"config": {"problem": "regression", "seed": "r"}}).json()
    body = put_csv(client, session, "x,y,value\n1,1,0.25\n-1,2,-3.5\n").json()
    assert body["config"]["points"] == [[1, 1, 0.25], [-1, 2, -3.5]]
    assert body["config"]["problem"] == "regression"


BAD_ROWS = [
    ("x,y,label\n1,2,1\n1,2\n", 3, "expected 3 values"),
    ("1,2,1\n1,2,1,0\n", 2, "expected 3 values"),
    ("1,2,1\nabc,2,1\n", 2, "x 'abc' is not a finite number"),
    ("1,2,1\n1,,1\n", 2, "y '' is not a finite number"),
    ("1,2,1\n1,2,nan\n", 2, "label 'nan' is not a finite number"),
    ("1,2,1\n1,inf,0\n", 2, "y 'inf' is not a finite number"),
    ("1,2,1\n6.5,0,1\n", 2, "x = 6.5 lies outside the plot's extent [-6, 6]"),
    ("1,2,1\n0,-7,1\n", 2, "y = -7 lies outside"),
    ("1,2,1\n0,0,3\n", 2, "label 3 is not a class", 409),  # a number, but not a class of this problem
    ("1,2,1\n0,0,0.5\n", 2, "label 0.5 is not a class", 409),
    ("1,2,1\n0,0,-1\n", 2, "label -1 is not a class", 409),
]


@pytest.mark.parametrize("text, line, reason, status", [row if len(row) == 4 else (*row, 422) for row in BAD_ROWS])
def test_a_bad_row_is_a_422_naming_its_line_and_nothing_changes(client, session, text, line, reason, status):
    client.post(url(session, "/step"), json={"steps": 2})
    before = client.get(url(session)).json()
    response = put_csv(client, session, text)
    assert response.status_code == status
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "line", line]
    assert detail["msg"].startswith(f"line {line}: ") and reason in detail["msg"], detail["msg"]
    assert client.get(url(session)).json() == before


@pytest.mark.parametrize("body, loc, reason", [
    ({"points": [[1, 2, 1], [1, "a", 0]]}, ["body", "points", 1, 1], "valid number"),
    ({"points": [[1, 2]]}, ["body", "points", 0], "at least 3 items"),
    ({"points": []}, ["body", "points"], "at least 1"),
    ({"points": [[1, 2, 1], [9, 0, 1]]}, ["body", "points", 1], "points 1: x = 9 lies outside"),
    ({"dots": [[1, 2, 1]]}, ["body", "points"], "Field required"),
])
def test_bad_json_names_the_index(client, session, body, loc, reason):
    before = client.get(url(session)).json()
    response = client.put(url(session, "/points"), json=body)
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["loc"] == loc and reason in detail["msg"], detail
    assert client.get(url(session)).json() == before


def test_the_sample_limit_and_an_empty_train_split(client, session, settings):
    rows = "".join(f"{(k % 100) / 20 - 2.5},{k // 100 / 20},{k % 2}\n" for k in range(settings.max_samples + 1))
    too_many = put_csv(client, session, rows)
    assert too_many.status_code == 422
    assert f"more than {settings.max_samples} points" in too_many.json()["detail"][0]["msg"]
    assert too_many.json()["detail"][0]["loc"] == ["body", "line", settings.max_samples + 1]
    lonely = put_csv(client, session, "x,y,label\n1,1,1\n")
    assert lonely.status_code == 409 and "leave none to train on" in lonely.json()["detail"][0]["msg"]
    empty = put_csv(client, session, "x,y,label\n")
    assert empty.status_code == 422 and "no points" in empty.json()["detail"][0]["msg"]


@pytest.mark.parametrize("headers, body, status", [
    ({"content-type": "application/xml"}, b"<points/>", 415),
    ({"content-type": "text/csv"}, "1,2,1\n\xff".encode("latin-1"), 422),
    ({"content-type": "application/json"}, b"{not json", 422),
])
def test_unreadable_bodies_are_refused(client, session, headers, body, status):
    response = client.put(url(session, "/points"), content=body, headers=headers)
    assert response.status_code == status, response.text


def test_a_downloaded_csv_uploads_again(client, session):
    text = client.get(url(session, "/export"), params={"format": "csv"}).text
    body = put_csv(client, session, text).json()
    assert len(body["config"]["points"]) == len(session["data"]["train"]["x"]) + len(session["data"]["test"]["x"])


def test_points_travel_in_the_link_while_they_fit(client, session):
    few = put_csv(client, session, "1.25,2,1\n-1,-2.5,0\n").json()
    assert few["link_note"] is None
    assert "points=1.25,2,1;-1,-2.5,0" in few["share_hash"]
    again = client.post("/api/sessions", json={"hash": few["share_hash"]}).json()
    assert again["config"]["points"] == few["config"]["points"]
    assert again["data"] == few["data"]


def test_past_the_budget_the_session_says_why(client, session):
    rows = [[round(-5.9 + (k % 97) * 0.1234567, 7), round(-5.9 + (k // 97) * 0.1234567, 7), k % 2] for k in range(600)]
    body = client.put(url(session, "/points"), json={"points": rows}).json()
    text = urlstate.points_text(Config.model_validate(body["config"]).points)
    assert len(text) > urlstate.LINK_POINTS_CHARS
    assert body["link_note"].startswith("600 points take") and "CSV" in body["link_note"]
    reopened = client.post("/api/sessions", json={"hash": body["share_hash"]}).json()  # the URL still opens it
    assert reopened["config"]["points"] == body["config"]["points"]


def test_new_points_with_more_classes_keep_the_live_stream_and_its_probes_going(client):
    """A third class adds output units: the socket's landscape plane must follow the new shape."""
    from tests.test_live_probes import PLANE, SLICE, opened, receive, send
    session, ws = opened(client)
    with ws:
        receive(ws, "session"), receive(ws, "frame")
        send(ws, {"type": "probes", "slice": SLICE, "landscape": PLANE})
        receive(ws, "probe")
        three = put_csv(client, session, "1,1,0\n2,2,1\n-1,-1,2\n-2,0,2\n1,-2,1\n")
        assert three.status_code == 200 and three.json()["num_classes"] == 3
        send(ws, {"type": "step", "steps": 3})
        frame = receive(ws, "frame")
        while frame["state"]["step"] != 3:
            frame = receive(ws, "frame")
        probe = receive(ws, "probe")
        assert len(probe["position"]) == 2 and probe["trajectory"]  # on a plane of the new shape
