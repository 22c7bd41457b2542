"""The one error family: every error a user may see carries its text in Chinese and English.

StoreError (and StoreFailed, LoginRefused, PermissionRefused), LoaderError and the command lines' UsageError
derive from KpiError, so a page (ui.guarded) and a command line show any of them the same way: the text in the
user's language, never a traceback.
"""
from __future__ import annotations

from i18n import both


class KpiError(Exception):
    """A refusal or failure a user is told about, with its text in Chinese (zh) and English (en)."""

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh}\n{en}")
        self.zh = zh
        self.en = en

    @classmethod
    def of(cls, key: str, *args: object, **values: object) -> "KpiError":
        """The error with the catalog's text for `key` (i18n.t), placeholders filled; extra args go to __init__."""
        return cls(*both(key, **values), *args)

    def text(self, lang: str) -> str:
        """The text in `lang` ('zh' or 'en')."""
        return self.zh if lang == "zh" else self.en

    def message(self, lang: str) -> str:
        """The text in `lang` (the name pages and the store have always used)."""
        return self.text(lang)


def error_text(error: BaseException, lang: str) -> str | None:
    """What a user is shown for `error`: its text in `lang` for a KpiError, None for any other exception."""
    return error.text(lang) if isinstance(error, KpiError) else None
