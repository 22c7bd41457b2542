"""The embedded store (SQLite by default, any SQLAlchemy URL via DATABASE_URL)."""
from store.core import ImportOutcome, Store, StoreError

__all__ = ["ImportOutcome", "Store", "StoreError"]
