"""`kan-np predict` and `kan-np fit --task classify` (issue 14.5), run in-process."""

import numpy as np
import pytest

from kan_np import cli, io


@pytest.fixture
def csv_file(tmp_path):
    """120 rows: inputs a, b, c and a class column (0, 1, 2) that depends on a, b, c."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (120, 3))
    label = (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 0.5)
    path = tmp_path / "data.csv"
    rows = [",".join(f"{v:.6f}" for v in r) + f",{c}" for r, c in zip(x, label, strict=True)]
    path.write_text("a,b,c,label\n" + "\n".join(rows) + "\n")
    return path


def test_fit_classify_then_predict_classes(csv_file, tmp_path, capsys):
    model_file, out = tmp_path / "m.npz", tmp_path / "p.csv"
    args = ["fit", str(csv_file), "--task", "classify", "--steps", "4", "--grid", "3",
            "--normalize", "--quiet", "--out", str(model_file)]  # fmt: skip
    assert cli.main(args) == 0
    printed = capsys.readouterr().out
    assert "train accuracy" in printed and "width [3, 5, 3]" in printed
    assert io.load(model_file).classes == [0.0, 1.0, 2.0]
    assert cli.main(["predict", str(model_file), str(csv_file), "-o", str(out)]) == 0
    lines = out.read_text().splitlines()
    assert lines[0] == "label" and len(lines) == 121 and set(lines[1:]) <= {"0", "1", "2"}


def test_predict_uses_stored_normalisation_and_columns(csv_file, tmp_path, capsys):
    model_file = tmp_path / "r.npz"
    args = ["fit", str(csv_file), "--target", "c", "--steps", "2", "--grid", "3",
            "--normalize", "--quiet", "--out", str(model_file)]  # fmt: skip
    assert cli.main(args) == 0
    capsys.readouterr()
    assert cli.main(["predict", str(model_file), str(csv_file)]) == 0
    printed = capsys.readouterr().out.splitlines()
    names, data = cli.read_csv(csv_file)
    expected = io.predict(io.load(model_file), data[:, [0, 1, 3]])[:, 0]  # a, b, label
    assert printed[0] == "c"
    np.testing.assert_allclose([float(v) for v in printed[1:]], expected, rtol=1e-9)
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert cli.main(["predict", str(model_file), str(bad)]) == 2
    assert "no column 'label'" in capsys.readouterr().err


def test_classify_refuses_a_continuous_target(csv_file, tmp_path, capsys):
    args = ["fit", str(csv_file), "--target", "a", "--task", "classify", "--quiet",
            "--out", str(tmp_path / "m.npz")]  # fmt: skip
    assert cli.main(args) == 2
    assert "whole class numbers" in capsys.readouterr().err
