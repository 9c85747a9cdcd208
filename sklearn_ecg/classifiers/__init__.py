"""classifiers."""

__all__ = []
