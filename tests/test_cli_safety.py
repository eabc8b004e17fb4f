"""`kan-np` never loses a trained model and never prints Python's noise (issue 12, item 3).

Ctrl-C is simulated by raising KeyboardInterrupt from a monkeypatched function; a failing
disk by a monkeypatched `io.save`.
"""

import re

import numpy as np
import pytest

import kan_np as kn
from kan_np import checks, datasets, files, io
from tests.test_cli import FAST, run, sample_csv, write_csv


@pytest.fixture
def data_csv(tmp_path):
    return sample_csv(tmp_path / "data.csv")


def only_our_lines(err, command="fit"):
    lines = err.splitlines()
    return all(line.startswith(f"kan-np {command}: ") for line in lines) and "Traceback" not in err


# ------------------------------------------------------------- checked before training
def test_bad_out_paths_are_refused_before_training(capsys, tmp_path, data_csv, monkeypatch):
    (tmp_path / "folder").mkdir()
    (tmp_path / "link.npz").symlink_to(tmp_path / "elsewhere.npz")
    cases = {
        tmp_path / "folder": "it is a folder",
        tmp_path / "link.npz": "it is a symbolic link",
        data_csv: "it is the input data file",
    }
    before = data_csv.read_bytes()
    for out, message in cases.items():
        status, stdout, err = run(capsys, "fit", data_csv, *FAST, "--out", out)
        assert status == 2 and stdout == "" and message in err and only_our_lines(err), err
    assert data_csv.read_bytes() == before

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)  # an unwritable folder, as root
    status, stdout, err = run(capsys, "fit", data_csv, *FAST, "--out", tmp_path / "m.npz")
    assert status == 2 and stdout == "" and "cannot create files in" in err


def test_lib_names_are_checked_before_training(capsys, tmp_path, data_csv):
    out = tmp_path / "m.npz"
    status, stdout, err = run(capsys, "fit", data_csv, *FAST, "--symbolic", "--lib", "sin,nope",
                              "--out", out)  # fmt: skip
    assert status == 2 and stdout == "" and "'nope'" in err and only_our_lines(err)
    status, stdout, err = run(capsys, "fit", data_csv, *FAST, "--digits", "0", "--out", out)
    assert status == 2 and stdout == "" and "--digits must be >= 1" in err
    status, stdout, err = run(capsys, "formula", out, "--digits", "0")
    assert status == 2 and "--digits must be >= 1" in err


def test_absurd_grid_fails_fast(capsys, data_csv, monkeypatch):
    monkeypatch.setattr(checks, "memory_bytes", lambda: 16 * 10**9)
    status, stdout, err = run(capsys, "fit", data_csv, *FAST, "--grid", "100000")
    assert status == 2 and re.search(r"G = 100000, k = 3\) needs about \d+ GB", err)
    assert "fit " not in stdout


# --------------------------------------------------------------- the model is rescued
@pytest.mark.parametrize(
    ("error", "status", "message"),
    [(OSError(28, "No space left on device"), 1, "could not save {out} ([Errno 28] No space"),
     (KeyboardInterrupt(), 130, "interrupted while saving {out}")],
)  # fmt: skip
def test_a_failed_save_rescues_the_model(capsys, tmp_path, data_csv, monkeypatch, error, status,
                                         message):  # fmt: skip
    out, real_save = tmp_path / "m.npz", io.save

    def failing(model, path, **options):
        if str(path) == str(out):
            raise error
        real_save(model, path, **options)

    monkeypatch.setattr(io, "save", failing)
    code, stdout, err = run(capsys, "fit", data_csv, *FAST, "--out", out)
    rescued = tmp_path / "m.rescued.npz"
    assert code == status and only_our_lines(err), err
    assert message.format(out=out) in err and f"stage 'fit' is saved to {rescued}" in err
    assert kn.load(rescued).width == [3, 5, 1] and not out.exists()


def test_ctrl_c_while_snapping_rescues_the_fitted_model(capsys, tmp_path, data_csv, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(kn.KAN, "auto_symbolic", interrupt)
    (tmp_path / "m.rescued.npz").write_text("an older rescue: kept")
    argv = ("fit", data_csv, *FAST, "--prune", "--symbolic", "--out", tmp_path / "m.npz")
    status, stdout, err = run(capsys, *argv)
    rescued = tmp_path / "m.rescued1.npz"
    assert status == 130 and only_our_lines(err), err
    assert (
        f"interrupted during symbolic; the model after stage 'refit' is saved to {rescued}" in err
    )
    assert kn.load(rescued).train_input is not None
    assert (tmp_path / "m.rescued.npz").read_text() == "an older rescue: kept"


def test_ctrl_c_inside_fit_stops_and_rescues(capsys, tmp_path, data_csv, monkeypatch):
    real_draw, calls = datasets.Batches.draw, []

    def draw_then_interrupt(self):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_draw(self)

    monkeypatch.setattr(datasets.Batches, "draw", draw_then_interrupt)
    status, stdout, err = run(capsys, "fit", data_csv, *FAST, "--symbolic",
                              "--out", tmp_path / "m.npz")  # fmt: skip
    assert status == 130 and only_our_lines(err), err
    assert "warning: fit interrupted" in err and "interrupted during fit" in err
    assert "fit       adam, 2 steps: " in stdout  # the steps done, not the steps asked for
    assert "formula" not in stdout  # it stopped: no further stage ran
    assert kn.load(tmp_path / "m.rescued.npz").width == [3, 5, 1]


def test_no_successful_step_exits_non_zero_without_saving(capsys, tmp_path):
    rows = [[f"{0.1 * n:.1f}", f"{0.2 * n:.1f}", "1"] for n in range(12)]
    rows[3][2] = "1e300"  # its square overflows: every step's loss is infinite
    path = write_csv(tmp_path / "huge.csv", ["a", "b", "y"], rows)
    status, stdout, err = run(capsys, "fit", path, *FAST, "--test-fraction", "0",
                              "--out", tmp_path / "m.npz")  # fmt: skip
    assert status == 1 and only_our_lines(err), err
    assert "no training step succeeded" in err and "warning: " in err
    assert "fit       adam, 0 steps: " in stdout
    assert not (tmp_path / "m.npz").exists()


# ------------------------------------------------------------------- CSV and plotting
def test_csv_edge_cases(capsys, tmp_path):
    (tmp_path / "blank.csv").write_text("\n\n  \n")
    status, _, err = run(capsys, "fit", tmp_path / "blank.csv")
    assert status == 2 and "is empty" in err and only_our_lines(err)
    for text, line in (('a,b,y\n0.1,"x\ny",0.3\n', 2), ('a,b,y\n0.1,"0.2\n",0.3\n0.1,x,0.3\n', 4)):
        (tmp_path / "multi.csv").write_text(text)  # a quoted cell spans two lines
        status, _, err = run(capsys, "fit", tmp_path / "multi.csv")
        assert f"multi.csv line {line} (data row {line // 2}), column 'b'" in err  # its start
    (tmp_path / "open.csv").write_text('a,b,y\n1,2,3\n0.1,"0.2,0.3\n1,2,3\n')  # never closed
    status, _, err = run(capsys, "fit", tmp_path / "open.csv")
    assert status == 2 and "open.csv line 3: not a readable CSV file" in err
    wide = [f"c{j}" for j in range(100_000)] + ["c7"]  # checked in linear time
    write_csv(tmp_path / "wide.csv", wide, [["1"] * len(wide)] * 2)
    status, _, err = run(capsys, "fit", tmp_path / "wide.csv")
    assert status == 2 and "names column 'c7' twice" in err


def test_plot_names_the_file_it_writes(capsys, tmp_path):
    model = kn.KAN([2, 1], seed=0)
    model.train_input = np.random.default_rng(0).uniform(-1, 1, (20, 2))  # (N, 2)
    model.input_names, model.output_names = ["$x^$", "cost_$"], ["y"]  # column names, not math
    io.save(model, tmp_path / "m.npz")
    status, stdout, err = run(capsys, "plot", tmp_path / "m.npz", "-o", tmp_path / "net")
    assert status == 0, err
    assert stdout == f"saved     {tmp_path / 'net.png'}\n" and (tmp_path / "net.png").exists()
    status, stdout, err = run(capsys, "plot", tmp_path / "m.npz", "-o", tmp_path / "net.xyz")
    assert status == 2 and "unknown image type '.xyz'" in err
    status, stdout, err = run(capsys, "plot", tmp_path / "m.npz", "-o", tmp_path / "m.npz")
    assert status == 2 and "unknown image type '.npz'" in err
