"""Checker for exercise 08.1 (tutorials/exercises/ex08_prune_surgery.py): pruning's surgery.

Plain `pytest` checks the library's `pruning.sliced_layer`, which proves the checker;
`KAN_NP_EXERCISES=student pytest -m ex08_1 tests/exercises` checks the student's
`sliced_layer`. The expected arrays are written here with np.ix_, and the last test checks
the point of it all: removing a dead node from two layers leaves the network's function
unchanged.
"""

import numpy as np
import pytest

import kan_np as kn
from kan_np import pruning

pytestmark = pytest.mark.ex08_1
READ = "tutorials/08_pruning.md, 'Pruning'"
READ_SYMBOLIC = "tutorials/09_symbolic.md, 'A symbolic edge' (the (i, o) keys of symbolic)"
PER_EDGE = ("coef", "scale_base", "scale_sp", "mask", "affine")  # (I, O, ...)


@pytest.fixture
def sliced_layer(exercise):
    return exercise("ex08_prune_surgery", pruning.sliced_layer)


def random_layer(I=4, O=3, seed=0):
    rng = np.random.default_rng(seed)
    layer = kn.KANLayer(I, O, grid=4, k=3, rng=rng)
    layer.knots = layer.knots + rng.normal(0.0, 0.01, size=(I, 1))  # (I, G+2k+1) distinct rows
    layer.mask = rng.integers(0, 2, size=(I, O)).astype(float)  # (I, O)
    layer.affine = rng.normal(size=(I, O, 4))  # (I, O, 4)
    return layer


ROWS, COLS = np.array([0, 2, 3]), np.array([1, 2])


def test_every_array_is_sliced(sliced_layer, assert_close, require):
    layer = random_layer()
    new = sliced_layer(layer, ROWS, COLS)
    require(isinstance(new, kn.KANLayer), f"return a KANLayer, got {type(new).__name__}",
            read=READ)  # fmt: skip
    for name in PER_EDGE:
        assert_close(getattr(new, name), getattr(layer, name)[np.ix_(ROWS, COLS)],
                     f"{name} (per edge: keep rows of the inputs and columns of the outputs)",
                     rtol=0.0, atol=0.0, read=READ)  # fmt: skip
    assert_close(new.knots, layer.knots[ROWS], "knots (one knot row per INPUT)", rtol=0.0,
                 atol=0.0, read=READ)  # fmt: skip
    require(new.k == layer.k and new.base_fun == layer.base_fun,
            "k and base_fun must be those of the layer", read=READ)  # fmt: skip


def test_the_layer_is_not_modified_and_nothing_is_shared(sliced_layer, require):
    layer = random_layer()
    before = {name: getattr(layer, name).copy() for name in (*PER_EDGE, "knots")}
    new = sliced_layer(layer, ROWS, COLS)
    for name, array in before.items():
        require(np.array_equal(getattr(layer, name), array) and getattr(layer, name).shape
                == array.shape, f"layer.{name} was changed: the layer must not be modified",
                read=READ)  # fmt: skip
        require(not np.shares_memory(getattr(new, name), getattr(layer, name)),
                f"the new {name} shares memory with the old one: copy it", read=READ)  # fmt: skip


def test_symbolic_edges_are_renumbered(sliced_layer, require):
    layer = random_layer()
    layer.symbolic = {(2, 1): "sin", (1, 1): "exp", (3, 0): "x^2", (3, 2): "tanh"}
    new = sliced_layer(layer, ROWS, COLS)
    expected = {(1, 0): "sin", (2, 1): "tanh"}  # input 1 and output 0 are gone
    require(new.symbolic == expected, f"symbolic: yours {new.symbolic}, expected {expected} "
            "(old edge (rows[r], cols[c]) is new edge (r, c))", read=READ_SYMBOLIC)  # fmt: skip
    require(layer.symbolic == {(2, 1): "sin", (1, 1): "exp", (3, 0): "x^2", (3, 2): "tanh"},
            "layer.symbolic was changed: the layer must not be modified", read=READ)  # fmt: skip


def test_removing_a_dead_node_from_two_layers_keeps_the_function(sliced_layer, assert_close):
    model = kn.KAN(width=[3, 4, 2], grid=5, k=3, seed=1)
    first, second = model.layers
    second.scale_base[1] = 0.0  # hidden node 1 passes nothing on: it is dead
    second.scale_sp[1] = 0.0
    keep = np.array([0, 2, 3])  # the hidden nodes that stay
    pruned = model.copy()
    pruned.layers = [sliced_layer(first, np.arange(3), keep),
                     sliced_layer(second, keep, np.arange(2))]  # fmt: skip
    x = np.random.default_rng(0).uniform(-1, 1, (20, 3))  # (N, n_0)
    assert_close(pruned(x), model(x), "the pruned [3, 3, 2] network's output", rtol=1e-12,
                 atol=1e-14, read=READ + " (node j is in two layers)")  # fmt: skip
