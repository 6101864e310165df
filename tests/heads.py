"""Which output head goes with which loss: the table both the loss tests and the gradient checks use."""
from __future__ import annotations

from engine.outputs import LOSSES, OUTPUTS, check_head


def problem_of(output: str) -> tuple[str, int]:
    """The problem and class count each head is checked on: softmax gets 3 classes."""
    if "classification" in OUTPUTS[output].problems:
        return "classification", 3 if output == "softmax" else 2
    return "regression", 0


def fits(output: str, loss: str) -> bool:
    try:
        check_head(*problem_of(output), output, loss)
    except ValueError:
        return False
    return True


VALID_PAIRS = [(o, l) for o in OUTPUTS for l in LOSSES if fits(o, l)]
INVALID_PAIRS = [(o, l) for o in OUTPUTS for l in LOSSES if not fits(o, l)]
