"""Start the dashboard server: `streamlit run dashboard.py` with the arguments given.

Streamlit still treats a `pages/` folder beside the entry script as a v1 multipage app until the
first run of dashboard.py calls st.navigation; a first visitor who opens /regions directly would
get that page without dashboard.py (no wide layout, file names as navigation). Telling Streamlit
up front that navigation is declared in code avoids it.
"""
from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    PagesManager.uses_pages_directory = False  # navigation comes from st.navigation in dashboard.py
    sys.argv = ["streamlit", "run", str(ROOT / "dashboard.py"), *sys.argv[1:]]
    sys.exit(cli.main())
