"""The walk-through demo (kan_np.demo) runs every stage in fast mode and writes its figures."""

import re

import pytest

from kan_np import demo

STAGES = ("1 train", "2 prune", "3 grid 3 -> 5, train", "4 snap", "5 train a, b, c, d")


def test_fast_demo_runs_every_stage(tmp_path):
    lines = []
    rows, formula = demo.walkthrough(out=tmp_path / "figs", fast=True, seed=0, print=lines.append)
    text = "\n".join(lines)
    for stage in STAGES:
        row = next((line for line in lines if line.startswith(stage)), None)
        assert row is not None, f"stage {stage!r} not printed:\n{text}"
        # width, train RMSE, test RMSE, seconds
        assert re.search(
            r"\[2, \d, 1\] +\d\.\d{3}e[-+]\d\d +\d\.\d{3}e[-+]\d\d +\d+\.\d\d$", row
        ), row
    assert re.search(r"edge \(1,0,0\) -> \w+", text)
    assert f"formula: {formula}" in lines
    assert [row.stage for row in rows] == [row.split("  ")[0] for row in lines if row[0].isdigit()]
    assert rows[0].width == [2, 5, 1] and all(row.seconds >= 0 for row in rows)
    assert {str(s) for s in formula.free_symbols} <= {"x_1", "x_2"}
    for name in ("1_trained.png", "2_pruned.png", "3_symbolic.png"):
        assert (tmp_path / "figs" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name


def test_run_passes_its_arguments_on_and_returns_0(monkeypatch):
    calls = []
    monkeypatch.setattr(demo, "walkthrough", lambda *args: calls.append(args))
    assert demo.run(out="somewhere", fast=True, seed=3, print=print) == 0
    assert calls == [("somewhere", True, 3, print)]


def test_standardise_then_unstandardise_maps_back_exactly():
    import numpy as np

    import kan_np as kn

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (60, 2))  # (N, 2)
    ds = {"train_input": x, "train_label": 5 + 3 * x[:, :1], "test_input": x[:10],
          "test_label": 5 + 3 * x[:10, :1]}  # fmt: skip
    scaled, mean, std = demo.standardise(ds)
    assert (
        abs(scaled["train_label"].mean()) < 1e-12 and abs(scaled["train_label"].std() - 1) < 1e-12
    )
    model = kn.KAN([2, 1, 1], seed=0)
    model.fix_symbolic(0, 0, 0, "x", fit_params=False)
    model.fix_symbolic(0, 1, 0, "sin", fit_params=False)
    with pytest.raises(ValueError, match=r"last layer's edges \[\(0, 0\)\] are numeric"):
        demo.unstandardise(model, mean, std)
    model.fix_symbolic(1, 0, 0, "tanh", fit_params=False)
    before = model(x)  # (N, 1)
    demo.unstandardise(model, mean, std)
    np.testing.assert_allclose(model(x), mean + std * before, rtol=1e-14)
