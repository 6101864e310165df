"""The pieces of the exported training script (server.script), one per registry key, as source text.

Each piece does what its engine counterpart does, operation for operation, so the script's float64
results are the server's bit for bit: the hidden activations and their derivatives (engine.activations),
the output heads with their targets and backward (engine.outputs), the losses, the initialisations
(engine.network) and the optimizers (engine.optimizers). tests/test_export.py runs the script for every
key and compares its weights with the server's.
"""
from __future__ import annotations

# name -> (f(z), f'(z) written with z and a = f(z))
ACTIVATIONS = {
    "tanh": ("np.tanh(z)", "1.0 - a * a"),
    "relu": ("np.maximum(z, 0.0)", "(z > 0).astype(z.dtype)"),
    "sigmoid": ("1.0 / (1.0 + np.exp(-z))", "a * (1.0 - a)"),
    "linear": ("z", "np.ones_like(z)"),
    "leaky_relu": ("np.where(z > 0, z, 0.01 * z)", "np.where(z > 0, 1.0, 0.01)"),
}

# name -> (y_hat = f(z), d cost/dz from d cost/d y_hat = {g}, the targets T from the labels)
OUTPUTS = {
    "sigmoid": ("1.0 / (1.0 + np.exp(-z))", "{g} * (y_hat * (1.0 - y_hat))",
                "labels.reshape(-1, 1).astype(np.float64)"),
    "tanh": ("np.tanh(z)", "{g} * (1.0 - y_hat * y_hat)", "2.0 * labels.reshape(-1, 1) - 1.0"),
    "softmax": ("softmax(z)", "y_hat * ({g} - ({g} * y_hat).sum(axis=1, keepdims=True))",
                "np.eye(NUM_OUTPUTS)[labels.astype(np.int64)]"),
    "linear": ("z", "{g} * np.ones_like(z_out)", "labels.reshape(-1, 1).astype(np.float64)"),
}

SOFTMAX = '''
def softmax(z):
    """Row-wise softmax, shifted by the row maximum so exp never overflows."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
'''

# name -> (per-sample loss l (N,), d l / d y_hat before the head's backward, or None when the loss is
# taken on the logits and its gradient with respect to z is simply y_hat - T)
LOSSES = {
    "mse": ("((y_hat - T) ** 2).mean(axis=1)", "2.0 * (y_hat - T) / T.shape[1]"),
    "half_mse": ("0.5 * ((y_hat - T) ** 2).mean(axis=1)", "(y_hat - T) / T.shape[1]"),
    "mae": ("np.abs(y_hat - T).mean(axis=1)", "np.sign(y_hat - T) / T.shape[1]"),
    "cross_entropy": (None, None),
}

CROSS_ENTROPY = {
    1: "(np.maximum(z, 0.0) - z * T + np.log1p(np.exp(-np.abs(z))))[:, 0]  # binary, on the logit",
    "many": "-(T * log_softmax(z)).sum(axis=1)  # on the logits",
}

# name -> the body of draw(fan_in, fan_out, rng) returning (W, b)
INITS = {
    "xavier": ("bound = np.sqrt(6.0 / (fan_in + fan_out))  # Xavier (Glorot) uniform\n"
               "    return rng.uniform(-bound, bound, size=(fan_in, fan_out)), np.zeros(fan_out)"),
    "he": "return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out)), np.zeros(fan_out)  # He normal",
    "uniform": "return rng.uniform(-0.5, 0.5, size=(fan_in, fan_out)), np.full(fan_out, 0.1)  # TFP's",
    "zeros": "return np.zeros((fan_in, fan_out)), np.zeros(fan_out)",
}

# momentum and Nesterov keep the same velocity, then step differently
_VELOCITY = '''    first = not state
    for k, (p, g) in enumerate(zip(params, grads)):
        if first:
            state.append(g.copy())                   # the first velocity is the gradient itself
        else:
            state[k] *= MOMENTUM                     # v <- momentum * v + g
            state[k] += g'''

# name -> the body of update(params, grads, t) (torch.optim's rules, in the same order of operations)
OPTIMIZERS = {
    "sgd": '''    for p, g in zip(params, grads):
        p += -LEARNING_RATE * g                      # w <- w - lr * g''',
    "momentum": _VELOCITY + '''
        p += -LEARNING_RATE * state[k]               # w <- w - lr * v''',
    "nesterov": _VELOCITY + '''
        p += -LEARNING_RATE * (g + MOMENTUM * state[k])  # w <- w - lr * (g + momentum * v)''',
    "rmsprop": '''    if not state:
        state.extend(np.zeros_like(p) for p in params)
    for p, g, s in zip(params, grads, state):
        s *= ALPHA                                   # s <- alpha * s + (1 - alpha) * g²
        s += (1.0 - ALPHA) * (g * g)
        p += -LEARNING_RATE * g / (np.sqrt(s) + EPS)  # w <- w - lr * g / (sqrt(s) + eps)''',
    "adam": '''    if not state:
        state.extend([np.zeros_like(p) for p in params] + [np.zeros_like(p) for p in params])
    step_size = LEARNING_RATE / (1.0 - BETA1 ** t)
    bias_correction2_sqrt = math.sqrt(1.0 - BETA2 ** t)
    n = len(params)
    for p, g, m, v in zip(params, grads, state[:n], state[n:]):
        w = 1.0 - BETA1                              # m <- beta1 * m + (1 - beta1) * g, as torch.lerp
        m[...] = m + w * (g - m) if w < 0.5 else g - (g - m) * (1.0 - w)
        v *= BETA2                                   # v <- beta2 * v + (1 - beta2) * g²
        v += (1.0 - BETA2) * (g * g)
        denom = np.sqrt(v) / bias_correction2_sqrt + EPS
        p += -step_size * m / denom                  # w <- w - lr * m_hat / (sqrt(v_hat) + eps)''',
}

# name -> what the optimizer reads from the config (written as constants at the top of the script)
HYPER = {"sgd": (), "momentum": ("momentum",), "nesterov": ("momentum",), "rmsprop": ("alpha", "eps"),
         "adam": ("beta1", "beta2", "eps")}

FEATURES = {
    "x": "x1", "y": "x2", "xSquared": "x1 * x1", "ySquared": "x2 * x2", "xTimesY": "x1 * x2",
    "sinX": "np.sin(x1)", "sinY": "np.sin(x2)",
}
