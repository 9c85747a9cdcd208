"""Prediction and persistence methods of ECGClassifier (a mixin)."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ..training._heads import TASK_HEADS, logits_to_proba
from ..utils import match_recording
from ..utils._docs import fill_doc
from ._memmap import validate_records
from ._recording import fitted_recording


def proba_to_labels(proba, task, classes, threshold):
    """Labels from ``predict_proba`` output: argmax, or ``proba >= threshold``.

    Multiclass: the most probable class; binary: ``classes[1]`` when the
    positive column reaches ``threshold``; multi-label: the 0/1 matrix.
    """
    if task == "multiclass":
        return classes[np.argmax(proba, axis=1)]
    if task == "binary":
        return classes[(proba[:, 1] >= threshold).astype(int)]
    return (proba >= threshold).astype(int)


_PREDICT_X_DOC = """\
        X : array-like of shape (n_records, n_leads, n_times) or (n_records, n_times)
            ECG records shaped like the training data.
        sfreq : float, default=None
            Sampling rate of ``X`` in Hz, checked against the estimator's.
        lead_names : sequence of str, default=None
            Lead names of ``X``, put in the estimator's order by name; see
            :func:`sklearn_ecg.utils.match_recording`."""


class PredictionMixin:
    """``decision_function``/``predict_proba``/``predict`` and device-safe loading.

    Mixed into :class:`ECGClassifier` before skorch's ``NeuralNetClassifier``;
    every prediction gets its logits from ``self._predict_logits``.
    """

    # ------------------------------------------------------------ prediction --
    def _validate_predict_X(self, X, fitting=False, sfreq=None, lead_names=None):
        if not fitting:
            check_is_fitted(self)
        if sfreq is not None or lead_names is not None:
            own_sfreq, own_leads = fitted_recording(self)
            X = match_recording(
                X, sfreq=sfreq, lead_names=lead_names, expected_sfreq=own_sfreq,
                expected_lead_names=own_leads,
            )  # fmt: skip
        X = validate_records(self, X, reset=False)
        if X.shape[1] != self.n_leads_in_ or X.shape[2] != self.n_times_in_:
            raise ValueError(
                f"X has shape {X.shape[1:]} (n_leads, n_times) but "
                f"{type(self).__name__} was fitted on "
                f"{(self.n_leads_in_, self.n_times_in_)}. Preprocess prediction "
                "data exactly like the training data."
            )
        return X

    def _positive_proba(self, logits):
        """Softmax (multiclass) or per-output sigmoid probabilities of logits."""
        head = "softmax" if self.task_ == "multiclass" else "sigmoid"
        return logits_to_proba(torch.from_numpy(logits), head).numpy()

    @fill_doc(predict_X=_PREDICT_X_DOC)
    def decision_function(self, X, *, sfreq=None, lead_names=None):
        """Raw logits: ``(n,)`` for binary tasks, ``(n, n_outputs)`` otherwise.

        Parameters
        ----------
        %(predict_X)s

        Returns
        -------
        scores : ndarray
            Logits; larger means more likely positive / more likely class.
        """
        X = self._validate_predict_X(X, False, sfreq, lead_names)
        logits = self._predict_logits(X)
        return logits[:, 0] if self.task_ == "binary" else logits

    @fill_doc(predict_X=_PREDICT_X_DOC)
    def predict_proba(self, X, *, sfreq=None, lead_names=None):
        """Class probabilities.

        Parameters
        ----------
        %(predict_X)s

        Returns
        -------
        proba : ndarray of shape (n_records, n_classes) or (n_records, n_labels)
            Binary: ``[1 - p, p]``; multiclass: softmax; multi-label: one
            sigmoid probability per label (rows need not sum to 1).
        """
        X = self._validate_predict_X(X, False, sfreq, lead_names)
        logits = self._predict_logits(X)
        return logits_to_proba(torch.from_numpy(logits), TASK_HEADS[self.task_]).numpy()

    @fill_doc(predict_X=_PREDICT_X_DOC)
    def predict(self, X, *, sfreq=None, lead_names=None):
        """Predicted labels using ``threshold_`` (binary, multi-label) or argmax.

        Parameters
        ----------
        %(predict_X)s

        Returns
        -------
        y_pred : ndarray of shape (n_records,) or (n_records, n_labels)
            Class labels, or a 0/1 indicator matrix for multi-label tasks.
        """
        proba = self.predict_proba(X, sfreq=sfreq, lead_names=lead_names)
        return proba_to_labels(proba, self.task_, self.classes_, self.threshold_)

    def score(self, X, y, sample_weight=None, *, sfreq=None, lead_names=None):
        """Mean accuracy of :meth:`predict` on ``X`` (subset accuracy for multi-label).

        Parameters
        ----------
        X : array-like of shape (n_records, n_leads, n_times) or (n_records, n_times)
            ECG records shaped like the training data.
        y : array-like of shape (n_records,) or (n_records, n_labels)
            True labels.
        sample_weight : array-like of shape (n_records,), default=None
            Sample weights.
        sfreq : float, default=None
            Sampling rate of ``X`` in Hz, checked against the estimator's.
        lead_names : sequence of str, default=None
            Lead names of ``X``, put in the estimator's order by name.

        Returns
        -------
        score : float
            :func:`sklearn.metrics.accuracy_score` of the predictions.
        """
        from sklearn.metrics import accuracy_score

        y_pred = self.predict(X, sfreq=sfreq, lead_names=lead_names)
        return accuracy_score(y, y_pred, sample_weight=sample_weight)

    # ----------------------------------------------------------- persistence --
    def __setstate__(self, state):
        # skorch maps saved tensors onto state["device"]; use the resolved
        # training device (falls back to CPU when CUDA is absent).
        raw = state.get("device")
        state["device"] = str(state.get("device_", "cpu"))
        super().__setstate__(state)
        if "device_" in state:
            self.device_ = torch.device(self.__dict__["device"])
        self.__dict__["device"] = raw

    def load_params(self, *args, **kwargs):
        """Load module/optimizer/history files written by ``save_params``.

        Same arguments as :meth:`skorch.net.NeuralNet.load_params`; the
        estimator must be fitted (or initialised) with the same architecture.
        """
        raw = self.device
        self.__dict__["device"] = str(self.__dict__.get("device_", "cpu"))
        try:
            super().load_params(*args, **kwargs)
            self.device_ = torch.device(self.__dict__["device"])
        finally:
            self.__dict__["device"] = raw

    # ---------------------------------------------------------------- export --
    def to_torchscript(self, path):
        """Save the network with its probability head as TorchScript.

        See :func:`sklearn_ecg.classifiers.to_torchscript`; the file's outputs
        match :meth:`predict_proba` on the same (preprocessed) input.

        Parameters
        ----------
        path : str or path-like
            Output file, conventionally ``*.pt``.

        Returns
        -------
        path : pathlib.Path
            The written file.
        """
        from ._export import to_torchscript

        check_is_fitted(self)
        return to_torchscript(self, path)

    def to_onnx(self, path, **kwargs):
        """Save the network with its probability head as ONNX (``onnx`` extra).

        See :func:`sklearn_ecg.classifiers.to_onnx`; the input is named
        ``"ecg"`` and the output ``"proba"``, matching :meth:`predict_proba`.

        Parameters
        ----------
        path : str or path-like
            Output file, conventionally ``*.onnx``.
        **kwargs : dict
            Passed to :func:`~sklearn_ecg.classifiers.to_onnx` (``opset_version``).

        Returns
        -------
        path : pathlib.Path
            The written file.
        """
        from ._export import to_onnx

        check_is_fitted(self)
        return to_onnx(self, path, **kwargs)
