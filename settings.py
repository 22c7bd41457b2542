"""One settings object for the whole app: environment variables with defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
DATA_DIR = ROOT / "data"
CATALOG_DIR = DATA_DIR / "catalog"
DEMO_DIR = DATA_DIR / "demo"


@dataclass(frozen=True)
class Settings:
    """What can be configured; read from the environment by `get_settings`."""

    database_url: str
    load_demo: bool
    max_upload_mb: int
    max_cells: int
    parse_memory_mb: int
    parse_seconds: float
    plausible_factor: float = 5.0
    correction_change: float = 0.8


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def get_settings() -> Settings:
    """Settings from environment variables (read each call, so tests can change them).

    DATABASE_URL  SQLAlchemy URL; default an SQLite file under var/ (KPI_VAR_DIR moves it).
    KPI_DEMO      load the demo data into an empty store on app start (default 1).
    KPI_MAX_UPLOAD_MB, KPI_MAX_CELLS  guards against oversized or decompression-bomb files.
    KPI_PARSE_MEMORY_MB, KPI_PARSE_SECONDS  what one upload's parse (in its own process) may use.
    KPI_PLAUSIBLE_FACTOR, KPI_CORRECTION_CHANGE  when the preview asks to check a figure (store/plausibility.py).
    """
    var_dir = Path(os.environ.get("KPI_VAR_DIR", ROOT / "var"))
    default_url = f"sqlite:///{var_dir / 'dashboard.db'}"
    return Settings(
        database_url=os.environ.get("DATABASE_URL") or default_url,
        load_demo=_flag(os.environ.get("KPI_DEMO"), True),
        max_upload_mb=int(os.environ.get("KPI_MAX_UPLOAD_MB", "50")),
        max_cells=int(os.environ.get("KPI_MAX_CELLS", "5000000")),
        parse_memory_mb=int(os.environ.get("KPI_PARSE_MEMORY_MB", "1024")),
        parse_seconds=float(os.environ.get("KPI_PARSE_SECONDS", "60")),
        plausible_factor=float(os.environ.get("KPI_PLAUSIBLE_FACTOR", "5")),
        correction_change=float(os.environ.get("KPI_CORRECTION_CHANGE", "0.8")),
    )
