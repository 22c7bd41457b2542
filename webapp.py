"""The server: Streamlit's ASGI app (st.App) serving dashboard.py, with the log-in routes of webauth.py beside it.

`streamlit run webapp.py` (scripts/serve.py, ./run.sh) finds `app` and serves it with uvicorn on the configured
address and port. At start, while no administrator exists, a one-time set-up link is printed to the console.
"""
from __future__ import annotations

from contextlib import asynccontextmanager
from threading import Lock

import streamlit as st
from streamlit import config

import webauth
from i18n import both
from settings import get_settings
from store import Store

_stores: dict[str, Store] = {}
_lock = Lock()


def auth_store() -> Store:
    """The store the log-in routes use (one per database URL in this process)."""
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


@asynccontextmanager
async def lifespan(_app):
    webauth.secret_key()  # made now (var/secret_key), not on the first request
    announce_setup_link(auth_store(), config.get_option("server.address"), config.get_option("server.port"))
    yield None


app = st.App("dashboard.py", routes=webauth.auth_routes(auth_store), lifespan=lifespan)
