"""Pooled connections typed as the Connection the shared helpers take (shared with every service)."""

from iop_shared.db import connection, transaction

__all__ = ["connection", "transaction"]
