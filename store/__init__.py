"""The embedded store (SQLite by default, any SQLAlchemy URL via DATABASE_URL)."""
from store.core import ImportOutcome, Store, StoreError, fact_keys

__all__ = ["ImportOutcome", "Store", "StoreError", "fact_keys"]
