"""One flat parameter vector for the optimisers, and back into the model's own arrays.

L-BFGS (`optim.lbfgs`) works on a single vector theta (P,). A model lists its trainable
arrays with `parameters()` -> [(l, name, array), ...] in a fixed order; this mixin lays
them end to end. `set_flat` writes into those same arrays, so nothing a user or an
optimiser holds is ever detached from the model. `KAN` and the baseline `MLP` share it.
"""

import numpy as np


class FlatParameters:
    """get_flat / set_flat / flatten_grads / snapshot / restore over `self.parameters()`."""

    def get_flat(self):
        """All trainable parameters as one new vector (P,)."""
        return np.concatenate([arr.ravel() for _, _, arr in self.parameters()])

    def set_flat(self, theta):
        """Write a vector (P,) into the parameters, in place."""
        theta = np.asarray(theta, dtype=float)
        if theta.shape != (self.num_parameters(),):
            raise ValueError(
                f"theta must have shape ({self.num_parameters()},), got {theta.shape} entries"
            )
        start = 0
        for _, _, arr in self.parameters():
            arr[...] = theta[start : start + arr.size].reshape(arr.shape)
            start += arr.size

    def flatten_grads(self, grads):
        """grads[l][name] -> one vector (P,) in the order of `parameters()`."""
        return np.concatenate([grads[l][name].ravel() for l, name, _ in self.parameters()])

    def snapshot(self):
        """Everything `restore` needs to bring the model back (here: a copy of theta)."""
        return self.get_flat()

    def restore(self, snapshot):
        """Write a `snapshot` back into the model's own arrays."""
        self.set_flat(snapshot)

    def num_parameters(self):
        """The number of trainable numbers P."""
        return sum(arr.size for _, _, arr in self.parameters())
