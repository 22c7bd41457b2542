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
    public_view: bool = True  # anonymous visitors see the dashboards (as viewers)
    secret_key: str = ""  # signs session cookies; '' = the key generated into var/secret_key
    session_hours: float = 8.0  # a login idle this long ends
    lockout_attempts: int = 5  # failed logins within lockout_minutes that lock an account
    lockout_minutes: float = 15.0  # ... for this long
    var_dir: Path = ROOT / "var"
    require_approval: bool = False  # only approved uploads count on the dashboards (#12); else saved ones count at once
    smtp_url: str = ""  # smtp://user:password@host:port?from=… for e-mailed reminders (催报); '' = no e-mail


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
    KPI_PUBLIC_VIEW  anonymous visitors see the dashboards (default 1); KPI_SECRET_KEY signs session cookies;
    KPI_SESSION_HOURS  idle logins end after this long; KPI_LOCKOUT_ATTEMPTS / _MINUTES  failed-login lockout.
    KPI_PLAUSIBLE_FACTOR, KPI_CORRECTION_CHANGE  when the preview asks to check a figure (store/plausibility.py).
    KPI_REQUIRE_APPROVAL  1 = only approved figures count on the dashboards; 0 (default) = saved figures count at
    once and show as pending until approved. KPI_SMTP_URL  the mail server reminders are sent through.
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
        public_view=_flag(os.environ.get("KPI_PUBLIC_VIEW"), True),
        secret_key=os.environ.get("KPI_SECRET_KEY", ""),
        session_hours=float(os.environ.get("KPI_SESSION_HOURS", "8")),
        lockout_attempts=int(os.environ.get("KPI_LOCKOUT_ATTEMPTS", "5")),
        lockout_minutes=float(os.environ.get("KPI_LOCKOUT_MINUTES", "15")),
        var_dir=var_dir,
        require_approval=_flag(os.environ.get("KPI_REQUIRE_APPROVAL"), False),
        smtp_url=os.environ.get("KPI_SMTP_URL", "").strip(),
    )
