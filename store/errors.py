"""The store's one error family: a refused operation (StoreError) or a database failure (StoreFailed)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError


class StoreError(Exception):
    """A refused store operation, with a message in Chinese and English."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh}\n{en}")
        self.zh = zh
        self.en = en

    def message(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


class StoreFailed(StoreError):
    """The database failed during a change (locked too long, disk full, server gone); nothing was changed."""


@contextmanager
def database_failure(zh: str, en: str):
    """Database errors raised in the block (around a transaction, which has rolled back) become StoreFailed."""
    try:
        yield
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        raise StoreFailed(f"{zh}：数据库出错，未作任何更改（{detail}）。",
                          f"{en}: the store failed and nothing was changed ({detail}).") from exc


class LoginRefused(StoreError):
    """A login that did not succeed; reason is wrong (name or password), locked or disabled."""

    def __init__(self, zh: str, en: str, reason: str):
        super().__init__(zh, en)
        self.reason = reason


class PermissionRefused(StoreError):
    """An action the actor's role or unit does not allow; nothing was changed."""
