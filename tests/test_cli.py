"""The `kan-np` command line, run in-process through `main([...])` (plus one subprocess)."""

import os
import re
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import kan_np as kn
from kan_np import cli, formula, io

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "kan_np" / "data" / "example.csv"


def write_csv(path, header, rows):
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def data_csv(tmp_path):
    return sample_csv(tmp_path / "data.csv")


def sample_csv(path):
    """40 rows of y = sin(pi a) + b^2 with an unused column c in the middle."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (40, 3))  # (N, 3)
    y = np.sin(np.pi * x[:, 0]) + x[:, 2] ** 2  # (N,)
    rows = [
        [f"{a:.6f}", f"{c:.6f}", f"{b:.6f}", f"{t:.6f}"] for (a, c, b), t in zip(x, y, strict=True)
    ]
    return write_csv(path, ["a", "c", "b", "y"], rows)


def run(capsys, *argv):
    """(exit status, stdout, stderr) of `kan-np argv...`."""
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def rmse_of(text, which):
    return float(re.findall(rf"{which} RMSE ([0-9.e+-]+)", text)[-1])


FAST = ("--opt", "adam", "--steps", "3", "--quiet")


# ------------------------------------------------------------------------------- fit
def test_fit_trains_reports_and_saves(capsys, tmp_path, data_csv):
    out_file = tmp_path / "m.npz"
    status, out, err = run(capsys, "fit", data_csv, *FAST, "--out", out_file)
    assert status == 0, err
    assert "32 train, 8 test" in out and "inputs a, c, b -> target y" in out
    assert "width [3, 5, 1]" in out  # inferred: [n_features, 5, 1]
    model = io.load(out_file)
    assert model.width == [3, 5, 1]
    assert model.input_names == ["a", "c", "b"] and model.output_names == ["y"]
    assert model.train_input.shape == (32, 3)
    # the printed RMSE is the saved model's, on the split the command made
    names, data = cli.read_csv(data_csv)
    ds, _ = cli.make_dataset(names, data, "y", 0.2, 0)
    for part, label in (("test", "test"), ("train", "train")):
        pred = io.predict(model, ds[f"{part}_input"])
        rmse = np.sqrt(np.mean((pred - ds[f"{part}_label"]) ** 2))
        assert rmse_of(out, label) == pytest.approx(rmse, rel=1e-3)
    assert np.array_equal(np.sort(model.train_input, axis=0), np.sort(ds["train_input"], axis=0))


def test_fit_options(capsys, tmp_path, data_csv):
    out_file = tmp_path / "m.npz"
    argv = ("fit", data_csv, *FAST, "--target", "b", "--width", "3,4,1", "--grid", "3")
    status, out, err = run(capsys, *argv, "--k", "2", "--normalize", "--out", out_file)
    assert status == 0, err
    assert "inputs a, c, y -> target b" in out
    model = io.load(out_file)
    assert model.width == [3, 4, 1] and model.grid == 3 and model.k == 2
    assert sorted(model.normalization) == ["mean_input", "mean_label", "std_input", "std_label"]
    # the model saw standardised training inputs
    np.testing.assert_allclose(model.train_input.mean(axis=0), 0.0, atol=1e-12)
    status, out, _ = run(capsys, "fit", data_csv, *FAST, "--test-fraction", "0", "--out", out_file)
    assert status == 0 and "40 train, test = train" in out
    assert rmse_of(out, "train") == rmse_of(out, "test")


def test_fit_prune(capsys, tmp_path, data_csv):
    out_file = tmp_path / "m.npz"
    argv = ("fit", data_csv, *FAST, "--lamb", "0.05", "--prune")
    status, out, err = run(capsys, *argv, "--out", out_file)
    assert status == 0, err
    pruned = re.search(r"prune +width \[3, 5, 1\] -> (\[.*\])", out)
    assert pruned and "refit" in out
    assert str(io.load(out_file).width) == pruned.group(1)


def test_fit_symbolic_prints_a_formula(capsys, tmp_path, data_csv):
    out_file = tmp_path / "m.npz"
    argv = ("fit", data_csv, *FAST, "--width", "3,1", "--symbolic", "--out", out_file)
    status, out, err = run(capsys, *argv, "--lib", "x, x^2, sin, tanh", "--digits", "3")
    assert status == 0, err  # spaces after the commas of --lib are fine
    assert re.search(r"formula +y = ", out)
    assert "check     formula vs model on 32 training inputs: max relative error" in out
    status, out, err = run(capsys, "formula", out_file)
    assert status == 0, err
    assert out.startswith("y = ") and "check formula vs model" in out


def test_formula_of_a_normalised_model_is_in_the_data_units(capsys, tmp_path, data_csv):
    import sympy

    out_file = tmp_path / "m.npz"
    argv = ("fit", data_csv, *FAST, "--width", "3,1", "--normalize", "--symbolic")
    status, out, err = run(capsys, *argv, "--lib", "x,x^2,sin,tanh", "--out", out_file)
    assert status == 0, err
    model = io.load(out_file)
    names, data = cli.read_csv(data_csv)
    x = data[:, :3]  # (N, 3) raw columns a, c, b
    [(name, expr)], _ = formula.in_data_units(model, digits=None)
    by_name = {s.name: s for s in expr.free_symbols}
    symbols = [by_name.get(n, sympy.Symbol(n)) for n in ("a", "c", "b")]
    values = sympy.lambdify(symbols, expr, "numpy")(*x.T) * np.ones(len(x))  # (N,)
    assert name == "y"
    np.testing.assert_allclose(values, io.predict(model, x)[:, 0], rtol=1e-9, atol=1e-9)


def test_example_csv_is_shipped_and_fits(capsys, tmp_path):
    names, data = cli.read_csv(EXAMPLE)
    assert names == ["x1", "x2", "y"] and data.shape == (200, 3)
    np.testing.assert_allclose(data[:, 2], np.exp(np.sin(np.pi * data[:, 0]) + data[:, 1] ** 2),
                               rtol=1e-5)  # fmt: skip
    status, out, err = run(capsys, "fit", EXAMPLE, *FAST, "--out", tmp_path / "m.npz")
    assert status == 0, err


# ------------------------------------------------------------------- plot, formula
def test_plot_writes_an_image(capsys, tmp_path, data_csv):
    model_file = tmp_path / "m.npz"
    assert run(capsys, "fit", data_csv, *FAST, "--out", model_file)[0] == 0
    status, out, err = run(capsys, "plot", model_file, "-o", tmp_path / "net.png")
    assert status == 0, err
    assert (tmp_path / "net.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    status, out, err = run(capsys, "plot", model_file, "--title", "t")  # default name
    assert status == 0 and (tmp_path / "m.png").exists()


def test_plot_needs_stored_training_inputs(capsys, tmp_path):
    io.save(kn.KAN([2, 1], seed=0), tmp_path / "m.npz")  # never fitted: no training inputs
    status, out, err = run(capsys, "plot", tmp_path / "m.npz")
    assert status == 2 and "holds no training inputs" in err and err.count("\n") == 1


def symbolic_model():
    """[2, 1] with edges 2 sin(x1) + 1 and 3 x2^2 (splines switched off)."""
    model = kn.KAN([2, 1], seed=0)
    layer = model.layers[0]
    layer.mask[...] = 0.0
    layer.symbolic = {(0, 0): "sin", (1, 0): "x^2"}
    layer.affine[0, 0] = [1.0, 0.0, 2.0, 1.0]
    layer.affine[1, 0] = [1.0, 0.0, 3.0, 0.0]
    model.output_names = ["y"]
    return model


def test_formula_of_a_symbolic_model(capsys, tmp_path):
    io.save(symbolic_model(), tmp_path / "s.npz")
    status, out, err = run(capsys, "formula", tmp_path / "s.npz")
    assert status == 0, err
    assert out.startswith("y = ") and "sin" in out


def test_formula_refuses_numeric_edges(capsys, tmp_path):
    io.save(kn.KAN([2, 3, 1], seed=0), tmp_path / "m.npz")
    status, out, err = run(capsys, "formula", tmp_path / "m.npz")
    assert status == 1 and out == ""
    assert "9 numeric (spline) edges of 9" in err and "--symbolic" in err
    assert err.count("\n") == 1


# ---------------------------------------------------------------------------- demo
def test_demo_calls_the_walkthrough(capsys, monkeypatch, tmp_path):
    calls = []
    fake = types.ModuleType("kan_np.demo")
    fake.run = lambda out="kan_demo", fast=False, seed=0: calls.append((out, fast, seed)) or 0
    monkeypatch.setitem(sys.modules, "kan_np.demo", fake)
    monkeypatch.setattr(kn, "demo", fake, raising=False)
    assert cli.main(["demo", "--out", str(tmp_path), "--fast"]) == 0
    assert cli.main(["demo"]) == 0
    assert calls == [(str(tmp_path), True, 0), ("kan_demo", False, 0)]


# ------------------------------------------------------------------------------ help
@pytest.mark.parametrize("command", [[], ["demo"], ["fit"], ["plot"], ["formula"]])
def test_every_command_has_help(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: kan-np") and "Exit status" in out


def test_python_dash_m_help():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "kan_np", "--help"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert all(word in done.stdout for word in ("demo", "fit", "plot", "formula"))


# ------------------------------------------------------------------------- bad input
GOOD = [["0.1", "0.2", "0.3"]] * 12


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ([["a", "b", "y"], *GOOD], ["--target", "z"], "no column 'z'; columns: a, b, y"),
        (
            [["a", "b", "y"], *GOOD[:5], ["0.1", "abc", "1"], *GOOD],
            [],
            r"line 7 \(data row 6\), column 'b': 'abc' is not a number",
        ),
        ([["a", "b", "y"], *GOOD, ["0.1", "", "1"]], [], r"data row 13\), column 'b': empty cell"),
        ([["a", "b", "y"], *GOOD, ["nan", "1", "1"]], [], "column 'a': 'nan' is not a finite"),
        ([["a", "b", "y"], *GOOD, ["1", "1", "-inf"]], [], "column 'y': '-inf' is not a finite"),
        ([["a", "b", "y"], *GOOD, ["1", "1"]], [], "line 14 .* has 2 cells, not 3"),
        ([["a", "b", "y"], *GOOD[:4]], [], "only 4 data rows; kan-np fit needs at least 10"),
        ([["a", "b", "y"]], [], "only 0 data rows"),
        ([["a;b;y"], ["1;2;3"]], [], "single column 'a;b;y' .*';'-separated"),
        ([["a", "a", "y"], *GOOD], [], "names column 'a' twice"),
        ([["a", "", "y"], *GOOD], [], "header column 2 has no name"),
        ([["a", "b", "y"], *GOOD], ["--width", "3,5,1"], r"must start with 2 .*got \[3, 5, 1\]"),
        ([["a", "b", "y"], *GOOD], ["--width", "2,5,2"], "end with 1"),
        ([["a", "b", "y"], *GOOD], ["--test-fraction", "1.5"], r"must be in \[0, 1\)"),
        ([["a", "b", "y"], *GOOD], ["--normalize"], "column 'a' is constant"),
        ([["a", "b", "y"], *GOOD], ["--grid", "0"], "grid .* must be >= 1, got 0"),
        ([["a", "b", "y"], *GOOD], ["--k", "0"], r"k \(spline order\) must be >= 1"),
        ([["a", "b", "y"], *GOOD], ["--steps", "-1"], "steps must be >= 0"),
        ([["a", "b", "y"], *GOOD], ["--seed", "-1"], "--seed must be >= 0"),
        ([["a", "b", "y"], *GOOD], ["--out", "no/such/m.npz"], "no folder"),
    ],
)
def test_fit_rejects_bad_csv_files_in_one_line(capsys, tmp_path, content, args, message):
    path = write_csv(tmp_path / "bad.csv", content[0], content[1:])
    status, out, err = run(capsys, "fit", path, "--quiet", "--out", tmp_path / "m.npz", *args)
    assert status == 2
    assert err.startswith("kan-np fit: error: ") and err.count("\n") == 1, err
    assert re.search(message, err), err
    assert not (tmp_path / "m.npz").exists()


def test_fit_rejects_unreadable_files(capsys, tmp_path):
    cases = {
        "missing.csv": (None, "No such file"),
        "empty.csv": (b"", "is empty"),
        "binary.csv": (b"\xff\xfe\x00\x81\x00PK\x03\x04", "not a UTF-8 text file"),
        "nul.csv": (b"a,b,y\n1,2\x00,3\n", "'2\\x00' is not a number"),
    }
    for name, (content, message) in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        status, _, err = run(capsys, "fit", tmp_path / name, "--quiet")
        assert status == 2 and message in err and err.count("\n") == 1, err


def test_fit_rejects_bad_arguments(capsys, data_csv):
    for argv in (["--opt", "sgd"], ["--width", "2,x,1"], ["--steps", "many"]):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["fit", str(data_csv), *argv])
        assert exit_info.value.code == 2
        assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["plot", "formula"])
def test_model_commands_reject_bad_model_files(capsys, tmp_path, data_csv, command):
    np.savez(tmp_path / "other.npz", w=np.ones(2))
    good = tmp_path / "good.npz"
    io.save(symbolic_model(), good)
    (tmp_path / "cut.npz").write_bytes(good.read_bytes()[:100])
    cases = {
        data_csv: "not a .npz file",
        tmp_path / "missing.npz": "no such model file",
        tmp_path / "other.npz": "not a kan_np model",
        tmp_path / "cut.npz": "damaged",
    }
    for path, message in cases.items():
        status, out, err = run(capsys, command, path)
        assert status == 2 and out == ""
        assert err.startswith(f"kan-np {command}: error: ") and message in err
        assert err.count("\n") == 1 and "Traceback" not in err
