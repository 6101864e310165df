"""Does the engine compute what PyTorch computes? Gradients and optimizer steps, side by side, in float64.

    python bench/torch_parity.py              # every step's differences, then the summary table
    python bench/torch_parity.py --summary    # the summary table only

For each config × optimizer, the same net is built in torch (nn.Linear layers, float64) from the engine's
initial parameters and both run 20 iterations on the same mini-batches (the engine's phases choose them).
Each step compares, as max |Δ| and in ulps:
    trajectory   torch running freely: its gradients (before the update) and parameters (after it);
    same params  torch's loss and gradients at the engine's current parameters (the backward pass alone);
    one step     torch's optimizer given the engine's parameters, gradients and state (the update alone).
PyTorch is not a dependency: without it this prints so and exits 0.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine import network  # noqa: E402
from engine.config import TrainConfig  # noqa: E402
from engine.optimizers import OptimizerState  # noqa: E402
from engine.trainer import Trainer  # noqa: E402

ALL_FEATURES = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
ITERATIONS = 20
LEARNING_RATE = 0.03
OPTIMIZER_NAMES = ("sgd", "momentum", "nesterov", "rmsprop", "adam")
CONFIGS = {
    "A circle tanh 4,2 sigmoid+CE": TrainConfig(dataset="circle", hidden_layers=(4, 2)),
    "B spiral relu 8,8 7f sigmoid+CE L2": TrainConfig(
        dataset="spiral", noise=10, activation="relu", hidden_layers=(8, 8), features=ALL_FEATURES,
        regularization="L2", regularization_rate=0.01, init="he"),
    "C spiral3 leaky 8 softmax+CE": TrainConfig(
        dataset="spiral3", activation="leaky_relu", hidden_layers=(8,), output="softmax", batch_size=16),
    "D reg-plane sigmoid 5 linear+mse L1": TrainConfig(
        problem="regression", dataset="reg-plane", noise=20, activation="sigmoid", hidden_layers=(5,),
        output="linear", loss="mse", regularization="L1", regularization_rate=0.001, init="uniform"),
    "E xor tanh 3,3 tanh+half_mse": TrainConfig(
        dataset="xor", hidden_layers=(3, 3), output="tanh", loss="half_mse", batch_size=7),
    "F reg-gauss linear 6 linear+mae": TrainConfig(
        problem="regression", dataset="reg-gauss", activation="linear", hidden_layers=(6,),
        output="linear", loss="mae", batch_size=25),
}


def ulps(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    """Largest |Δ|, in units in the last place of the largest magnitude among all the tensors.

    Measured against the whole list's scale, not each entry's: an entry (or a whole bias) that cancels
    to 1e-17 would otherwise turn a difference of 1e-17 into millions of "ulps".
    """
    scale = max(max(float(np.abs(x).max()), float(np.abs(y).max())) for x, y in zip(a, b))
    return max_abs(a, b) / float(np.spacing(scale)) if scale else 0.0


def entry_ulps(new: list[np.ndarray], other: list[np.ndarray], old: list[np.ndarray]) -> float:
    """Largest |Δ| per entry, in ulps of that entry's operands max(|old|, |new|)."""
    worst = 0.0
    for x, y, o in zip(new, other, old):
        scale = np.spacing(np.maximum(np.abs(o), np.abs(x)))
        worst = max(worst, float((np.abs(x - y) / scale).max()))
    return worst


def max_abs(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(float(np.abs(x - y).max()) for x, y in zip(a, b))


class TorchTwin:
    """The engine's net, head, loss, penalty and optimizer, written the way a PyTorch user writes them."""

    def __init__(self, torch, trainer: Trainer):
        self.torch, self.config = torch, trainer.config
        nn = torch.nn
        hidden = {"tanh": nn.Tanh, "relu": nn.ReLU, "sigmoid": nn.Sigmoid, "linear": nn.Identity,
                  "leaky_relu": lambda: nn.LeakyReLU(0.01)}[self.config.activation]
        layers, self.linears = [], []
        pairs = list(zip(trainer.params[0::2], trainer.params[1::2]))
        for l, (W, b) in enumerate(pairs):
            linear = nn.Linear(*W.shape, dtype=torch.float64)
            layers.append(linear)
            self.linears.append(linear)
            if l < len(pairs) - 1:
                layers.append(hidden())
        self.model = nn.Sequential(*layers)
        self.set_params(trainer.params)
        c = self.config
        parameters = self.model.parameters()
        self.optimizer = {
            "sgd": lambda: torch.optim.SGD(parameters, lr=c.learning_rate),
            "momentum": lambda: torch.optim.SGD(parameters, lr=c.learning_rate, momentum=c.momentum),
            "nesterov": lambda: torch.optim.SGD(parameters, lr=c.learning_rate, momentum=c.momentum, nesterov=True),
            "rmsprop": lambda: torch.optim.RMSprop(parameters, lr=c.learning_rate, alpha=c.alpha, eps=c.eps),
            "adam": lambda: torch.optim.Adam(parameters, lr=c.learning_rate, betas=(c.beta1, c.beta2), eps=c.eps),
        }[c.optimizer]()

    def data_loss(self, z, T):
        torch, c = self.torch, self.config
        F = torch.nn.functional
        if c.loss == "cross_entropy":
            if c.output == "softmax":
                return F.cross_entropy(z, T.argmax(dim=1))
            return F.binary_cross_entropy_with_logits(z, T)
        y_hat = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "softmax": lambda v: torch.softmax(v, dim=1),
                 "linear": lambda v: v}[c.output](z)
        if c.loss == "mse":
            return F.mse_loss(y_hat, T)
        if c.loss == "half_mse":
            return 0.5 * F.mse_loss(y_hat, T)
        return F.l1_loss(y_hat, T)

    def penalty(self):
        c = self.config
        weights = [linear.weight for linear in self.linears]
        if c.regularization == "L1":
            return c.regularization_rate * sum(W.abs().sum() for W in weights)
        if c.regularization == "L2":
            return 0.5 * c.regularization_rate * sum((W * W).sum() for W in weights)
        return 0.0

    def set_params(self, params: list[np.ndarray]) -> None:
        with self.torch.no_grad():
            for linear, W, b in zip(self.linears, params[0::2], params[1::2]):
                linear.weight.copy_(self.torch.from_numpy(W.T.copy()))
                linear.bias.copy_(self.torch.from_numpy(b.copy()))

    def set_grads(self, grads: list[np.ndarray]) -> None:
        for linear, dW, db in zip(self.linears, grads[0::2], grads[1::2]):
            linear.weight.grad = self.torch.from_numpy(dW.T.copy())
            linear.bias.grad = self.torch.from_numpy(db.copy())

    def load_state(self, state: OptimizerState) -> None:
        """Overwrite torch's optimizer buffers with the engine's (after torch has made its own once)."""
        names = {"momentum_buffer": "momentum", "square_avg": "square_avg", "exp_avg": "exp_avg",
                 "exp_avg_sq": "exp_avg_sq"}
        tensors = [p for linear in self.linears for p in (linear.weight, linear.bias)]
        for i, tensor in enumerate(tensors):
            torch_state = self.optimizer.state.get(tensor)
            if not torch_state:
                continue
            for torch_name, engine_name in names.items():
                if torch_state.get(torch_name) is not None:
                    buffer = state.buffers[engine_name][i]
                    torch_state[torch_name].copy_(self.torch.from_numpy((buffer.T if i % 2 == 0 else buffer).copy()))
            if "step" in torch_state:
                torch_state["step"].fill_(state.t)

    def iteration(self, x: np.ndarray, T: np.ndarray) -> tuple[float, list[np.ndarray]]:
        """zero_grad, forward, backward: the data loss and the grads in the engine's layout."""
        torch = self.torch
        self.optimizer.zero_grad()
        data_loss = self.data_loss(self.model(torch.from_numpy(x)), torch.from_numpy(T))
        (data_loss + self.penalty()).backward()
        grads = []
        for linear in self.linears:
            grads += [linear.weight.grad.numpy().T.copy(), linear.bias.grad.numpy().copy()]
        return data_loss.item(), grads

    def step(self) -> None:
        self.optimizer.step()

    def params(self) -> list[np.ndarray]:
        out = []
        for linear in self.linears:
            out += [linear.weight.detach().numpy().T.copy(), linear.bias.detach().numpy().copy()]
        return out


def compare(torch, config: TrainConfig) -> list[dict]:
    """Per step: the free-running pair; the gradients at identical params; one optimizer step from
    identical params, gradients and optimizer state."""
    trainer = Trainer(config)
    free = TorchTwin(torch, trainer)       # its own params, grads and optimizer: the whole trajectory
    probe = TorchTwin(torch, trainer)      # re-loaded with the engine's params before each backward
    stepper = TorchTwin(torch, trainer)    # re-loaded with the engine's params, grads and state each step
    assert max_abs(trainer.params, free.params()) == 0
    rows = []
    for _ in range(ITERATIONS):
        trainer.forward()
        trainer.loss()
        trainer.backward()
        grads = [g.copy() for g in trainer.gradients.grads]
        old = [p.copy() for p in trainer.params]
        # the engine keeps one flat buffer per kind (θ is one vector); torch keeps one per tensor
        shapes = [p.shape for p in trainer.params]
        state = OptimizerState(trainer.opt_state.t,
                               {k: [b.copy() for b in network.views(v[0], shapes)]
                                for k, v in trainer.opt_state.buffers.items()})
        free_loss, free_grads = free.iteration(trainer.x_batch, trainer.t_batch)
        probe.set_params(old)
        probe_loss, probe_grads = probe.iteration(trainer.x_batch, trainer.t_batch)
        trainer.update()
        free.step()
        stepper.set_params(old)
        stepper.set_grads(grads)
        stepper.load_state(state)
        stepper.step()
        rows.append({
            "grad": max_abs(grads, free_grads), "grad_ulps": ulps(grads, free_grads),
            "param": max_abs(trainer.params, free.params()), "param_ulps": ulps(trainer.params, free.params()),
            "loss": abs(trainer.cost - free_loss),
            "same_grad": max_abs(grads, probe_grads), "same_grad_ulps": ulps(grads, probe_grads),
            "same_loss": abs(trainer.cost - probe_loss),
            "same_loss_ulps": ulps([np.array(trainer.cost)], [np.array(probe_loss)]),
            "opt_param": max_abs(trainer.params, stepper.params()),
            "opt_param_ulps": entry_ulps(trainer.params, stepper.params(), old),
        })
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summary", action="store_true", help="print only the summary table")
    args = parser.parse_args()
    try:
        import torch
    except ImportError as error:
        print(f"PyTorch is not installed ({error}): nothing to compare against. Exiting 0.")
        return 0
    print(f"torch {torch.__version__} (cpu capability {torch.backends.cpu.get_cpu_capability()}), "
          f"numpy {np.__version__}; {ITERATIONS} iterations per run, learning rate {LEARNING_RATE}, float64.")
    print("Columns give max|Δ| over every tensor and step and, in brackets, ulps: for gradients and the\n"
          "trajectory, |Δ| in units in the last place of the largest entry of all the gradients (or params);\n"
          "for one step, per entry, in ulps of that entry's operands max(|old|, |new|).\n"
          "'loss' under same params is in ulps of the loss.\n")
    header = (f"{'config':<38}{'optimizer':<10}"
              f"{'trajectory: grad':>17}{'param':>16}{'loss':>9}"
              f"{'same params: grad':>20}{'loss':>7}{'one step: param':>18}")
    results = []
    for name, base in CONFIGS.items():
        for optimizer in OPTIMIZER_NAMES:
            rows = compare(torch, base.changed(optimizer=optimizer, learning_rate=LEARNING_RATE, seed="parity"))
            results.append((name, optimizer, rows))
            if not args.summary:
                print(f"{name} / {optimizer}")
                print("  step   trajectory: max|Δgrad|  max|Δparam|   same params: max|Δgrad|   "
                      "one step: max|Δparam|")
                for i, r in enumerate(rows, start=1):
                    print(f"  {i:>4}   {cell(r, 'grad'):>22} {cell(r, 'param'):>12}   {cell(r, 'same_grad'):>22}"
                          f"   {cell(r, 'opt_param'):>23}")
    print(header)
    print("-" * len(header))
    exact = {"trajectory": 0, "same params": 0, "same grads": 0}
    for name, optimizer, rows in results:
        worst = {k: max(r[k] for r in rows) for k in rows[0]}
        exact["trajectory"] += worst["grad"] == worst["param"] == 0
        exact["same params"] += worst["same_grad"] == 0
        exact["same grads"] += worst["opt_param"] == 0
        print(f"{name:<38}{optimizer:<10}{cell(worst, 'grad'):>17}{cell(worst, 'param'):>16}"
              f"{worst['loss']:>9.0e}{cell(worst, 'same_grad'):>20}{worst['same_loss_ulps']:>7.0f}"
              f"{cell(worst, 'opt_param'):>18}")
    total = len(results)
    print("\nWorst over every run and step:")
    summary = (("loss at identical params", "same_loss", None),
               ("gradients at identical params", "same_grad", None),
               ("one optimizer step from identical state: sgd, momentum", "opt_param", ("sgd", "momentum")),
               ("one optimizer step: nesterov, rmsprop, adam", "opt_param", ("nesterov", "rmsprop", "adam")),
               ("params along the free-running trajectory", "param", None))
    for label, key, optimizers in summary:
        rows = [r for _, o, run in results if optimizers is None or o in optimizers for r in run]
        print(f"  {label:<56} max|Δ| {max(r[key] for r in rows):.1e}   "
              f"{max(r[key + '_ulps'] for r in rows):.0f} ulps")
    print(f"\nBit-identical over {ITERATIONS} steps: whole trajectory {exact['trajectory']}/{total} runs; "
          f"gradients at identical params {exact['same params']}/{total}; "
          f"one optimizer step from identical state {exact['same grads']}/{total}.")
    return 0


def cell(row: dict, key: str) -> str:
    """``max|Δ| (ulps)`` or ``0`` when bit-identical."""
    if row[key] == 0:
        return "0"
    return f"{row[key]:.0e} ({row[key + '_ulps']:.0f})"


if __name__ == "__main__":
    sys.exit(main())
