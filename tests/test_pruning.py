"""Node and edge scores (paper and attribution) and pruning to a smaller KAN."""

import numpy as np
import pytest

import kan_np as kn
from kan_np import pruning
from tests.reference import load_reference, pykan_model


def strong_model(width=(2, 3, 1), seed=0):
    """A model whose every edge is clearly alive (|phi|_1 well above 1e-2)."""
    model = kn.KAN(list(width), grid=5, k=3, seed=seed)
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        layer.coef[...] = rng.normal(0, 0.5, layer.coef.shape)
        layer.scale_base[...] = rng.choice([-1, 1], layer.scale_base.shape)
        layer.scale_sp[...] = 1.0
    x = rng.uniform(-1, 1, (50, width[0]))
    return model, x


def kill_hidden_node(model, l, j):
    """Make hidden node j of node layer l exactly dead: no incoming and no outgoing edge."""
    model.layers[l - 1].mask[:, j] = 0.0
    model.layers[l].mask[j, :] = 0.0


def test_paper_scores_by_hand():
    model, x = strong_model()
    model.layers[0].mask[:, 1] = 0.0  # hidden node 1: no incoming edges
    A = [np.mean(np.abs(a), axis=0) for a in model.activations(x)]  # |phi|_1, (I, O)
    np.testing.assert_allclose(pruning.edge_scores(model, x)[0], A[0], rtol=1e-15)
    scores = pruning.node_scores(model, x)
    assert [s.shape for s in scores] == [(2,), (3,), (1,)]
    np.testing.assert_allclose(scores[0], A[0].max(axis=1))  # inputs: outgoing
    hidden = np.minimum(A[0].max(axis=0), A[1].max(axis=1))  # min(incoming, outgoing)
    np.testing.assert_allclose(scores[1], hidden)
    np.testing.assert_allclose(scores[2], A[1].max(axis=0))  # outputs: incoming
    assert scores[1][1] == 0.0


def test_dead_node_is_removed_and_the_function_kept():
    model, x = strong_model((2, 4, 3, 1), seed=1)
    kill_hidden_node(model, 1, 2)
    model.layers[1].symbolic[(3, 1)] = "sin"  # renumbered to (2, 1) after pruning
    model.layers[1].affine[3, 1] = [1.0, 0.3, 0.5, 0.1]
    pruned = pruning.prune(model, x=x)
    assert pruned.width == [2, 3, 3, 1]
    assert model.width == [2, 4, 3, 1]  # the original is untouched
    assert pruned.layers[1].symbolic == {(2, 1): "sin"}
    np.testing.assert_array_equal(pruned.layers[1].knots, model.layers[1].knots[[0, 1, 3]])
    np.testing.assert_array_equal(pruned.layers[0].coef, model.layers[0].coef[:, [0, 1, 3]])
    # the surviving hidden nodes carry the same values, and so does the output
    kept_before = model.layer_inputs(x)[1][:, [0, 1, 3]]
    np.testing.assert_allclose(pruned.layer_inputs(x)[1], kept_before, rtol=0, atol=1e-12)
    np.testing.assert_allclose(pruned(x), model(x), rtol=0, atol=1e-12)


def test_nothing_to_prune_comes_back_equal():
    model, x = strong_model((3, 4, 2), seed=2)
    pruned = pruning.prune(model, x=x)
    assert pruned is not model and pruned.width == model.width
    for old, new in zip(model.layers, pruned.layers, strict=True):
        for name in (*pruning.EDGE_ARRAYS, *pruning.INPUT_ARRAYS):
            np.testing.assert_array_equal(getattr(new, name), getattr(old, name))
            assert getattr(new, name) is not getattr(old, name)
        assert new.symbolic == old.symbolic
    np.testing.assert_array_equal(pruned(x), model(x))


def test_at_least_one_hidden_node_survives():
    model, x = strong_model((2, 5, 1), seed=3)
    pruned = pruning.prune(model, threshold=1e9, x=x)
    assert pruned.width == [2, 1, 1]
    best = int(np.argmax(pruning.node_scores(model, x)[1]))
    np.testing.assert_array_equal(pruned.layers[1].coef, model.layers[1].coef[[best]])


def test_inputs_are_kept_unless_asked():
    model, x = strong_model((3, 2, 1), seed=4)
    model.layers[0].mask[1, :] = 0.0  # input 1 is unused
    model.train_input = x
    assert pruning.prune(model).width == [3, 2, 1]  # scores from model.train_input
    pruned = pruning.prune(model, prune_inputs=True)
    assert pruned.width == [2, 2, 1]
    np.testing.assert_array_equal(pruned.train_input, x[:, [0, 2]])
    np.testing.assert_allclose(pruned(x[:, [0, 2]]), model(x), rtol=0, atol=1e-12)


def test_attribution_matches_pykan():
    ref = load_reference()
    model = pykan_model(ref)
    nodes = pruning.node_scores(model, ref["x"], method="attribution")
    edges = pruning.edge_scores(model, ref["x"], method="attribution")
    for l in range(3):
        np.testing.assert_allclose(nodes[l], ref[f"node_score_{l}"], rtol=1e-10, atol=1e-12)
    for l in range(2):
        np.testing.assert_allclose(edges[l], ref[f"edge_score_{l}"], rtol=1e-10, atol=1e-12)


def test_attribution_by_hand_with_two_outputs():
    model, x = strong_model((2, 2, 2), seed=5)
    acts = model.activations(x)
    # by hand, one output q at a time, then the mean over q
    node0, node1, edge0 = np.zeros(2), np.zeros(2), np.zeros((2, 2))
    for q in range(2):
        s2 = np.eye(2)[q]  # (2,)
        e1 = np.zeros((2, 2))
        for i in range(2):
            for o in range(2):
                node_std = np.std(acts[1][:, :, o].sum(axis=1), ddof=1)
                e1[i, o] = s2[o] * np.std(acts[1][:, i, o], ddof=1) / (node_std + 1e-4)
        s1 = e1.sum(axis=1)
        node1 += s1 / 2
        for i in range(2):
            for o in range(2):
                node_std = np.std(acts[0][:, :, o].sum(axis=1), ddof=1)
                e0 = s1[o] * np.std(acts[0][:, i, o], ddof=1) / (node_std + 1e-4)
                edge0[i, o] += e0 / 2
                node0[i] += e0 / 2
    nodes = pruning.node_scores(model, x, method="attribution")
    np.testing.assert_allclose(nodes[0], node0, rtol=1e-12)
    np.testing.assert_allclose(nodes[1], node1, rtol=1e-12)
    np.testing.assert_allclose(nodes[2], [0.5, 0.5])
    np.testing.assert_allclose(pruning.edge_scores(model, x, "attribution")[0], edge0, rtol=1e-12)


def test_prune_edges_masks_small_edges_and_symbolic_ones():
    model, x = strong_model((2, 3, 1), seed=6)
    model.layers[0].scale_base[0, 1] = 0.0
    model.layers[0].coef[0, 1] = 0.0  # edge (0, 1) of layer 0 is exactly 0
    model.layers[1].symbolic[(2, 0)] = "0"  # a symbolic edge that is exactly 0 too
    model.layers[1].mask[2, 0] = 0.0
    pruned = pruning.prune_edges(model, 1e-2, x)
    assert pruned.layers[0].mask[0, 1] == 0.0 and model.layers[0].mask[0, 1] == 1.0
    assert pruned.layers[0].mask.sum() == 5 and pruned.layers[1].symbolic == {}
    np.testing.assert_allclose(pruned(x), model(x), rtol=0, atol=1e-12)


def test_prune_with_edge_threshold():
    model, x = strong_model((2, 3, 1), seed=7)
    kill_hidden_node(model, 1, 0)
    model.layers[0].scale_base[1, 2] = 0.0
    model.layers[0].coef[1, 2] = 0.0
    pruned = pruning.prune(model, x=x, edge_threshold=1e-2)
    assert pruned.width == [2, 2, 1]
    np.testing.assert_array_equal(pruned.layers[0].mask, [[1, 1], [1, 0]])


def test_bad_input():
    model, x = strong_model()
    with pytest.raises(ValueError, match="attribution"):
        pruning.node_scores(model, x, method="magnitude")
    with pytest.raises(ValueError, match="no data"):
        pruning.prune(model)  # no x and no fit
    with pytest.raises(ValueError, match="columns"):
        pruning.prune(model, x=x[:, :1])
    with pytest.raises(ValueError, match="threshold"):
        pruning.prune(model, threshold=-1.0, x=x)
    with pytest.raises(ValueError, match="2 samples"):
        pruning.node_scores(model, x[:1], method="attribution")


def test_sliced_layer_refuses_bad_indices():
    layer = kn.KAN([3, 2], grid=3, k=3, seed=0).layers[0]
    with pytest.raises(TypeError, match="rows must be a 1-D integer array"):
        pruning.sliced_layer(layer, np.array([0.0, 1.0]), np.arange(2))
    with pytest.raises(ValueError, match=r"cols must increase strictly within 0\.\.1"):
        pruning.sliced_layer(layer, np.arange(3), np.array([1, 0]))
    with pytest.raises(ValueError, match=r"rows must increase strictly within 0\.\.2"):
        pruning.sliced_layer(layer, np.array([0, 3]), np.arange(2))
