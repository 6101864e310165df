"""Speed of one training iteration: a plain NumPy loop, Trainer.step(n), and PyTorch eager if installed.

    python bench/engine.py            # all three nets, 9 rounds (~1 minute on 2 cores)
    python bench/engine.py --quick    # fewer repeats
    python bench/engine.py --clock wall   # elapsed time instead of the process's CPU time

Nets (tanh hidden, sigmoid output + cross-entropy, SGD lr 0.03, shuffled epochs of 250 training points):
    A  circle, hidden 4,2, features x,y, batch 10
    B  spiral, hidden 8,8,8,8,8,8, all 7 features, batch 10
    C  as A with batch 1
Prints µs per iteration (median of repeats after a warm-up) and epochs/s, and the ratios step/plain and
torch/step measured in this run. A benchmark prints figures; it never passes or fails on time.
"""
from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.config import TrainConfig  # noqa: E402
from engine.trainer import Trainer  # noqa: E402

ALL_FEATURES = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
COMMON = dict(activation="tanh", output="sigmoid", loss="cross_entropy", optimizer="sgd", learning_rate=0.03,
              order="shuffle", num_samples=500, train_percent=50, seed="bench")
NETS = {
    "A": TrainConfig(dataset="circle", hidden_layers=(4, 2), features=("x", "y"), batch_size=10, **COMMON),
    "B": TrainConfig(dataset="spiral", hidden_layers=(8,) * 6, features=ALL_FEATURES, batch_size=10, **COMMON),
    "C": TrainConfig(dataset="circle", hidden_layers=(4, 2), features=("x", "y"), batch_size=1, **COMMON),
}


# (i) the plain loop: forward, backward, SGD written out, no bookkeeping --------------------------

def plain_loop(X, T, params, batch_size, iterations, learning_rate, rng):
    """Shuffled mini-batch SGD on a tanh MLP with a sigmoid + cross-entropy head. Updates params in place."""
    weights, biases = params[0::2], params[1::2]
    layers, n = len(weights), len(X)
    cursor, Xs, Ts = n, X, T
    with np.errstate(over="ignore"):
        for _ in range(iterations):
            if cursor >= n:  # a new epoch: shuffle
                order = rng.permutation(n)
                Xs, Ts, cursor = X[order], T[order], 0
            x, t = Xs[cursor:cursor + batch_size], Ts[cursor:cursor + batch_size]
            cursor += batch_size
            a = [x]
            for l in range(layers - 1):
                a.append(np.tanh(a[-1] @ weights[l] + biases[l]))
            z = a[-1] @ weights[-1] + biases[-1]
            dz = (1.0 / (1.0 + np.exp(-z)) - t) / len(x)
            for l in range(layers - 1, -1, -1):
                dW, db = a[l].T @ dz, np.add.reduce(dz, axis=0)
                if l:
                    dz_below = (dz @ weights[l].T) * (1.0 - a[l] * a[l])
                weights[l] -= learning_rate * dW
                biases[l] -= learning_rate * db
                if l:
                    dz = dz_below


def plain_runner(config):
    trainer = Trainer(config)
    params = [p.copy() for p in trainer.params]
    rng = np.random.default_rng(1)
    return lambda iterations: plain_loop(trainer.X_train, trainer.T_train, params, config.batch_size,
                                         iterations, config.learning_rate, rng)


def plain_matches_engine(config, iterations=100):
    """The plain loop, fed the engine's shuffle stream, must land on the engine's params bit for bit."""
    trainer, reference = Trainer(config), Trainer(config)
    params = [p.copy() for p in reference.params]
    plain_loop(reference.X_train, reference.T_train, params, config.batch_size, iterations,
               config.learning_rate, reference.batches.rng)
    trainer.step(iterations)
    return all(np.array_equal(p, q) for p, q in zip(params, trainer.params))


# (ii) the engine ---------------------------------------------------------------------------------

def step_runner(config):
    trainer = Trainer(config)
    return trainer.step


# (iii) PyTorch eager -----------------------------------------------------------------------------

def torch_runner(config, threads=None):
    """PyTorch eager, ``threads`` intra-op threads (None: torch's default, one per core)."""
    import torch

    trainer = Trainer(config)
    layers = []
    for l, (W, b) in enumerate(zip(trainer.params[0::2], trainer.params[1::2])):
        linear = torch.nn.Linear(*W.shape, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))
            linear.bias.copy_(torch.from_numpy(b))
        layers.append(linear)
        if l < len(trainer.params) // 2 - 1:
            layers.append(torch.nn.Tanh())
    model = torch.nn.Sequential(*layers)
    criterion = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=config.learning_rate)
    X, T = torch.from_numpy(trainer.X_train), torch.from_numpy(trainer.T_train)
    n, batch = len(X), config.batch_size
    generator = torch.Generator().manual_seed(1)
    state = {"cursor": n, "Xs": X, "Ts": T}

    def run(iterations):
        default_threads = torch.get_num_threads()
        if threads:
            torch.set_num_threads(threads)
        try:
            train(iterations)
        finally:
            torch.set_num_threads(default_threads)

    def train(iterations):
        cursor, Xs, Ts = state["cursor"], state["Xs"], state["Ts"]
        for _ in range(iterations):
            if cursor >= n:
                order = torch.randperm(n, generator=generator)
                Xs, Ts, cursor = X[order], T[order], 0
            x, t = Xs[cursor:cursor + batch], Ts[cursor:cursor + batch]
            cursor += batch
            optimizer.zero_grad()
            loss = criterion(model(x), t)
            loss.backward()
            optimizer.step()
        state.update(cursor=cursor, Xs=Xs, Ts=Ts)

    return run


def torch_status() -> str | None:
    try:
        import torch
    except ImportError as error:
        return f"not installed ({error}); the PyTorch column is skipped"
    return None


# Timing ------------------------------------------------------------------------------------------

CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def time_per_iteration(runs, iterations, repeats, warmup, clock=time.process_time):
    """Median (and min, max) µs per iteration of each runner over ``repeats`` runs of ``iterations``.

    The runners take turns, one run each per round, so a busy neighbour on the machine slows them alike
    and the ratios stay fair; each is warmed up by ``warmup`` iterations first. The default clock is the
    process's CPU time (all its threads), which leaves out the time a loaded machine gives to other processes.
    """
    for run in runs.values():
        run(warmup)
    samples = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            start = clock()
            run(iterations)
            samples[name].append((clock() - start) / iterations * 1e6)
    return {name: (statistics.median(s), min(s), max(s)) for name, s in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 rounds instead of 9")
    parser.add_argument("--nets", default="ABC", help="which nets, e.g. AC")
    parser.add_argument("--clock", choices=CLOCKS, default="cpu",
                        help="cpu: this process's CPU time (default; fair on a loaded machine); wall: elapsed time")
    args = parser.parse_args()
    repeats = 3 if args.quick else 9

    import numpy
    missing_torch = torch_status()
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}  clock {args.clock}")
    print(f"python {platform.python_version()}  numpy {numpy.__version__}  cores {os.cpu_count()}  "
          f"{platform.processor() or platform.machine()}")
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        print(f"{name}={os.environ.get(name, '(unset)')}")
    if missing_torch:
        print(f"torch: {missing_torch}")
    else:
        import torch
        print(f"torch {torch.__version__}  threads {torch.get_num_threads()}  "
              f"cpu capability {torch.backends.cpu.get_cpu_capability()}")
    print()

    header = f"{'net':<4}{'method':<16}{'µs/iter':>10}{'(min–max)':>18}{'epochs/s':>11}"
    print(header)
    print("-" * len(header))
    ratios = []
    for net in args.nets:
        config = NETS[net]
        per_epoch = math.ceil(250 / config.batch_size)
        iterations = 500  # 20 epochs at batch 10, 2 at batch 1
        runners = {"plain NumPy": plain_runner, "Trainer.step": step_runner}
        if not missing_torch:
            runners["torch eager"] = torch_runner
            runners["torch 1 thread"] = lambda c: torch_runner(c, threads=1)
        timings = time_per_iteration({method: make(config) for method, make in runners.items()},
                                     iterations, repeats, warmup=per_epoch * 2, clock=CLOCKS[args.clock])
        figures = {}
        for method, (median, low, high) in timings.items():
            figures[method] = median
            print(f"{net:<4}{method:<16}{median:>10.1f}{f'({low:.1f}–{high:.1f})':>18}"
                  f"{1e6 / (median * per_epoch):>11.1f}")
        ratios.append((net, figures, plain_matches_engine(config)))
    print()
    for net, figures, same in ratios:
        line = f"{net}: step/plain = {figures['Trainer.step'] / figures['plain NumPy']:.2f}"
        if "torch eager" in figures:
            fastest = min(figures["torch eager"], figures["torch 1 thread"])
            line += f"   torch/step = {fastest / figures['Trainer.step']:.2f} (faster torch setting)"
        else:
            line += "   torch/step = n/a (torch not installed)"
        line += f"   plain loop reproduces the engine bit for bit: {'yes' if same else 'NO'}"
        print(line)
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
