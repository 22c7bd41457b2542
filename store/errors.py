"""The store's errors: a refused operation (StoreError) or a database failure (StoreFailed), of the one family.

Their texts are in texts/store.py; StoreError.of("store.KEY", **values) makes one from the catalog.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError

from errors import KpiError
from i18n import both


class StoreError(KpiError):
    """A refused store operation, with a message in Chinese and English."""


class StoreFailed(StoreError):
    """The database failed during a change (locked too long, disk full, server gone); nothing was changed."""


@contextmanager
def database_failure(what: str, en: str | None = None, **values: object):
    """Database errors raised in the block (around a transaction, which has rolled back) become StoreFailed.

    `what` names what was being changed: a store.what_* key filled with `values` or, with `en`, the Chinese text.
    """
    named = (what, en) if en is not None else both(what, **values)
    try:
        yield
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        raise StoreFailed.of("store.database_failed", what=named, detail=detail) from exc


class LoginRefused(StoreError):
    """A login that did not succeed; reason is wrong (name or password), locked or disabled."""

    def __init__(self, zh: str, en: str, reason: str):
        super().__init__(zh, en)
        self.reason = reason


class PermissionRefused(StoreError):
    """An action the actor's role or unit does not allow; nothing was changed."""
