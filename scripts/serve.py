"""Start the dashboard server: `streamlit run webapp.py` with the arguments given.

webapp.py is Streamlit's ASGI app (st.App) for dashboard.py with the log-in routes (/auth/...) beside it.

Streamlit still treats a `pages/` folder beside the entry script as a v1 multipage app until the
first run of dashboard.py calls st.navigation; a first visitor who opens /regions directly would
get that page without dashboard.py (no wide layout, file names as navigation). Telling Streamlit
up front that navigation is declared in code avoids it.

Uploads are parsed in worker processes forked from a server that has the loader imported (the
forkserver, preloaded here), so that a hostile file costs its worker only.

The server's upload limit comes from the settings (KPI_MAX_UPLOAD_MB), the same number the loader
enforces, so the browser refuses a bigger file before sending it.

Several servers behind one proxy share KPI_SECRET_KEY (docs/deploy.md). Streamlit signs cookies of its own (the XSRF
token its file uploads send) with server.cookieSecret, random per process unless set, and asks replicas to share
it: derived here from KPI_SECRET_KEY unless STREAMLIT_SERVER_COOKIE_SECRET is set.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as `python scripts/serve.py`: the project's modules are one folder up
    sys.path.insert(0, str(ROOT))

from loaders.isolated import preload_forkserver  # noqa: E402
from settings import Settings, get_settings  # noqa: E402

UPLOAD_OPTION = "--server.maxUploadSize"  # in MB, like KPI_MAX_UPLOAD_MB


def streamlit_argv(args: Sequence[str], settings: Settings) -> list[str]:
    """The argv of `streamlit run webapp.py ARGS`, with the settings' upload limit unless ARGS set one."""
    given = any(arg.split("=", 1)[0] == UPLOAD_OPTION for arg in args)
    limit = [] if given else [UPLOAD_OPTION, str(settings.max_upload_mb)]
    return ["streamlit", "run", str(ROOT / "webapp.py"), *limit, *args]  # before ARGS: never after a `--`


COOKIE_SECRET = "STREAMLIT_SERVER_COOKIE_SECRET"  # Streamlit's server.cookieSecret (random per process by default)


def streamlit_environment(environ: Mapping[str, str], settings: Settings) -> dict[str, str]:
    """What to add to the environment: with KPI_SECRET_KEY set, Streamlit's cookie secret derived from it (an HMAC:
    the key itself is not handed on), unless the environment names one."""
    if not settings.secret_key or environ.get(COOKIE_SECRET):
        return {}
    derived = hmac.new(settings.secret_key.encode("utf-8"), b"streamlit server.cookieSecret", hashlib.sha256)
    return {COOKIE_SECRET: derived.hexdigest()}


def main() -> int:
    """Serve the dashboard with the arguments given to this script; returns Streamlit's exit code."""
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web import cli

    PagesManager.uses_pages_directory = False  # navigation comes from st.navigation in dashboard.py
    preload_forkserver()  # upload parse workers start with pandas imported (loaders/isolated.py)
    settings = get_settings()
    os.environ.update(streamlit_environment(os.environ, settings))
    sys.argv = streamlit_argv(sys.argv[1:], settings)
    return cli.main()


if __name__ == "__main__":
    sys.exit(main())
