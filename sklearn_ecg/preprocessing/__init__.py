"""preprocessing."""

__all__ = []
