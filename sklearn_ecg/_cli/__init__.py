"""Private implementation of the ``sklearn-ecg`` command (:mod:`sklearn_ecg.cli`)."""
