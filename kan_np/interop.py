"""A model's parameters under pykan's names and shapes, both ways.

For a user who outgrows one CPU: the same function continues in pykan (PyTorch, GPU).
`to_pykan(model)` returns a dict of NumPy arrays keyed like pykan 0.2's `MultKAN.state_dict()`;
`pykan_config(model)` gives the constructor arguments of the matching pykan model:

    import torch, kan, kan_np.interop as interop
    net = kan.KAN(**interop.pykan_config(model), auto_save=False)
    net.load_state_dict({k: torch.from_numpy(v) for k, v in interop.to_pykan(model).items()})

`from_pykan(state)` goes back: any mapping of those names to arrays (tensors converted with
`.detach().cpu().numpy()` first) becomes a `KAN`.

Names and shapes, layer l with I inputs and O outputs, G intervals, order k, M = G + k:

    act_fun.{l}.grid        (I, G+2k+1)   kan_np: layer knots          (same order)
    act_fun.{l}.coef        (I, O, M)     layer.coef                    (same order)
    act_fun.{l}.scale_base  (I, O)        layer.scale_base              (same order)
    act_fun.{l}.scale_sp    (I, O)        layer.scale_sp                (same order)
    act_fun.{l}.mask        (I, O)        layer.mask                    (same order)
    symbolic_fun.{l}.mask   (O, I)        1 on the edges in layer.symbolic   (transposed)
    symbolic_fun.{l}.affine (O, I, 4)     layer.affine (a, b, c, d)          (transposed)
    node_bias_{l}, subnode_bias_{l}    (O,) zeros   kan_np has no node affines: pykan's
    node_scale_{l}, subnode_scale_{l}  (O,) ones    identity values are exported, and
                                                    anything else is refused on import.

The names of snapped functions are not tensors, so pykan's state dict cannot carry them:
`symbolic_names(model)` lists (l, i, j, name); call pykan's
`fix_symbolic(l, i, j, name, fit_params_bool=False)` for each *before* `load_state_dict`
(that call resets the edge's affine parameters, which the state dict then restores).
"""

import numpy as np

from kan_np import checks
from kan_np.functions import get_function
from kan_np.network import KAN

NODE_AFFINES = {"node_bias": 0.0, "node_scale": 1.0, "subnode_bias": 0.0, "subnode_scale": 1.0}


def pykan_config(model):
    """pykan's constructor arguments for a model of the same shape: width, grid, k, base_fun."""
    return {
        "width": list(model.width),
        "grid": model.grid,
        "k": model.k,
        "base_fun": model.layers[0].base_fun,
    }


def symbolic_names(model):
    """[(l, i, j, function name), ...] of the snapped edges, in order."""
    return [
        (l, i, j, name)
        for l, layer in enumerate(model.layers)
        for (i, j), name in sorted(layer.symbolic.items())
    ]


def to_pykan(model):
    """The model's parameters as {pykan state-dict name: float64 array} (copies)."""
    state = {}
    for l, layer in enumerate(model.layers):
        state[f"act_fun.{l}.grid"] = layer.knots.copy()  # (I, G+2k+1)
        for name in ("coef", "scale_base", "scale_sp", "mask"):
            state[f"act_fun.{l}.{name}"] = getattr(layer, name).copy()  # (I, O, ...)
    for l, layer in enumerate(model.layers):
        for name, value in NODE_AFFINES.items():
            state[f"{name}_{l}"] = np.full(layer.out_dim, value)  # (O,)
    for l, layer in enumerate(model.layers):
        symbolic = np.zeros((layer.in_dim, layer.out_dim))  # (I, O)
        for i, j in layer.symbolic:
            symbolic[i, j] = 1.0
        state[f"symbolic_fun.{l}.mask"] = symbolic.T.copy()  # (O, I)  pykan's order
        state[f"symbolic_fun.{l}.affine"] = layer.affine.transpose(1, 0, 2).copy()  # (O, I, 4)
    return state


def from_pykan(state, symbolic=(), base_fun="silu"):
    """A `KAN` holding the arrays of a pykan state dict (names as in `to_pykan`).

    Args:
        state: mapping of pykan names to arrays (NumPy, or anything np.asarray accepts).
        symbolic: (l, i, j, function name) of snapped edges (see `symbolic_names`); their
            symbolic mask must be 1 in `state`.
        base_fun: pykan's base function name ("silu" unless the pykan model was built
            otherwise; the state dict does not record it).
    Returns:
        a new KAN with the same width, grid and k.
    """
    if not hasattr(state, "keys"):
        raise TypeError(
            f"state must be a dict of pykan names to arrays, got {type(state).__name__}"
        )
    L = sum(1 for key in state if key.startswith("act_fun.") and key.endswith(".coef"))
    if L == 0:
        raise ValueError("state has no 'act_fun.0.coef': not a pykan KAN state dict")
    coefs = [_array(state, f"act_fun.{l}.coef", ndim=3) for l in range(L)]
    width = [coefs[0].shape[0]] + [c.shape[1] for c in coefs]
    knots = _array(state, "act_fun.0.grid", ndim=2)
    M, P = coefs[0].shape[2], knots.shape[1]
    k = (P - 1 - M) if P > M else 0  # P = G + 2k + 1 and M = G + k
    model = KAN(width, grid=max(M - k, 1), k=max(k, 1), base_fun=base_fun)
    for l, layer in enumerate(model.layers):
        _array(state, f"act_fun.{l}.grid", layer.knots.shape, into=layer.knots)
        for name in ("coef", "scale_base", "scale_sp", "mask"):
            _array(
                state, f"act_fun.{l}.{name}", getattr(layer, name).shape, into=getattr(layer, name)
            )
        affine = _array(state, f"symbolic_fun.{l}.affine", (layer.out_dim, layer.in_dim, 4))
        layer.affine[...] = affine.transpose(1, 0, 2)  # (I, O, 4)
        _check_node_affines(state, l, layer.out_dim)
    _set_symbolic(model, state, symbolic)
    return model


def _array(state, key, shape=None, ndim=None, into=None):
    """state[key] as a finite float64 array of the expected shape (copied into `into`)."""
    if key not in state:
        raise ValueError(f"state has no {key!r}: not a pykan KAN state dict, or layers missing")
    arr = np.asarray(state[key], dtype=np.float64)
    if (shape is not None and arr.shape != tuple(shape)) or (ndim is not None and arr.ndim != ndim):
        want = f"shape {tuple(shape)}" if shape is not None else f"{ndim} dimensions"
        raise ValueError(f"{key} has shape {arr.shape}, expected {want}")
    checks.finite_output(arr, key)
    if into is not None:
        into[...] = arr
    return arr


def _check_node_affines(state, l, O):
    """pykan's node/subnode affines must be identity: kan_np has no place for them."""
    for name, value in NODE_AFFINES.items():
        key = f"{name}_{l}"
        if key in state and not np.allclose(_array(state, key, (O,)), value, rtol=0, atol=0):
            raise ValueError(
                f"{key} is not all {value:g}: kan_np models have no node affine "
                "transforms, so this pykan model cannot be imported"
            )


def _set_symbolic(model, state, symbolic):
    """Mark the snapped edges; every symbolic mask entry must be named by `symbolic`."""
    named = set()
    for l, i, j, name in symbolic:
        get_function(name)  # an unknown function name raises a ValueError listing the library
        model.layers[l].symbolic[(i, j)] = name
        named.add((l, i, j))
    for l, layer in enumerate(model.layers):
        smask = _array(state, f"symbolic_fun.{l}.mask", (layer.out_dim, layer.in_dim))
        for j, i in zip(*np.nonzero(smask), strict=True):
            if (l, int(i), int(j)) not in named:
                raise ValueError(
                    f"edge ({l}, {i}, {j}) is symbolic in the state dict; pass its "
                    "function name in symbolic=[(l, i, j, name), ...]"
                )
