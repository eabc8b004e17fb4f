"""Losses: centred-difference gradient checks, invariants (Hypothesis), target checks."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kan_np as kn
from kan_np import losses
from kan_np.gradcheck import numerical_gradient, relative_error, worst_entry

TOL = 1e-7  # smooth functions, h = 1e-5 in float64: the error is about 1e-10


def _targets(name, rng, N, O):
    if name == "mse":
        return rng.normal(size=(N, O))
    if name == "cross_entropy":
        return rng.integers(0, O, size=N)
    return rng.uniform(0.0, 1.0, size=(N, O))  # soft targets are allowed


@pytest.mark.parametrize("name", losses.LOSS_NAMES)
def test_backward_matches_centred_differences(name):
    rng = np.random.default_rng(0)
    pred = rng.normal(0.0, 2.0, (7, 3))  # (N, O)
    y = _targets(name, rng, 7, 3)
    value, backward = losses.PAIRS[name]
    dloss = 0.7  # an upstream gradient other than 1
    analytic = backward(dloss, pred, y)
    numeric = numerical_gradient(lambda: dloss * value(pred, y), pred)
    err = relative_error(analytic, numeric)
    assert analytic.shape == pred.shape
    assert err <= TOL, f"d{name}/dpred: relative error {err:.1e}; " + worst_entry(analytic, numeric)


logit_rows = st.lists(st.floats(-30, 30), min_size=2, max_size=5)


@given(st.lists(logit_rows, min_size=1, max_size=4).filter(lambda r: len({len(x) for x in r}) == 1),
       st.floats(-50, 50), st.integers(0, 10))  # fmt: skip
def test_cross_entropy_ignores_a_shift_per_row(rows, shift, seed):
    z = np.array(rows)  # (N, C)
    labels = np.random.default_rng(seed).integers(0, z.shape[1], z.shape[0])  # (N,)
    a = losses.softmax_cross_entropy(z, labels)
    b = losses.softmax_cross_entropy(z + shift, labels)
    assert a >= 0.0
    assert b == pytest.approx(a, rel=1e-9, abs=1e-9)
    dz = losses.softmax_cross_entropy_backward(1.0, z, labels)
    np.testing.assert_allclose(dz.sum(axis=1), 0.0, atol=1e-15)  # softmax sums to 1


@given(st.lists(st.floats(-40, 40), min_size=1, max_size=6), st.integers(0, 10))
def test_binary_is_two_class_softmax(z, seed):
    z = np.array(z).reshape(-1, 1)  # (N, 1)
    t = np.random.default_rng(seed).integers(0, 2, z.shape).astype(float)  # (N, 1)
    two = np.concatenate([np.zeros_like(z), z], axis=1)  # (N, 2): softmax([0, z])_1 = sigma(z)
    expected = losses.softmax_cross_entropy(two, t[:, 0].astype(int))
    assert losses.binary_cross_entropy(z, t) == pytest.approx(expected, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(losses.sigmoid(z), losses.softmax(two)[:, [1]], rtol=1e-12)


def test_values_at_known_points():
    assert losses.softmax_cross_entropy(np.zeros((4, 5)), np.arange(4)) == pytest.approx(np.log(5))
    assert losses.binary_cross_entropy(np.zeros((3, 1)), np.ones((3, 1))) == pytest.approx(
        np.log(2)
    )
    assert losses.mse(np.ones((2, 2)), np.zeros((2, 2))) == 1.0
    huge = np.array([[1e4, -1e4]])  # e^1e4 overflows unless the maximum is subtracted
    assert losses.softmax_cross_entropy(huge, np.array([0])) == 0.0
    assert np.isfinite(losses.softmax_cross_entropy(huge, np.array([1])))
    assert np.isfinite(losses.binary_cross_entropy(np.array([[-1e4]]), np.array([[1.0]])))


def test_targets_are_checked_with_clear_messages():
    assert losses.as_target("cross_entropy", [0, 2, 1], 3).dtype == np.int64
    assert losses.as_target("cross_entropy", np.array([[1.0], [0.0]]), 2).shape == (2,)
    with pytest.raises(ValueError, match="class numbers 0..2"):
        losses.as_target("cross_entropy", [0, 3], 3)
    with pytest.raises(ValueError, match="class numbers"):
        losses.as_target("cross_entropy", [0.5, 1], 3)
    with pytest.raises(ValueError, match=">= 2 outputs"):
        losses.as_target("cross_entropy", [0, 1], 1)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        losses.as_target("binary_cross_entropy", [[2.0]], 1)
    with pytest.raises(ValueError, match="loss must be one of"):
        losses.as_target("hinge", [[1.0]], 1)
    with pytest.raises(ValueError, match="3 columns but 1"):
        losses.as_target("mse", np.zeros((2, 3)), 1)


def test_accuracy_counts_argmax_or_sign():
    z = np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]])
    assert losses.accuracy("cross_entropy", z, np.array([0, 1, 1])) == pytest.approx(2 / 3)
    assert losses.accuracy("binary_cross_entropy", np.array([[1.0], [-1.0]]),
                           np.array([[1.0], [1.0]])) == 0.5  # fmt: skip


# ------------------------------------------------------------- the losses inside a KAN
def _blobs(n=40, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)  # (n,)
    centres = np.array([[-0.6, -0.6], [0.6, -0.6], [0.0, 0.6]])
    return centres[labels] + rng.normal(0.0, 0.15, (n, 2)), labels


@pytest.mark.parametrize("name", ["cross_entropy", "binary_cross_entropy"])
def test_network_gradient_of_a_classification_loss(name):
    x, labels = _blobs(12)
    model = kn.KAN([2, 2, 3], grid=3, k=3, seed=1)
    y = labels if name == "cross_entropy" else np.eye(3)[labels]  # (N,) or (N, 3)
    _, grads = model.loss_and_grad(x, y, loss=name)
    for l, pname in [(0, "coef"), (1, "scale_base")]:
        arr = getattr(model.layers[l], pname)
        numeric = numerical_gradient(lambda: model.loss_and_grad(x, y, loss=name)[0], arr)
        err = relative_error(grads[l][pname], numeric)
        assert err <= TOL, f"{name}, d{pname}[{l}]: {err:.1e}; " + worst_entry(
            grads[l][pname], numeric
        )


def test_fit_classifies_and_records_accuracy():
    x, labels = _blobs()
    model = kn.KAN([2, 3], grid=3, seed=0)
    history = model.fit((x, labels), loss="cross_entropy", steps=3, progress=False)
    assert set(history) == {"loss", "reg", "train_loss", "test_loss", "train_acc", "test_acc",
                            "seconds"}  # fmt: skip
    assert history["train_acc"][-1] == 1.0
    assert history["train_loss"][-1] < history["train_loss"][0]
    with pytest.raises(ValueError, match="class numbers 0..2"):
        model.fit((x, labels + 1), loss="cross_entropy", steps=1, progress=False)


@pytest.mark.parametrize("opt", ["adam", "lbfgs"])
def test_frozen_arrays_do_not_change_bit_for_bit(opt):
    x, labels = _blobs()
    y = np.sin(3 * x[:, :1])  # (N, 1)
    model = kn.KAN([2, 2, 1], grid=3, seed=0)
    before = {(l, n): a.copy() for l, n, a in model.parameters()}
    model.fit((x, y), opt=opt, steps=3, train=("coef", (1, "scale_base")), progress=False)
    for l, n, a in model.parameters():
        changed = not np.array_equal(a, before[l, n])
        assert changed == (n == "coef" or (l, n) == (1, "scale_base")), (l, n)
    frozen = kn.KAN([2, 2, 1], grid=3, seed=0)
    old_knots = [layer.knots.copy() for layer in frozen.layers]
    frozen.fit((x, y), opt=opt, steps=2, train="scale_sp", progress=False)
    for layer, old in zip(frozen.layers, old_knots, strict=True):
        np.testing.assert_array_equal(layer.knots, old)  # grid updates would refit coef
    with pytest.raises(ValueError, match="train must list parameter arrays"):
        model.fit((x, y), steps=1, train=("weights",), progress=False)
