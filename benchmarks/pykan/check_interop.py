"""Load a kan_np model into pykan 0.2.8 with the README's lines and compare the outputs.

Run with the pykan venv's Python (README.md beside this file), kan_np importable, from the
repository root:

    PYTHONPATH=. /work/pykan-venv/bin/python benchmarks/pykan/check_interop.py

It trains a small kan_np KAN on exp(sin(pi x) + y^2) (grids updated from the data, so the
knots are not uniform), snaps one edge to exp, exports it with `kan_np.interop`, builds the
pykan model from `interop.pykan_config`, snaps the same edge in pykan, loads the state dict
(strict: every name must match) and prints the largest output difference.
"""

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

import kan  # noqa: E402  (pykan must see the float64 default at import)

import kan_np as kn  # noqa: E402
from kan_np import interop  # noqa: E402


def main():
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (200, 2))  # (N, 2)
    y = np.exp(np.sin(np.pi * x[:, [0]]) + x[:, [1]] ** 2)  # (N, 1)
    model = kn.KAN([2, 3, 1], grid=5, k=3, seed=0)
    model.fit((x, y), steps=10, progress=False)
    model.fix_symbolic(1, 0, 0, "exp", x=x)

    net = kan.KAN(**interop.pykan_config(model), auto_save=False)
    for l, i, j, name in interop.symbolic_names(model):  # before load_state_dict: it resets
        net.fix_symbolic(l, i, j, name, fit_params_bool=False, verbose=False)
    state = {k: torch.from_numpy(v) for k, v in interop.to_pykan(model).items()}
    print("load_state_dict:", net.load_state_dict(state))
    out = net(torch.from_numpy(x)).detach().numpy()  # (N, 1)
    print(f"max |pykan - kan_np| = {np.max(np.abs(out - model(x))):.1e}")


if __name__ == "__main__":
    main()
