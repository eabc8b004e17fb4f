"""kan_np: Kolmogorov–Arnold Networks (Liu et al., 2024) in pure NumPy, written to be read."""

from kan_np import bspline, gradcheck, interop, losses
from kan_np.datasets import create_dataset
from kan_np.estimators import KANClassifier, KANRegressor
from kan_np.io import load, save
from kan_np.layer import KANLayer
from kan_np.mlp import MLP
from kan_np.network import KAN

__all__ = [
    "KAN",
    "KANClassifier",
    "KANLayer",
    "KANRegressor",
    "MLP",
    "bspline",
    "create_dataset",
    "gradcheck",
    "interop",
    "load",
    "losses",
    "save",
]
__version__ = "0.1.0"
