"""The texts outside the pages' catalog (i18n.TEXTS), one module a part of the flow, looked up by i18n.t.

A key is SECTION.NAME: problem.* (what the loader reports about a file), loader.* (its other texts), store.*
(the store's refusals and failures), cycle.* (the reporting cycle), progress.* (the completeness page),
remind.* (reminders), review.* (reviewing uploads in the pages), cli.* (the command lines) and export.* (the
spreadsheets made for users).
Each text is a (Chinese, English) pair with the same {placeholders}; NAME_en in the English text takes the
English form of NAME.
"""
from __future__ import annotations

from texts.commands import COMMANDS
from texts.cycle import CYCLE
from texts.exports import EXPORTS
from texts.loader import LOADER
from texts.problems import PROBLEMS
from texts.progress import PROGRESS
from texts.remind import REMIND
from texts.review import REVIEW
from texts.store import STORE

SECTIONS: dict[str, dict[str, tuple[str, str]]] = {
    "problem": PROBLEMS, "loader": LOADER, "store": STORE, "cli": COMMANDS, "export": EXPORTS,
    "cycle": CYCLE, "progress": PROGRESS, "remind": REMIND, "review": REVIEW,
}


def lookup(key: str) -> tuple[str, str]:
    """The (Chinese, English) pair of a SECTION.NAME key; KeyError for an unknown one."""
    section, _, name = key.partition(".")
    try:
        return SECTIONS[section][name]
    except KeyError:
        raise KeyError(key) from None
