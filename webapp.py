"""The server: Streamlit's ASGI app (st.App) serving dashboard.py, with the log-in routes of webauth.py beside it.

`streamlit run webapp.py` (scripts/serve.py, ./run.sh) finds `app` and serves it with uvicorn on the configured
address and port. Importing this module imports neither pandas nor the store: the server answers as soon as
Streamlit is up, and a thread started at start (start_up) then imports them and reads what the first page needs into
the caches (cached.warm_up) while the first browser loads the page's scripts. While no administrator exists, that
thread prints a one-time set-up link to the console first.
"""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from threading import Lock, Thread
from typing import TYPE_CHECKING

import streamlit as st
from streamlit import config

import webauth
from i18n import both
from settings import get_settings

if TYPE_CHECKING:
    from store import Store

_stores: dict[str, Store] = {}
_lock = Lock()
_log = logging.getLogger(__name__)


def auth_store() -> Store:
    """The store the log-in routes use (one per database URL in this process)."""
    from store import Store

    url = get_settings().database_url
    with _lock:
        if url not in _stores:
            _stores[url] = Store(url)
        return _stores[url]


def announce_setup_link(store: Store, address: str | None, port: int) -> str | None:
    """While no administrator exists: a new set-up token, its link printed to the console (and returned)."""
    if not store.needs_setup():
        return None
    link = webauth.setup_link(store.create_setup_token(), address, port)
    zh, en = both("cli.setup_link")
    print(f"\n  {zh}\n  {en}\n\n  {link}\n", flush=True)
    return link


def start_up(address: str | None, port: int) -> None:
    """At server start, in a thread of its own: the set-up link while no administrator exists, then the warm-up.
    Never raises (a store it cannot reach now is reported by the first page and the first login)."""
    try:
        announce_setup_link(auth_store(), address, port)
    except Exception:  # noqa: BLE001 (the server keeps serving; the log says why there is no link)
        _log.error("could not check for an administrator at start (no set-up link printed)", exc_info=True)
    import cached

    cached.warm_up()


@asynccontextmanager
async def lifespan(_app):
    webauth.secret_key()  # made now (var/secret_key), not on the first request
    Thread(target=start_up, args=(config.get_option("server.address"), config.get_option("server.port")),
           name="kpi-start-up", daemon=True).start()
    yield None


app = st.App("dashboard.py", routes=webauth.auth_routes(auth_store), lifespan=lifespan)
