"""The embedded store (SQLite by default, any SQLAlchemy URL via DATABASE_URL).

    from store import Store, StoreError, StoreFailed, ImportOutcome

The names are imported on first use (PEP 562), so that `python -m store` can start reading its
files (in worker processes, loaders/isolated.py) before pandas and SQLAlchemy are imported.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from lazy import lazy_exports

_EXPORTS = {"ImportOutcome": "store.core", "Store": "store.core", "StoreError": "store.core", "StoreFailed": "store.core"}
__all__ = list(_EXPORTS)

if TYPE_CHECKING:
    from store.core import ImportOutcome, Store, StoreError, StoreFailed

__getattr__ = lazy_exports(__name__, _EXPORTS)
