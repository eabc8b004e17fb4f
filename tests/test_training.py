"""Tests for kan_np.training.fit: accuracy, history, grid schedule, stopping, bad options.

The accuracy tests fit a [4, 4, 1] KAN to a smooth function of 4 variables that such a
KAN can represent exactly (exp of a sum of one-variable functions), and assert the test
RMSE, never a time. The label standard deviation is about 0.37, so RMSE < 1e-2 means the
function is learnt to about 3 %.
"""

import warnings

import numpy as np
import pytest

import kan_np.training as training
from kan_np import KAN, optim
from kan_np.datasets import create_dataset


def smooth_4d(x):
    """exp(0.5 sin(pi x1 / 2) + 0.25 x2^2 + 0.2 x3 - 0.2 cos(x4)): (N, 4) -> (N, 1)."""
    inner = 0.5 * np.sin(np.pi * x[:, [0]] / 2) + 0.25 * x[:, [1]] ** 2
    return np.exp(inner + 0.2 * x[:, [2]] - 0.2 * np.cos(x[:, [3]]))  # (N, 1)


@pytest.fixture(scope="module")
def ds4():
    return create_dataset(smooth_4d, n_var=4, n_train=500, n_test=500, seed=0)


@pytest.fixture(scope="module")
def ds2():
    f = lambda x: np.exp(np.sin(np.pi * x[:, [0]]) + x[:, [1]] ** 2)  # noqa: E731
    return create_dataset(f, n_var=2, n_train=200, n_test=100, seed=1)


def recorder():
    """A callback that keeps a copy of the parameters after every recorded step."""
    seen = []

    def callback(step, model, history):
        assert step == len(history["loss"]) - 1
        seen.append(model.get_flat())

    return seen, callback


# ------------------------------------------------------------------------------ accuracy
def test_lbfgs_learns_a_smooth_4d_function(ds4):
    model = KAN([4, 4, 1], grid=5, k=3, seed=0)
    history = model.fit(ds4, opt="lbfgs", steps=5, progress=False)
    assert history["test_rmse"][-1] < 1e-2  # measured 2.6e-3
    pred = model(ds4["test_input"])
    rmse = np.sqrt(np.mean((pred - ds4["test_label"]) ** 2))
    assert rmse == pytest.approx(history["test_rmse"][-1], rel=1e-12), "test RMSE mislabelled"


def test_adam_learns_a_smooth_4d_function(ds4):
    model = KAN([4, 4, 1], grid=5, k=3, seed=0)
    history = model.fit(ds4, opt="adam", steps=300, lr=0.02, progress=False)
    assert history["test_rmse"][-1] < 1e-2  # measured 5.8e-3
    assert history["test_rmse"][-1] < 0.05 * history["test_rmse"][0]


# ------------------------------------------------------------------------------- history
@pytest.mark.parametrize("opt", ["lbfgs", "adam"])
def test_history_has_one_entry_per_step(ds2, opt):
    model = KAN([2, 3, 1], grid=3, seed=0)
    history = model.fit(ds2, opt=opt, steps=7, progress=False)
    assert set(history) == {"loss", "reg", "train_rmse", "test_rmse", "seconds"}
    assert all(len(values) == 7 for values in history.values())
    assert all(np.isnan(history["reg"])), "lamb = 0: no penalty computed"
    assert all(s > 0 for s in history["seconds"])
    for key in ("train_rmse", "test_rmse"):
        assert all(np.isfinite(history[key]))
    pred = model(ds2["train_input"])
    train = np.sqrt(np.mean((pred - ds2["train_label"]) ** 2))
    assert history["train_rmse"][-1] == pytest.approx(train, rel=1e-10)


def test_lbfgs_loss_is_the_training_mse_after_the_step(ds2):
    model = KAN([2, 3, 1], grid=3, seed=0)
    history = model.fit(ds2, steps=4, progress=False)
    np.testing.assert_allclose(np.sqrt(history["loss"]), history["train_rmse"], rtol=1e-12)
    assert history["loss"][-1] < history["loss"][0]


@pytest.mark.parametrize("opt", ["lbfgs", "adam"])
def test_penalty_is_recorded_and_splits_the_loss(ds2, opt):
    model = KAN([2, 3, 1], grid=3, seed=0)
    history = model.fit(ds2, opt=opt, steps=3, lamb=1e-2, progress=False)
    assert all(np.isfinite(history["reg"])) and all(r > 0 for r in history["reg"])
    if opt == "lbfgs":  # loss and train RMSE are taken at the same parameters
        total = np.square(history["train_rmse"]) + 1e-2 * np.array(history["reg"])
        np.testing.assert_allclose(history["loss"], total, rtol=1e-10)
    reg_now = model.loss_and_grad(ds2["train_input"], ds2["train_label"], lamb=1.0)[0]
    assert reg_now > 0


def test_pykan_metric_options_reach_the_penalty(ds2):
    model = KAN([2, 3, 1], grid=3, seed=0)
    base = model.copy().fit(ds2, steps=1, lamb=1e-2, reg_metric="pykan", progress=False)
    heavy = model.copy().fit(ds2, steps=1, lamb=1e-2, reg_metric="pykan", lamb_l1=10.0,
                             progress=False)  # fmt: skip
    assert heavy["reg"][0] != pytest.approx(base["reg"][0], rel=1e-3)


def test_fit_sets_train_input_and_accepts_a_tuple(ds2):
    model = KAN([2, 3, 1], grid=3, seed=0)
    assert model.train_input is None
    model.fit((ds2["train_input"], ds2["train_label"]), steps=0, progress=False)
    np.testing.assert_array_equal(model.train_input, ds2["train_input"])
    refined = model.refine(6)  # uses train_input
    assert refined.grid == 6


def test_zero_steps_changes_nothing(ds2):
    model = KAN([2, 3, 1], grid=3, seed=0)
    before = model.get_flat()
    history = model.fit(ds2, steps=0, progress=False)
    assert all(len(v) == 0 for v in history.values())
    np.testing.assert_array_equal(model.get_flat(), before)


def test_callback_returning_true_stops(ds2):
    model = KAN([2, 3, 1], grid=3, seed=0)
    history = model.fit(ds2, opt="adam", steps=50, progress=False,
                        callback=lambda step, m, h: step == 4)  # fmt: skip
    assert len(history["loss"]) == 5


# ---------------------------------------------------------------------- grids and batches
@pytest.mark.parametrize(
    ("steps", "options", "expected"),
    [
        (50, {}, [0, 5, 10, 15, 20, 25, 30, 35, 40, 45]),  # pykan's schedule
        (12, {}, [0, 5, 10]),
        (30, {"stop_grid_update_step": 20, "grid_update_num": 2}, [0, 10]),
        (6, {"stop_grid_update_step": 3, "grid_update_num": 10}, [0, 1, 2]),  # every step
        (12, {"update_grid": False}, []),
    ],
)
def test_grid_update_schedule(ds2, monkeypatch, steps, options, expected):
    done, at = [0], []  # steps recorded so far; the step at which each update ran
    original = KAN.update_grid

    def spy(self, x=None, grid_eps=0.02, margin=0.01):
        assert x is ds2["train_input"], "grid updates use all training inputs"
        at.append(done[0])
        return original(self, x, grid_eps, margin)

    def count(step, model, history):
        done[0] = step + 1

    monkeypatch.setattr(KAN, "update_grid", spy)
    model = KAN([2, 3, 1], grid=3, seed=0)
    model.fit(ds2, opt="adam", steps=steps, batch=64, progress=False, callback=count, **options)
    assert at == expected


def test_lbfgs_runs_one_call_between_grid_updates(ds2, monkeypatch):
    calls = []
    original = optim.lbfgs

    def spy(fun, theta0, maxiter=20, **kwargs):
        calls.append(maxiter)
        return original(fun, theta0, maxiter=maxiter, **kwargs)

    monkeypatch.setattr(optim, "lbfgs", spy)
    KAN([2, 3, 1], grid=3, seed=0).fit(ds2, steps=12, progress=False)
    assert calls == [100, 100, 40]  # steps 0-4, 5-9 (grid updates at 0, 5, 10), then 10-11
    calls.clear()
    KAN([2, 3, 1], grid=3, seed=0).fit(ds2, steps=3, batch=50, progress=False)
    assert calls == [20, 20, 20]  # minibatches: one call (and one batch) per step


@pytest.mark.parametrize("option, carried", [("reset", False), ("keep", True)])
def test_lbfgs_memory_option_carries_the_pairs_over_grid_updates(ds2, monkeypatch, option, carried):
    held = []  # pairs held when each call starts, and the memory passed
    original = optim.lbfgs

    def spy(fun, theta0, memory=None, **kwargs):
        held.append((memory.n, memory))
        return original(fun, theta0, memory=memory, **kwargs)

    monkeypatch.setattr(optim, "lbfgs", spy)
    KAN([2, 3, 1], grid=3, seed=0).fit(ds2, steps=12, lbfgs_memory=option, progress=False)
    assert len(held) == 3  # grid updates at steps 0, 5 and 10
    assert [n > 0 for n, _ in held] == [False, carried, carried]
    assert len({id(memory) for _, memory in held}) == 1  # one Pairs per fit, cleared or not


def test_lbfgs_memory_must_be_reset_or_keep(ds2):
    with pytest.raises(ValueError, match=r"lbfgs_memory must be one of \['reset', 'keep'\]"):
        KAN([2, 3, 1], grid=3, seed=0).fit(ds2, steps=1, lbfgs_memory="forget", progress=False)


def test_minibatches_are_seeded(ds2):
    def losses(**options):
        model = KAN([2, 3, 1], grid=3, seed=0)
        return model.fit(ds2, opt="adam", steps=5, progress=False, **options)["loss"]

    runs = [losses(batch=32, seed=s) for s in (3, 3, 4)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    assert losses(batch=10**6) == losses(), "a batch larger than N is the full set"


# ---------------------------------------------------------------- divergence and Ctrl-C
def test_adam_with_a_huge_lr_stops_with_finite_parameters(ds2):
    model = KAN([2, 3, 1], grid=3, seed=0)
    start = model.get_flat()
    # Adam moves every parameter by about lr: 1e120 overflows the squared error at once
    with pytest.warns(RuntimeWarning, match="NaN or infinite.*had before fit"):
        history = model.fit(ds2, opt="adam", lr=1e120, steps=20, progress=False)
    assert len(history["loss"]) == 0
    np.testing.assert_array_equal(model.get_flat(), start)


def test_divergence_after_some_steps_restores_the_last_recorded_ones(ds2):
    model = KAN([2, 3, 1], grid=3, seed=0)
    seen = []

    def blow_up(step, m, history):  # the parameters after step 3 make the loss overflow
        seen.append(m.get_flat())
        if step == 3:
            m.set_flat(1e200 * m.get_flat())

    with pytest.warns(RuntimeWarning, match="NaN or infinite.*of the last one"):
        history = model.fit(ds2, opt="adam", steps=20, progress=False, callback=blow_up)
    assert len(history["loss"]) == 4
    assert all(np.isfinite(history[key]).all() for key in ("loss", "train_rmse", "test_rmse"))
    np.testing.assert_array_equal(model.get_flat(), seen[-1])


@pytest.mark.parametrize("nan_from", [0, 50])
def test_lbfgs_stops_when_every_loss_becomes_nan(ds2, monkeypatch, nan_from):
    model = KAN([2, 3, 1], grid=3, seed=0)
    start = model.get_flat()
    original = model.loss_terms
    count = [0]

    def broken(*args, **kwargs):
        count[0] += 1
        terms = original(*args, **kwargs)
        return terms._replace(total=np.nan) if count[0] > nan_from else terms

    monkeypatch.setattr(model, "loss_terms", broken)
    seen, callback = recorder()
    with pytest.warns(RuntimeWarning, match="no point with a finite loss"):
        history = model.fit(ds2, steps=10, update_grid=False, progress=False,
                            callback=callback)  # fmt: skip
    assert len(history["loss"]) == len(seen) < 10
    assert np.all(np.isfinite(model.get_flat()))
    np.testing.assert_array_equal(model.get_flat(), seen[-1] if seen else start)


def test_lbfgs_recovers_from_a_few_nan_trial_points(ds2, monkeypatch):
    model = KAN([2, 3, 1], grid=3, seed=0)
    original = model.loss_terms
    count = [0]

    def flaky(*args, **kwargs):
        count[0] += 1
        terms = original(*args, **kwargs)
        return terms._replace(total=np.inf) if count[0] in (10, 11, 30) else terms

    monkeypatch.setattr(model, "loss_terms", flaky)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # recovering is silent
        history = model.fit(ds2, steps=4, progress=False)
    assert len(history["loss"]) == 4 and all(np.isfinite(history["loss"]))
    assert history["loss"][-1] < history["loss"][0]


@pytest.mark.parametrize("opt", ["lbfgs", "adam"])
def test_ctrl_c_in_a_callback_returns_the_history(ds2, opt):
    model = KAN([2, 3, 1], grid=3, seed=0)
    seen = []

    def callback(step, m, history):
        seen.append(m.get_flat())
        if step == 2:
            raise KeyboardInterrupt

    with pytest.warns(RuntimeWarning, match="interrupted"):
        history = model.fit(ds2, opt=opt, steps=10, progress=False, callback=callback)
    assert len(history["loss"]) == 3
    if opt == "adam":
        np.testing.assert_array_equal(model.get_flat(), seen[-1])
    loss = model.loss_and_grad(ds2["train_input"], ds2["train_label"])[0]
    assert loss <= history["loss"][-1] * (1 + 1e-12) if opt == "lbfgs" else np.isfinite(loss)


def test_ctrl_c_inside_lbfgs_keeps_the_best_point(ds2, monkeypatch):
    model = KAN([2, 3, 1], grid=3, seed=0)
    original = model.loss_terms
    count = [0]

    def interrupted(*args, **kwargs):
        count[0] += 1
        if count[0] == 60:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    monkeypatch.setattr(model, "loss_terms", interrupted)
    with pytest.warns(RuntimeWarning, match="interrupted"):
        history = model.fit(ds2, steps=10, update_grid=False, progress=False)
    monkeypatch.undo()
    assert 1 <= len(history["loss"]) < 10
    loss = model.loss_and_grad(ds2["train_input"], ds2["train_label"])[0]
    assert loss <= history["loss"][-1], "the best point seen is at least the last recorded"


# ------------------------------------------------------------------ progress and options
def test_progress_false_prints_nothing(ds2, capsys):
    KAN([2, 3, 1], grid=3, seed=0).fit(ds2, opt="adam", steps=3, progress=False)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_progress_bar_goes_to_stderr(ds2, capsys):
    KAN([2, 3, 1], grid=3, seed=0).fit(ds2, opt="adam", steps=3, progress=True)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "3/3" in captured.err and "test_rmse" in captured.err


@pytest.mark.parametrize(
    ("options", "error", "match"),
    [
        ({"step": 5}, ValueError, r"unknown fit option.*'step'.*steps"),
        ({"loss_fn": None}, ValueError, r"unknown fit option.*loss_fn"),
        ({"mu_1": 1.0, "reg_metric": "pykan"}, ValueError, r"unknown fit option.*mu_1"),
        ({"reg_metric": "l2"}, ValueError, "reg_metric"),
        ({"opt": "sgd"}, ValueError, "opt must be 'lbfgs' or 'adam'"),
        ({"steps": -1}, ValueError, "steps must be >= 0"),
        ({"steps": 2.5}, TypeError, "steps must be an integer"),
        ({"opt": "adam", "lr": 0}, ValueError, "lr must be > 0"),
        ({"opt": "adam", "lr": -1.0}, ValueError, "lr"),
        ({"opt": "lbfgs", "lr": 0.1}, ValueError, "line search"),
        ({"batch": 0}, ValueError, "batch must be -1"),
        ({"batch": -2}, ValueError, "batch must be >= -1"),
        ({"lamb": -1.0}, ValueError, "lamb"),
        ({"grid_eps": 1.5}, ValueError, "grid_eps"),
        ({"grid_update_num": 0}, ValueError, "grid_update_num"),
        ({"callback": 3}, TypeError, "callback"),
    ],
)
def test_bad_options_are_refused(ds2, options, error, match):
    model = KAN([2, 3, 1], grid=3, seed=0)
    before = model.get_flat()
    with pytest.raises(error, match=match):
        model.fit(ds2, progress=False, **options)
    np.testing.assert_array_equal(model.get_flat(), before)


def test_pykan_spellings_of_the_optimiser_work(ds2):
    history = KAN([2, 3, 1], grid=3, seed=0).fit(ds2, opt="LBFGS", steps=1, lr=1,
                                                 progress=False)  # fmt: skip
    assert len(history["loss"]) == 1
    assert len(training.fit(KAN([2, 3, 1], grid=3), ds2, opt="Adam", steps=1,
                            progress=False)["loss"]) == 1  # fmt: skip


def test_data_that_does_not_fit_the_model_is_refused(ds2):
    with pytest.raises(ValueError, match="columns"):
        KAN([3, 1], grid=3).fit(ds2, progress=False)
    with pytest.raises(ValueError, match="train_label"):
        KAN([2, 2], grid=3).fit(ds2, progress=False)
