"""The take-home copy of a run: a standalone Python script that needs only NumPy.

``training_script(session)`` writes a script that holds the session's data (the points as the server split
them), rebuilds the initial weights from the seed, trains the same number of iterations with the same
mini-batches and optimizer, prints the loss as it goes and writes ``weights.json`` beside itself, in the
format of ``GET /export?format=json``. The engine's operations are repeated one for one
(server.script_parts), so its weights equal the server's bit for bit.
"""
from __future__ import annotations

import json
import pprint
from string import Template

from server import script_parts as parts

TEMPLATE = Template('''"""Backprop Playground, take-home copy: train this network again with NumPy alone.

    python train.py          # needs only NumPy; writes weights.json beside this file

$setup
One iteration has four phases, as on the page: forward (input times weight, add a bias, activate),
loss (compare the output with the targets), backward (propagate the error back: every dW, db) and
update (move every parameter against its gradient). The data below are the points the server trained
on; the initial weights come from the seed, so this run repeats the server's $steps iteration(s) exactly
and weights.json equals the server's weights.$caveat
"""
import hashlib
import json
import math
from pathlib import Path

import numpy as np

CONFIG = $config_json
STEPS = $steps
RESETS = $resets
LEARNING_RATE = $learning_rate
BATCH_SIZE = $batch_size
NUM_OUTPUTS = $num_outputs$hyper

# ----- the data: (x1, x2) points and their labels, as the server split them into train and test
X_TRAIN = np.array($x_train, dtype=np.float64).reshape(-1, 2)
Y_TRAIN = np.array($y_train, dtype=np.float64)
X_TEST = np.array($x_test, dtype=np.float64).reshape(-1, 2)
Y_TEST = np.array($y_test, dtype=np.float64)


def features(points):
    """The network's inputs: $feature_names of each point (x1, x2)."""
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack([$feature_columns]).astype(np.float64, copy=False)


def targets(labels):
    """What the output is compared with."""
    return $targets


def rng(stream, draw=0):
    """The seed's random streams: 1 draws the initial weights, 2 shuffles the batches."""
    seed = int.from_bytes(hashlib.sha256(CONFIG["seed"].encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng([seed, stream, draw])


def draw_layer(fan_in, fan_out, rng):
    $init


def activate(z):
    """The hidden layers' activation, $activation."""
    return $hidden_f


def activate_slope(z, a):
    """Its derivative f'(z), written with z and a = f(z)."""
    return $hidden_df
$softmax

def output(z):
    """The output head, $output."""
    return $output_f


# ----- the four phases
def forward(params, x):
    """Input times weight, add a bias, activate: layer by layer. Returns every z and a."""
    a, z = [x], [None]
    for k in range(0, len(params), 2):
        z.append(a[-1] @ params[k] + params[k + 1])
        a.append(activate(z[-1]) if k < len(params) - 2 else output(z[-1]))
    return z, a


def loss(z, y_hat, T):
    """The per-point loss, $loss; the cost is its mean over the batch."""
    return $loss_value


def backward(params, z, a, T):
    """From the loss back to the inputs: dz = d cost / dz, then dW = a.T @ dz, db = sum dz, layer by layer."""
    z_out, y_hat = z[-1], a[-1]
    dz = ($loss_grad) / len(y_hat)
    grads = [None] * len(params)
    for l in range(len(params) // 2, 0, -1):
        grads[2 * l - 2] = a[l - 1].T @ dz
        grads[2 * l - 1] = dz.sum(axis=0)
        if l > 1:
            dz = (dz @ params[2 * l - 2].T) * activate_slope(z[l - 1], a[l - 1])$penalty
    return grads


def update(params, grads, state, t):
    """$optimizer: move every parameter against its gradient (t counts the updates, from 1)."""
$update


# ----- mini-batches: $order_text
def batches(X, T):
    n, size = len(X), min(BATCH_SIZE, len(X))
$batches


def report(step, params, X_train, T_train, X_test, T_test):
    train = loss(*last_two(forward(params, X_train)), T_train).mean()
    test = loss(*last_two(forward(params, X_test)), T_test).mean() if len(X_test) else float("nan")
    print(f"step {step:>7}  train loss {train:.6f}  test loss {test:.6f}")


def last_two(cache):
    z, a = cache
    return z[-1], a[-1]


def main():
    X_train, T_train = features(X_TRAIN), targets(Y_TRAIN)
    X_test, T_test = features(X_TEST), targets(Y_TEST)
    sizes = [X_train.shape[1], *CONFIG["hidden_layers"], NUM_OUTPUTS]
    weights_rng, params = rng(1, RESETS), []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += draw_layer(fan_in, fan_out, weights_rng)
    state, every = [], max(1, STEPS // 10)
    with np.errstate(all="ignore"):  # a run that diverges goes on to NaN, as the server's did
        report(0, params, X_train, T_train, X_test, T_test)
        next_batch = batches(X_train, T_train)
        for t in range(1, STEPS + 1):
            x, T = next(next_batch)
            z, a = forward(params, x)                # 1. forward
            cost = loss(z[-1], a[-1], T).mean()      # 2. loss (the batch cost, printed below)
            grads = backward(params, z, a, T)        # 3. backward
            update(params, grads, state, t)          # 4. update
            if t % every == 0 or t == STEPS:
                report(t, params, X_train, T_train, X_test, T_test)
    finite = lambda rows: [finite(r) for r in rows] if isinstance(rows, list) else (  # noqa: E731
        rows if math.isfinite(rows) else None)
    layers = [{"weights": finite(params[k].tolist()), "biases": finite(params[k + 1].tolist())}
              for k in range(0, len(params), 2)]
    path = Path(__file__).resolve().with_name("weights.json")
    path.write_text(json.dumps({"config": CONFIG, "step": STEPS, "resets": RESETS, "layers": layers}))
    print(f"last batch cost {cost:.6f}; weights written to {path}" if STEPS else f"weights written to {path}")


if __name__ == "__main__":
    main()
''')

SHUFFLE = '''    order = rng(2, RESETS)
    while True:  # a new epoch: one shuffle of the train set, cut into batches (the last may be short)
        index = order.permutation(n)
        X_epoch, T_epoch = X[index], T[index]
        for start in range(0, n, size):
            yield X_epoch[start:start + size], T_epoch[start:start + size]'''

FIXED = '''    start = 0
    while True:  # the same order every epoch; a batch that runs past the end wraps round
        index = (start + np.arange(size)) % n if start + size > n else np.arange(start, start + size)
        start = (start + size) % n
        yield X[index], T[index]'''

ORDER_TEXT = {"shuffle": "shuffled every epoch", "fixed": "a fixed order (TFP's)"}


def _floats(values, per_line: int = 6) -> str:
    """A flat list of floats that reads back exactly (repr round-trips every float64), a few per line."""
    text = [repr(float(v)) for v in values]
    lines = [", ".join(text[k:k + per_line]) for k in range(0, len(text), per_line)]
    return "[" + ",\n    ".join(lines) + "]"


def training_script(session) -> str:
    """The standalone NumPy script that repeats ``session``'s run (see the module docstring)."""
    t, c = session.trainer, session.trainer.config
    config = session.config.model_dump()
    hidden_f, hidden_df = parts.ACTIVATIONS[c.activation]
    output_f, output_backward, target_rule = parts.OUTPUTS[c.output]
    value, d_y_hat = parts.LOSSES[c.loss]
    if c.loss == "cross_entropy":
        value = parts.CROSS_ENTROPY[1 if t.num_outputs == 1 else "many"]
        loss_grad = "y_hat - T"  # cross-entropy on the logits: prediction minus target
    else:
        loss_grad = output_backward.replace("{g}", f"({d_y_hat})")  # the loss's d/dy_hat through the head
    uses_softmax = c.output == "softmax" or (c.loss == "cross_entropy" and t.num_outputs > 1)
    hyper = "".join(f"\n{name.upper()} = {getattr(c, name)!r}" for name in parts.HYPER[c.optimizer])
    penalty = ""
    if c.regularization != "none" and c.regularization_rate != 0:
        rule = "np.sign(params[k])" if c.regularization == "L1" else "params[k]"
        penalty = (f"\n    for k in range(0, len(params), 2):  # {c.regularization} penalty "
                   f"(weights only, not biases)\n        grads[k] += {c.regularization_rate!r} * {rule}")
    caveat = "" if session.replayable else (
        "\n\nNote: on the server a setting changed during this run or a weight was set by hand; this script trains"
        "\nthe current settings from the start, so its weights differ from the server's.")
    return TEMPLATE.substitute(
        setup=_setup_text(c, t, session).replace("\\", "\\\\").replace('"""', '\\"\\"\\"'),
        steps=t.step_count, resets=t.resets, caveat=caveat,
        config_json=pprint.pformat(json.loads(json.dumps(config)), sort_dicts=False, width=110), learning_rate=repr(c.learning_rate), batch_size=c.batch_size,
        num_outputs=t.num_outputs, hyper=hyper,
        x_train=_floats(t.x_train.ravel()), y_train=_floats(t.y_train),
        x_test=_floats(t.x_test.ravel()), y_test=_floats(t.y_test),
        feature_names=", ".join(c.features), feature_columns=", ".join(parts.FEATURES[f] for f in c.features),
        targets=target_rule, init=parts.INITS[c.init],
        activation=c.activation, hidden_f=hidden_f, hidden_df=hidden_df,
        softmax=parts.SOFTMAX if uses_softmax else "",
        output=c.output, output_f=output_f, loss=c.loss, loss_value=value, loss_grad=loss_grad,
        penalty=penalty, optimizer=c.optimizer, update=parts.OPTIMIZERS[c.optimizer],
        order_text=ORDER_TEXT[c.order], batches=SHUFFLE if c.order == "shuffle" else FIXED,
    )


def _setup_text(c, t, session) -> str:
    data = f"{len(t.x_train)} train and {len(t.x_test)} test points of '{c.dataset}'"
    shape = " → ".join(map(str, [len(c.features), *c.hidden_layers, t.num_outputs]))
    return (f"Setup: {data}; layers {shape}; {c.activation} hidden, {c.output} output, {c.loss} loss;\n"
            f"{c.optimizer} at learning rate {c.learning_rate:g}, batch size {c.batch_size}, seed {c.seed!r}.\n"
            + (f"Open it on the page: #{link}" if len(link := session.share_hash()) <= 1500 else
               "(Its share link is too long to quote here.)"))
