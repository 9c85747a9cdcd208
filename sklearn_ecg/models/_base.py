"""The base class of the package's ECG models: shape arguments and the head contract."""

from __future__ import annotations

import numbers

import torch
from torch import nn

#: numpydoc entries of the constructor arguments every model shares.
SHAPE_PARAMETERS = """\
    n_leads : int
        Number of input leads (channels).
    n_times : int
        Number of time samples the model is built for.
    n_outputs : int
        Number of logits."""


def model_example(name: str, kwargs: str = "") -> str:
    """Return the numpydoc ``Examples`` section shared by the models' docstrings.

    The example builds ``name(12, 1000, 5, kwargs)`` and maps a batch of two
    records to logits of shape ``(2, 5)``.

    Parameters
    ----------
    name : str
        The class name, importable from :mod:`sklearn_ecg.models`.
    kwargs : str, default=""
        Keyword arguments written into the constructor call (small widths keep
        the doctest fast).

    Returns
    -------
    section : str
        The indented section, ending with the docstring's closing indentation.

    Examples
    --------
    >>> from sklearn_ecg.models._base import model_example
    >>> line = model_example("ResNet1d", "base_width=8").splitlines()[4]
    >>> print(line.split(">>> ")[1])
    model = ResNet1d(12, 1000, 5, base_width=8)
    """
    args = ", ".join(["12, 1000, 5"] + ([kwargs] if kwargs else []))
    return f"""    Examples
    --------
    >>> import torch
    >>> from sklearn_ecg.models import {name}
    >>> model = {name}({args})
    >>> model(torch.zeros(2, 12, 1000)).shape
    torch.Size([2, 5])
    """


def check_model_args(n_leads: int, n_times: int, n_outputs: int, drop_prob=None):
    """Validate the arguments every model shares; raise if one is bad.

    Parameters
    ----------
    n_leads, n_times, n_outputs : int
        Positive integers.
    drop_prob : float or None, default=None
        Dropout probability in [0, 1) when given.

    Raises
    ------
    TypeError
        If a shape argument is not an integer.
    ValueError
        If a shape argument is below 1 or ``drop_prob`` lies outside [0, 1).

    Examples
    --------
    >>> from sklearn_ecg.models import check_model_args
    >>> check_model_args(12, 1000, 5, 0.1)
    >>> check_model_args(12, 1000, 0)
    Traceback (most recent call last):
    ...
    ValueError: n_outputs=0 must be a positive int.
    """
    for name, value in (
        ("n_leads", n_leads),
        ("n_times", n_times),
        ("n_outputs", n_outputs),
    ):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool):
            raise TypeError(f"{name}={value!r} must be an int.")
        if value < 1:
            raise ValueError(f"{name}={value!r} must be a positive int.")
    if drop_prob is not None and not 0.0 <= float(drop_prob) < 1.0:
        raise ValueError(f"drop_prob={drop_prob!r} must lie in [0, 1).")


class ECGModule(nn.Module):
    """Base class of the ECG models: ``(batch, n_leads, n_times)`` to logits.

    The constructor checks and stores the shape arguments ``n_leads``,
    ``n_times`` and ``n_outputs`` (and checks ``drop_prob`` when given); it
    creates no layer, so parameter counts and initialisation are the
    subclass's own. A subclass builds its layers, names its classification
    layer ``final_layer`` (an ``nn.Linear`` with ``n_outputs`` outputs) and
    implements :meth:`forward_features`; :meth:`forward` is then
    ``final_layer(forward_features(x))``. The transfer-learning tools rely on
    the ``final_layer`` name to replace or skip the head.

    Parameters
    ----------
    {SHAPE_PARAMETERS}
    drop_prob : float or None, default=None
        Dropout probability of the subclass, checked to lie in [0, 1).

    Attributes
    ----------
    n_leads, n_times, n_outputs : int
        The shape arguments.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from sklearn_ecg.models import ECGModule
    >>> class MeanLinear(ECGModule):
    ...     def __init__(self, n_leads, n_times, n_outputs):
    ...         super().__init__(n_leads, n_times, n_outputs)
    ...         self.final_layer = nn.Linear(n_leads, n_outputs)
    ...     def forward_features(self, x):
    ...         return x.mean(-1)
    >>> MeanLinear(12, 100, 3)(torch.zeros(2, 12, 100)).shape
    torch.Size([2, 3])
    """

    final_layer: nn.Linear

    def __init__(
        self, n_leads: int, n_times: int, n_outputs: int, drop_prob: float | None = None
    ):
        super().__init__()
        check_model_args(n_leads, n_times, n_outputs, drop_prob)
        self.n_leads, self.n_times, self.n_outputs = n_leads, n_times, n_outputs

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_leads, n_times)`` to the features fed to ``final_layer``.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, n_leads, n_times)
            The records.

        Returns
        -------
        features : torch.Tensor of shape (batch, final_layer.in_features)
            The input of the classification head.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement forward_features(x)."
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map ``(batch, n_leads, n_times)`` to logits: ``final_layer(features)``."""
        return self.final_layer(self.forward_features(x))


ECGModule.__doc__ = ECGModule.__doc__.format(SHAPE_PARAMETERS=SHAPE_PARAMETERS)
