"""Your own data in and out: ``x,y,label`` rows as CSV or JSON, checked row by row, and the data as CSV.

Rules (docs/api.md): at most ``max_samples`` rows; x and y are finite numbers inside the plot's square
[-6, 6]² (refused, never rescaled, so a point lands exactly where the file says); a classification label
is a class index 0 (orange), 1 (blue) or 2 (a third class); a regression label is any finite number.
The train split must keep at least one point. The first problem found is reported with its line (CSV,
counting from 1, the header included) or its index (JSON), and nothing changes.
"""
from __future__ import annotations

import csv
import io
import math

from engine.datasets import EXTENT
from server.limits import MismatchError, check_train_split

Point = tuple[float, float, float]
CLASS_LABELS = (0.0, 1.0, 2.0)
HEADER_WORDS = {"x", "y", "label", "x1", "x2", "value", "class", "split"}


class PointsError(ValueError):
    """A row that cannot be a point: ``where`` is ("line", n) for CSV or ("points", i) for JSON. ``status``
    is 422, or 409 where the points are well-formed but do not fit this session (its problem, its split)."""

    def __init__(self, where: tuple[str, int], message: str, status: int = 422):
        super().__init__(message)
        self.where = where
        self.message = message
        self.status = status


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def check_point(values, problem: str, where: tuple[str, int]) -> Point:
    """One ``[x, y, label]`` checked against the bounds; raises ``PointsError`` saying what is wrong."""
    name = f"{where[0]} {where[1]}"
    if len(values) != 3:
        raise PointsError(where, f"{name}: expected 3 values x,y,label, got {len(values)}")
    numbers = []
    for column, value in zip(("x", "y", "label"), values):
        number = value if isinstance(value, float) else _number(str(value).strip())
        if number is None or isinstance(value, bool):
            raise PointsError(where, f"{name}: {column} {str(value).strip()!r} is not a finite number")
        numbers.append(number)
    x, y, label = numbers
    for column, value in (("x", x), ("y", y)):
        if abs(value) > EXTENT:
            raise PointsError(where, f"{name}: {column} = {value:g} lies outside the plot's extent "
                                     f"[-{EXTENT:g}, {EXTENT:g}]")
    if problem == "classification" and label not in CLASS_LABELS:
        raise PointsError(where, f"{name}: label {label:g} is not a class: use 0 (orange), 1 (blue) or 2", 409)
    return (x, y, label)


def _is_header(cells: list[str]) -> bool:
    return bool(cells) and all(_number(c) is None for c in cells) and \
        {c.strip().lower() for c in cells} <= HEADER_WORDS


def parse_csv(text: str, problem: str, limit: int) -> list[Point]:
    """Points from CSV text: ``x,y,label`` rows, an optional header line, blank lines and ``#`` comments
    skipped; a fourth column ``split`` (as our download writes it) is accepted and ignored."""
    points: list[Point] = []
    rows = csv.reader(io.StringIO(text))
    for line, cells in enumerate(rows, start=1):
        if not cells or not "".join(cells).strip() or cells[0].lstrip().startswith("#"):
            continue
        if not points and _is_header(cells):
            continue
        if len(cells) == 4 and cells[3].strip().lower() in ("train", "test"):
            cells = cells[:3]
        if len(points) >= limit:
            raise PointsError(("line", line), f"line {line}: more than {limit} points (the sample limit)")
        points.append(check_point(cells, problem, ("line", line)))
    return points


def parse_json(rows: list, problem: str, limit: int) -> list[Point]:
    """Points from the JSON body's ``points`` list of ``[x, y, label]``."""
    if len(rows) > limit:
        raise PointsError(("points", limit), f"points: at most {limit} points (the sample limit)")
    return [check_point([float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in row],
                        problem, ("points", index)) for index, row in enumerate(rows)]


def check_trainable(points: list[Point], train_percent: float, where: tuple[str, int]) -> None:
    """The split must leave at least one training point (the train set is the first floor(N·p/100))."""
    if not points:
        raise PointsError(where, "no points: give at least one x,y,label row")
    try:
        check_train_split(len(points), train_percent)
    except MismatchError as error:
        raise PointsError(where, error.message, 409) from None


def data_csv(trainer) -> str:
    """The current data as CSV: ``x,y,label,split``, the train points first (in train order)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["x", "y", "label", "split"])
    for split, x, y in (("train", trainer.x_train, trainer.y_train), ("test", trainer.x_test, trainer.y_test)):
        for (x1, x2), label in zip(x.tolist(), y.tolist()):
            writer.writerow([repr(x1), repr(x2), _label_text(label), split])
    return out.getvalue()


def _label_text(label: float) -> str:
    return str(int(label)) if float(label).is_integer() and abs(label) < 2**53 else repr(label)
