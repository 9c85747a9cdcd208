"""training."""

__all__ = []
