"""The paper-reproduction scripts (benchmarks/paper/) run end to end in their --smoke mode.

Each script's `main(argv)` is called in-process with --smoke (a few steps on small data:
the numbers are meaningless, the plumbing is what is tested) and --out a temporary folder.
The checks: every expected row is printed, every number in it is finite, and the figure
is a PNG file.
"""

import math
import re

import numpy as np
import pytest

from benchmarks.paper import (
    common,
    composed,
    continual_learning,
    feynman,
    interpretability,
    special_functions,
    step_time,
    toy_scaling,
)
from kan_np.datasets import TOY_FUNCTIONS

PNG = b"\x89PNG"
SCI = re.compile(r"-?\d\.\d+e[+-]\d+")  # common.sci's format


def numbers(row):
    """The cells of a printed row written like 1.23e-04 (`common.sci`), as floats."""
    return [float(cell) for cell in row if isinstance(cell, str) and SCI.fullmatch(cell)]


def assert_png(paths, tmp_path):
    for path in paths:
        assert path.parent == tmp_path and path.read_bytes()[:4] == PNG


def run(module, tmp_path, capsys):
    out = module.main(["--smoke", "--out", str(tmp_path)])
    return out, capsys.readouterr().out


def test_toy_scaling_smoke(tmp_path, capsys):
    out, text = run(toy_scaling, tmp_path, capsys)
    assert {row[0] for row in out["rows"]} == set(TOY_FUNCTIONS)
    assert len(out["rows"]) == 2 * len(TOY_FUNCTIONS)  # two grids each in smoke mode
    for row in out["rows"]:
        values = numbers(row)
        assert len(values) == 4 and all(math.isfinite(v) and v >= 0 for v in values)
    for name in TOY_FUNCTIONS:
        assert name in text
    assert "RMSE slope" in text and "MLP baselines" in text
    assert_png(out["figures"], tmp_path)


def test_special_functions_smoke(tmp_path, capsys):
    out, text = run(special_functions, tmp_path, capsys)
    assert [row[0] for row in out["rows"]] == list(special_functions.PAPER)
    for row in out["rows"]:
        values = numbers(row)
        # paper and ours for min and best shape and the MLP (+ the ratio when it is large)
        assert len(values) >= 6 and all(math.isfinite(v) and v > 0 for v in values)
    assert 0 <= out["n_min_below"] <= 15 and 0 <= out["n_best_within"] <= 15
    assert "of 15" in text
    assert_png(out["figures"], tmp_path)


def test_feynman_smoke(tmp_path, capsys):
    out, text = run(feynman, tmp_path, capsys)
    assert [row[0] for row in out["rows"]] == list(feynman.EQUATIONS)
    assert len(out["rows"]) >= 10
    for row in out["rows"]:
        values = numbers(row)
        assert len(values) == 3 and all(math.isfinite(v) for v in values)
    formulas = [r for r in out["results"] if "formula" in r]
    assert {r["name"] for r in formulas} == set(feynman.SYMBOLIC)
    assert all(math.isfinite(r["formula_rmse"]) for r in formulas)
    assert text.count("-> ") == len(feynman.SYMBOLIC)
    # every row against paper Table 2: ours and the paper's for pruned, unpruned, MLP
    assert [row[0] for row in out["compared"]] == list(feynman.EQUATIONS)
    assert all(len(numbers(row)) == 6 for row in out["compared"])
    n, worse = len(feynman.EQUATIONS), out["worse"]
    assert f"of {n}: pruned KAN {worse['pruned']}, unpruned KAN {worse['unpruned']}" in text
    assert_png(out["figures"], tmp_path)


def test_feynman_paper_table_and_options():
    assert feynman.PAPER["I.6.2"]["pruned_rmse"] == 2.86e-5
    assert feynman.PAPER["III.17.37"]["pruned_lowest"] == "[3,3,1]"
    argv = ["--smoke", "--equations", "I.16.6", "--ranges=-0.8,0.8,-0.8,0.8", "--grids", "3,5",
            "--steps", "2", "--lambs", "1e-3", "--mlp-steps", "3", "--start", "2,3,1"]  # fmt: skip
    _, mode, cfg, names = feynman.options(argv)
    assert (mode, names, cfg["grids"], cfg["steps"]) == ("smoke", ["I.16.6"], (3, 5), 2)
    assert (cfg["lambs"], cfg["mlp_steps"], cfg["start"]) == ((1e-3,), 3, [2, 3, 1])
    assert cfg["ranges"] == [(-0.8, 0.8), (-0.8, 0.8)]
    assert feynman.SETTINGS["smoke"]["grids"] == (3,)  # the defaults are not changed
    with pytest.raises(ValueError, match="I.99"):
        feynman.options(["--equations", "I.99"])


def test_continual_learning_smoke(tmp_path, capsys):
    out, text = run(continual_learning, tmp_path, capsys)
    assert [row[0] for row in out["rows"]] == ["KAN, all"] * 2 + ["KAN, coef"] * 2 + ["MLP"] * 2
    for row in out["rows"]:
        values = numbers(row)
        assert len(values) == 5 and all(math.isfinite(v) for v in values)
    assert "region 5" in text
    assert_png(out["figures"], tmp_path)


def test_step_time_smoke(capsys, tmp_path):
    out, text = run(step_time, tmp_path, capsys)
    for row in out["rows"]:
        kan_params, mlp_params = row[1], row[3]
        assert abs(kan_params - mlp_params) <= 0.05 * kan_params  # comparable sizes
        assert float(row[-1]) > 0
    assert "KAN/MLP" in text


def test_composed_smoke(capsys):
    out = composed.main(["--smoke"])
    text = capsys.readouterr().out
    assert [row[0] for row in out["rows"]] == list(composed.SETTINGS["smoke"]["functions"])
    for res in out["results"]:
        assert res["pruned"][0] == 2 and res["pruned"][-1] == 1
        assert math.isfinite(res["rmse"]) and res["formula"]
    assert "composed: " in text and "functions recovered exactly" in text


def test_interpretability_smoke(capsys):
    out = interpretability.main(["--smoke"])
    text = capsys.readouterr().out
    assert [row[0] for row in out["rows"]] == ["d exp(J0(20x)+y^2)"]
    assert "J0" in out["results"][0]["lib"]  # the added library function was a candidate
    assert [row[0] for row in out["extra"]] == ["c digit", "4.2 unsupervised"]
    assert all(0 <= float(row[2]) <= 1 for row in out["extra"])
    assert "spikes peak at" in text and "group {" in text


def test_common_helpers():
    x = np.array([1.0, 2.0, 4.0, 8.0])
    assert common.loglog_slope(x, 3.0 * x**-4.0) == pytest.approx(-4.0)
    ds = {
        "train_input": np.array([[0.0, 10.0], [2.0, 30.0]]),
        "test_input": np.array([[1.0, 20.0]]),
    }
    scaled = common.unit_box(ds, [(0, 2), (10, 30)])
    np.testing.assert_allclose(scaled["train_input"], [[-1, -1], [1, 1]])
    np.testing.assert_allclose(scaled["test_input"], [[0, 0]])
    text = common.table(["a", "bb"], [["1", "2"], ["333", "4"]])
    assert text.splitlines()[1] == "---  --"
    assert common.sci(float("nan")) == "-" and common.sci(1234.5) == "1.23e+03"
