"""The prediction side of the command line (issue 14): `kan-np predict`, and the class
labels and accuracy of `kan-np fit --task classify`. `cli.py` registers these with
`add_commands`; this module imports only NumPy and `table.py` at start-up.

    kan-np predict model.npz data.csv [-o predictions.csv]
    kan-np fit data.csv --task classify      the target column holds class numbers

A classifier's model file stores its class values (`model.classes`, one per output) and
names its outputs "<target>=<class>"; `predict` writes the class of each row under the
target's name. A regression model writes one column per output.
"""

import csv
import sys

import numpy as np

from kan_np.table import InputError, read_csv


def class_labels(ds, target):
    """The sorted class values of the target; the labels in ds become 0..C-1 in place."""
    values = np.concatenate([ds["train_label"], ds["test_label"]])[:, 0]  # (N [+ N_test],)
    if np.any(values != np.round(values)):
        raise InputError(f"--task classify needs whole class numbers in column {target!r}")
    classes = np.unique(values)
    if len(classes) < 2:
        raise InputError(f"column {target!r} holds a single class ({classes[0]:g})")
    for part in ("train", "test"):
        ds[f"{part}_label"] = np.searchsorted(classes, ds[f"{part}_label"])  # (N, 1) ints
    return [float(c) for c in classes]


def accuracy(model, x, labels):
    """The share of rows whose largest output is the class `labels` (N, 1) names."""
    from kan_np.io import predict

    return float(np.mean(predict(model, x).argmax(axis=1) == labels[:, 0]))


def predict(args):
    """`kan-np predict`: a saved model's predictions for the rows of a CSV file.

    Input columns are found by the model's input names (a pruned model's kept ones, or
    all it was trained on), else the file's first n_0 columns are used; the stored
    normalisation is undone. A classifier writes its class, others one column per output.
    """
    from kan_np import files
    from kan_np.io import load
    from kan_np.io import predict as predict_rows

    if args.output:
        files.check_save_path(args.output, protect=[args.csv, args.model])
    model = load(args.model)
    names, data = read_csv(args.csv)
    wanted = getattr(model, "input_names", None)
    if wanted is not None:
        missing = [name for name in wanted if name not in names]
        if missing:
            raise InputError(
                f"{args.csv} has no column {missing[0]!r}; the model reads {', '.join(wanted)}"
            )
        data = data[:, [names.index(name) for name in wanted]]  # (N, n_0)
    y = predict_rows(model, data)  # (N, n_L)
    classes = getattr(model, "classes", None)
    header = getattr(model, "output_names", None) or [f"y_{o + 1}" for o in range(y.shape[1])]
    if classes is not None:
        header, y = [header[0].split("=")[0]], np.asarray(classes)[y.argmax(axis=1)][:, None]
    rows = [header] + [[f"{v:.10g}" for v in row] for row in y]
    if not args.output:
        csv.writer(sys.stdout).writerows(rows)
        return 0
    with open(args.output, "w", newline="") as out:
        csv.writer(out).writerows(rows)
    print(f"saved     {args.output} ({len(y)} rows)", file=sys.stderr)
    return 0


def add_commands(sub, fit_parser, command):
    """`--task` for `kan-np fit` (its parser `fit_parser`), and the `predict` subcommand;
    command(sub, name, run, summary, description) is cli's subparser factory."""
    fit_parser.add_argument(
        "--task",
        choices=["regress", "classify"],
        default="regress",
        help="classify: the target holds class numbers (cross-entropy, "
        "one output per class, accuracy printed)",
    )
    p = command(
        sub,
        "predict",
        predict,
        "predict the rows of a CSV file with a saved model",
        "Apply a saved model (its normalisation and input selection) to the rows of "
        "a CSV file; a classifier writes its class. CSV to stdout or -o.",
    )
    p.add_argument("model", help="a .npz written by `kan-np fit` or kan_np.save")
    p.add_argument("csv", help="comma-separated file with a header row naming the inputs")
    p.add_argument("-o", "--output", help="CSV file for the predictions (default: stdout)")
