"""The walk-through demo (kan_np.demo) runs every stage in fast mode and writes its figures."""

import re

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
