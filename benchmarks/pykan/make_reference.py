"""Write numeric reference fixtures from pykan 0.2.8 for kan_np's torch-free tests.

Run with the pykan venv's Python (see README.md beside this file), from the repository root:

    /work/pykan-venv/bin/python benchmarks/pykan/make_reference.py

It writes tests/data/pykan_reference.npz: plain float64/int arrays plus one JSON string
(``meta``, a 0-d unicode array), loadable with ``np.load(path, allow_pickle=False)``.
Every per-edge array is stored in kan_np's axis order (I, O, ...) or (N, I, O); where pykan
keeps (O, I) or (N, O, I) the transpose is done here and listed in ``meta["transposed"]``.

Besides saving pykan's numbers, ``check_documented_facts`` recomputes each quantity with
plain NumPy from the formulas in tests/data/README.md and asserts agreement, so the README
cannot drift from what pykan actually does.
"""

import argparse
import importlib.metadata
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

from kan import KAN  # noqa: E402  (pykan must see the float64 default at import)
from kan.spline import B_batch  # noqa: E402

WIDTH = [2, 3, 1]
GRID = 5  # G, intervals of the initial grid
K = 3  # spline order
SEED = 1  # pykan's model seed
X_SEED = 0  # numpy default_rng seed for the sample points
N = 64  # samples
REFINE_GRID = 10  # G after model.refine
REG_METRIC = "edge_forward_spline_n"
LAMBS = {"lamb_l1": 1.0, "lamb_entropy": 2.0, "lamb_coef": 0.5, "lamb_coefdiff": 0.3}
BSPLINE_G = 4  # intervals of the non-uniform B-spline check grids
REPO = Path(__file__).resolve().parents[2]


def to_np(t):
    """A detached float64 NumPy copy of a tensor."""
    return t.detach().cpu().numpy().astype(np.float64).copy()


def build_model():
    """The fixture model; pykan reseeds torch inside the constructor, so this is repeatable."""
    # pykan rewrites the width list in place, so hand it a fresh one each time.
    return KAN(width=list(WIDTH), grid=GRID, k=K, seed=SEED, auto_save=False)


def layer_params(model, prefix):
    """grid, coef, scale_base, scale_sp, mask per layer; pykan already keeps them (I, O, ...)."""
    out = {}
    for idx, layer in enumerate(model.act_fun):
        out[f"{prefix}grid_{idx}"] = to_np(layer.grid)  # (I, G+2k+1)
        out[f"{prefix}coef_{idx}"] = to_np(layer.coef)  # (I, O, G+k)
        if not prefix:
            out[f"scale_base_{idx}"] = to_np(layer.scale_base)  # (I, O)
            out[f"scale_sp_{idx}"] = to_np(layer.scale_sp)  # (I, O)
            out[f"mask_{idx}"] = to_np(layer.mask)  # (I, O)
    return out


def forward_fixtures(model, x):
    """Layer inputs, bases, per-edge activations, output, and the forward's cached scales."""
    out = {"out": to_np(model(x))}  # (N, 1)
    for idx, layer in enumerate(model.act_fun):
        x_l = model.acts[idx]  # (N, I) input of layer idx
        out[f"input_{idx}"] = to_np(x_l)
        out[f"basis_{idx}"] = to_np(B_batch(x_l, layer.grid, k=layer.k))  # (N, I, G+k)
        # pykan caches per-edge tensors as (N, O, I) and per-edge scales as (O, I).
        out[f"acts_{idx}"] = to_np(model.spline_postacts[idx]).transpose(0, 2, 1)
        out[f"spline_{idx}"] = to_np(model.spline_postsplines[idx]).transpose(0, 2, 1)
        out[f"reg_V_{idx}"] = to_np(model.acts_scale_spline[idx]).T  # (I, O)
        out[f"edge_std_{idx}"] = to_np(model.edge_actscale[idx]).T  # (I, O)
        out[f"node_std_{idx}"] = to_np(model.subnode_actscale[idx])  # (O,)
    return out


def reg_fixtures(model, x):
    """pykan's get_reg value and its autograd gradient, with and without the coef terms."""
    params = []
    for layer in model.act_fun:
        params += [layer.coef, layer.scale_base, layer.scale_sp]
    names = ["coef", "scale_base", "scale_sp"]
    out = {"reg_lambdas": np.array([LAMBS[k] for k in LAMBS])}
    no_coef = {**LAMBS, "lamb_coef": 0.0, "lamb_coefdiff": 0.0}
    for tag, lambs in (("reg", LAMBS), ("reg_no_coef", no_coef)):
        model(x)  # get_reg reads the graph cached by the last forward
        reg = model.get_reg(REG_METRIC, **lambs)
        grads = torch.autograd.grad(reg, params)
        out[tag] = np.array(reg.item())
        for p_idx, grad in enumerate(grads):
            idx, name = divmod(p_idx, 3)
            out[f"d{tag}_{names[name]}_{idx}"] = to_np(grad)  # already (I, O, ...)
    return out


def attribution_fixtures(model, x):
    """model.attribute() after a forward on x: node scores per node layer, edge scores (I, O)."""
    model(x)
    model.attribute()
    out = {}
    for idx, score in enumerate(model.node_scores):
        out[f"node_score_{idx}"] = to_np(score)  # (width[idx],)
    for idx, score in enumerate(model.edge_scores):
        out[f"edge_score_{idx}"] = to_np(score).T  # pykan (O, I) -> (I, O)
    return out


def grid_update_fixtures(x):
    """A fresh copy of the model after update_grid_from_samples(x), and each layer's input.

    pykan updates layer l on a forward through layers < l that are already updated; a
    second copy replays that loop to record the inputs and must land on the same model.
    """
    model = build_model()
    model.update_grid_from_samples(x)
    out = layer_params(model, "update_")
    out["update_out"] = to_np(model(x))

    replay = build_model()
    inputs = []
    for idx, layer in enumerate(replay.act_fun):
        replay.get_act(x)
        inputs.append(to_np(replay.acts[idx]))  # (N, I) seen by layer idx
        layer.update_grid_from_samples(replay.acts[idx])
    for key, value in layer_params(replay, "update_").items():
        # lstsq rounding is not bit-stable between two identical calls, hence a tolerance.
        np.testing.assert_allclose(value, out[key], rtol=0, atol=1e-13, err_msg=key)
    return out, model, inputs


def refine_fixtures(parent, x, prefix):
    """parent.refine(REFINE_GRID) after a forward on x (refine reads parent.cache_data)."""
    parent(x)
    inputs = [to_np(a) for a in parent.acts[:-1]]  # what refine fits on, (N, I) per layer
    child = parent.refine(REFINE_GRID)
    out = layer_params(child, prefix)
    out[f"{prefix}out"] = to_np(child(x))
    return out, inputs


def bspline_fixtures():
    """B_batch for k = 0..3 on strictly increasing non-uniform knots, two rows (I = 2)."""
    rng = np.random.default_rng(7)
    n_knots = BSPLINE_G + 2 * 3 + 1
    steps = rng.uniform(0.1, 0.6, size=(2, n_knots - 1))  # (2, 10) uneven spacings
    knots = np.concatenate([np.full((2, 1), -1.5), -1.5 + np.cumsum(steps, axis=1)], axis=1)
    lo, hi = knots[:, :1] - 0.2, knots[:, -1:] + 0.2  # a little outside the knot span
    x_rand = lo.T + (hi - lo).T * rng.uniform(size=(30, 2))  # (30, 2)
    x = np.concatenate([x_rand, knots.T], axis=0)  # (41, 2): also every knot exactly
    out = {"bspline_x": x}
    for k in range(4):
        grid = knots[:, 3 - k : 3 - k + BSPLINE_G + 2 * k + 1]  # same inner knots for each k
        basis = B_batch(torch.tensor(x), torch.tensor(grid), k=k)  # (N, 2, G+k)
        out[f"bspline_grid_k{k}"] = grid.copy()
        out[f"bspline_basis_k{k}"] = to_np(basis)
    return out


def np_basis(x, grid, k):
    """Cox-de Boor with 0/0 := 0 and half-open [t_i, t_{i+1}) at k = 0 (the README's rule)."""
    x = x[:, :, None]  # (N, I, 1)
    t = grid[None, :, :]  # (1, I, P)
    basis = ((x >= t[..., :-1]) & (x < t[..., 1:])).astype(float)
    for p in range(1, k + 1):
        with np.errstate(divide="ignore", invalid="ignore"):
            left = np.nan_to_num((x - t[..., : -p - 1]) / (t[..., p:-1] - t[..., : -p - 1]))
            right = np.nan_to_num((t[..., p + 1 :] - x) / (t[..., p + 1 :] - t[..., 1:-p]))
        basis = left * basis[..., :-1] + right * basis[..., 1:]
    return basis


def np_lstsq_coef(x, y, grid, k):
    """Least squares per edge: (I, O, M) coefs with B(x_i) c = y_i, numpy's min-norm lstsq."""
    basis = np_basis(x, grid, k)  # (N, I, M)
    n_in, n_out = y.shape[1], y.shape[2]
    coef = np.zeros((n_in, n_out, basis.shape[2]))
    for i in range(n_in):
        coef[i] = np.linalg.lstsq(basis[:, i, :], y[:, i, :], rcond=None)[0].T
    return coef


def extend(inner, k):
    """Append k knots each side at the average inner spacing (pykan's extend_grid)."""
    h = (inner[:, -1:] - inner[:, :1]) / (inner.shape[1] - 1)
    steps = np.arange(1, k + 1)
    return np.concatenate([inner[:, :1] - h * steps[::-1], inner, inner[:, -1:] + h * steps], 1)


def spline(x, grid, coef, k):
    """(N, I, O) spline values sum_m c_{i,o,m} B_{i,m}(x_i)."""
    return np.einsum("nim,iom->nio", np_basis(x, grid, k), coef)


def silu(z):
    """pykan's default base function z * sigmoid(z)."""
    return z / (1.0 + np.exp(-z))


def check_documented_facts(ref, update_inputs, refine_inputs, upd_refine_inputs):
    """Recompute the fixtures from the README's formulas in NumPy; returns max abs errors."""
    err = {}

    def record(name, ours, theirs):
        diff = float(np.max(np.abs(np.asarray(ours) - np.asarray(theirs))))
        err[name] = max(err.get(name, 0.0), diff)

    n_layers = len(WIDTH) - 1
    reg_l1 = reg_ent = reg_coef = reg_diff = 0.0
    for idx in range(n_layers):
        x_l, grid, coef = ref[f"input_{idx}"], ref[f"grid_{idx}"], ref[f"coef_{idx}"]
        sp = spline(x_l, grid, coef, K)  # (N, I, O)
        acts = ref[f"mask_{idx}"] * (
            ref[f"scale_base_{idx}"] * silu(x_l)[:, :, None] + ref[f"scale_sp_{idx}"] * sp
        )
        record("basis", np_basis(x_l, grid, K), ref[f"basis_{idx}"])
        record("spline", sp, ref[f"spline_{idx}"])
        record("acts", acts, ref[f"acts_{idx}"])
        nxt = ref["out"] if idx == n_layers - 1 else ref[f"input_{idx + 1}"]
        record("layer sum", acts.sum(axis=1), nxt)
        v = acts.std(axis=0, ddof=1) / (x_l.std(axis=0, ddof=1)[:, None] + 0.1)  # (I, O)
        record("reg_V", v, ref[f"reg_V_{idx}"])
        record("edge_std", acts.std(axis=0, ddof=1), ref[f"edge_std_{idx}"])
        record("node_std", acts.sum(axis=1).std(axis=0, ddof=1), ref[f"node_std_{idx}"])
        p_in = v / (v.sum(axis=0, keepdims=True) + 1)  # pykan's "row": per output, over inputs
        p_out = v / (v.sum(axis=1, keepdims=True) + 1)  # pykan's "col": per input, over outputs
        reg_l1 += v.sum()
        reg_ent -= np.mean(np.sum(p_in * np.log2(p_in + 1e-4), axis=0))
        reg_ent -= np.mean(np.sum(p_out * np.log2(p_out + 1e-4), axis=1))
        reg_coef += np.abs(coef).mean(axis=1).sum()
        reg_diff += np.abs(np.diff(coef, axis=2)).mean(axis=1).sum()
    lam = LAMBS
    base = lam["lamb_l1"] * reg_l1 + lam["lamb_entropy"] * reg_ent
    record("reg_no_coef", base, ref["reg_no_coef"])
    full = base + lam["lamb_coef"] * reg_coef + lam["lamb_coefdiff"] * reg_diff
    record("reg", full, ref["reg"])

    score = np.ones(1)  # per output node; one final output here, so q has one value
    for idx in reversed(range(n_layers)):
        edge = ref[f"edge_std_{idx}"] * score[None, :] / (ref[f"node_std_{idx}"] + 1e-4)
        record("edge_score", edge, ref[f"edge_score_{idx}"])
        score = edge.sum(axis=1)  # (I,)
        record("node_score", score, ref[f"node_score_{idx}"])

    # Grid update: quantile knots mixed with uniform ones, then a spline-only refit.
    g_eps = 0.02
    for idx in range(n_layers):
        assert ref["update_full_rank"][idx], "grid-update fit is rank deficient"
        x_l = update_inputs[idx]
        xs = np.sort(x_l, axis=0)  # (N, I)
        ids = [int(N / GRID * i) for i in range(GRID)] + [N - 1]
        adaptive = xs[ids].T  # (I, G+1)
        uniform = adaptive[:, :1] + (adaptive[:, -1:] - adaptive[:, :1]) / GRID * np.arange(
            GRID + 1
        )
        new_grid = extend(g_eps * uniform + (1 - g_eps) * adaptive, K)
        record("update_grid", new_grid, ref[f"update_grid_{idx}"])
        old = spline(xs, ref[f"grid_{idx}"], ref[f"coef_{idx}"], K)
        record("update_coef", np_lstsq_coef(xs, old, new_grid, K), ref[f"update_coef_{idx}"])

    # Refine: new inner knots interpolate the old inner knots linearly by index.
    for prefix, parent, inputs in (
        ("refine_", "", refine_inputs),
        ("update_refine_", "update_", upd_refine_inputs),
    ):
        for idx in range(n_layers):
            inner = ref[f"{parent}grid_{idx}"][:, K:-K]  # (I, G+1)
            pos = np.linspace(0, GRID, REFINE_GRID + 1)
            new_inner = np.stack([np.interp(pos, np.arange(GRID + 1), row) for row in inner])
            new_grid = extend(new_inner, K)
            record("refine_grid", new_grid, ref[f"{prefix}grid_{idx}"])
            if not ref[f"{prefix}full_rank"][idx]:
                continue  # pykan's coefs here come from torch's faulty rank-deficient gelsy
            old = spline(inputs[idx], ref[f"{parent}grid_{idx}"], ref[f"{parent}coef_{idx}"], K)
            new = np_lstsq_coef(inputs[idx], old, new_grid, K)
            record(f"{prefix}coef (numpy lstsq)", new, ref[f"{prefix}coef_{idx}"])
            fitted = spline(inputs[idx], new_grid, ref[f"{prefix}coef_{idx}"], K)
            record(f"{prefix}spline at samples", fitted, old)

    for k in range(4):
        grid = ref[f"bspline_grid_k{k}"]
        record("bspline", np_basis(ref["bspline_x"], grid, k), ref[f"bspline_basis_k{k}"])
    return err


def design_ranks(inputs, ref, prefix):
    """Per layer: 1 if every input's lstsq design matrix B(x_i) has full column rank M.

    Also returns the smallest singular value per layer, for the README.
    """
    flags, smallest = [], []
    for idx, x_l in enumerate(inputs):
        basis = np_basis(x_l, ref[f"{prefix}grid_{idx}"], K)  # (N, I, M)
        svs = [np.linalg.svd(basis[:, i, :], compute_uv=False) for i in range(basis.shape[1])]
        flags.append(int(all(sv.min() > 1e-8 * sv.max() for sv in svs)))
        smallest.append(float(min(sv.min() for sv in svs)))
    return np.array(flags), smallest


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "data" / "pykan_reference.npz")
    out_path = parser.parse_args().out.resolve()

    x_np = np.random.default_rng(X_SEED).uniform(-1.0, 1.0, size=(N, 2))  # (N, 2)
    x = torch.tensor(x_np)

    cwd = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.chdir(tmp)  # pykan can write checkpoint folders into the working directory
        try:
            model = build_model()
            ref = {"x": x_np}
            ref.update(layer_params(model, ""))
            ref.update(forward_fixtures(model, x))
            ref.update(reg_fixtures(model, x))
            ref.update(attribution_fixtures(model, x))
            upd, upd_model, update_inputs = grid_update_fixtures(x)
            ref.update(upd)
            fresh = build_model()
            refined, refine_inputs = refine_fixtures(fresh, x, "refine_")
            ref.update(refined)
            refined, upd_refine_inputs = refine_fixtures(upd_model, x, "update_refine_")
            ref.update(refined)
            ref.update(bspline_fixtures())
            leftovers = sorted(os.listdir(tmp))
        finally:
            os.chdir(cwd)

    svals = {}
    lstsq_inputs = {
        "update_": update_inputs,
        "refine_": refine_inputs,
        "update_refine_": upd_refine_inputs,
    }
    for prefix, inputs in lstsq_inputs.items():
        ref[f"{prefix}full_rank"], svals[prefix] = design_ranks(inputs, ref, prefix)
    errors = check_documented_facts(ref, update_inputs, refine_inputs, upd_refine_inputs)
    meta = {
        "pykan": importlib.metadata.version("pykan"),
        "torch": torch.__version__,
        "numpy": np.__version__,
        "command": "/work/pykan-venv/bin/python benchmarks/pykan/make_reference.py",
        "model": f"KAN(width={WIDTH}, grid={GRID}, k={K}, seed={SEED}, auto_save=False)",
        "defaults": "base_fun silu, grid_eps 0.02, grid_range [-1, 1], noise_scale 0.3",
        "x": f"np.random.default_rng({X_SEED}).uniform(-1, 1, size=({N}, 2))",
        "reg_metric": REG_METRIC,
        "reg_lambdas": LAMBS,
        "refine_grid": REFINE_GRID,
        "transposed": "acts_l, spline_l: pykan (N, O, I) -> (N, I, O); reg_V_l, edge_std_l, "
        "edge_score_l: pykan (O, I) -> (I, O); nothing else",
        "numpy_recompute_max_abs_err": errors,
        "lstsq_design_smallest_singular_value": svals,
        "files_left_by_pykan": leftovers,
    }
    ref["meta"] = np.array(json.dumps(meta, indent=1))

    out_path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(out_path, **ref)
    with np.load(out_path, allow_pickle=False) as back:
        assert sorted(back.files) == sorted(ref), "keys changed on reload"
        for key in back.files:
            assert back[key].dtype.kind in "fiU", f"{key} has dtype {back[key].dtype}"
            np.testing.assert_array_equal(back[key], ref[key], err_msg=key)
    print(f"wrote {out_path} ({out_path.stat().st_size} bytes, {len(ref)} arrays)")
    print(json.dumps(errors, indent=1))
    bad = {k: v for k, v in errors.items() if v > 1e-10}
    if bad:
        raise SystemExit(f"NumPy recomputation disagrees with pykan: {bad}")


if __name__ == "__main__":
    main()
