"""scripts/serve.py: the streamlit command line it builds, upload limit from the settings."""
from __future__ import annotations

import dataclasses
import importlib.util
import tomllib
from pathlib import Path

import pytest

from settings import get_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def serve():
    spec = importlib.util.spec_from_file_location("serve", ROOT / "scripts" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def with_limit(mb: int):
    return dataclasses.replace(get_settings(), max_upload_mb=mb)


def test_the_upload_limit_comes_from_the_settings(serve):
    argv = serve.streamlit_argv(["--server.port", "8600"], with_limit(7))
    assert argv == ["streamlit", "run", str(ROOT / "webapp.py"), "--server.maxUploadSize", "7",
                    "--server.port", "8600"]


def test_the_settings_read_kpi_max_upload_mb(serve, monkeypatch):
    monkeypatch.setenv("KPI_MAX_UPLOAD_MB", "12")
    argv = serve.streamlit_argv([], get_settings())
    assert argv[argv.index("--server.maxUploadSize") + 1] == "12"


@pytest.mark.parametrize("given", [["--server.maxUploadSize", "3"], ["--server.maxUploadSize=3"]])
def test_a_limit_given_on_the_command_line_wins(serve, given):
    argv = serve.streamlit_argv(["--server.headless", "true", *given], with_limit(7))
    assert argv[3:] == ["--server.headless", "true", *given]


def test_streamlit_config_sets_no_upload_limit_of_its_own():
    """The settings are the one source: .streamlit/config.toml must not hold another number."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert "maxUploadSize" not in config.get("server", {})


def test_servers_with_one_secret_key_share_streamlits_cookie_secret(serve):
    """Streamlit signs its own cookies (the XSRF token of uploads) with server.cookieSecret, random per process:
    derived from KPI_SECRET_KEY, servers behind one proxy agree on it; one given in the environment wins."""
    one = dataclasses.replace(get_settings(), secret_key="shared key")
    derived = serve.streamlit_environment({}, one)[serve.COOKIE_SECRET]
    assert derived == serve.streamlit_environment({"PATH": "/bin"}, one)[serve.COOKIE_SECRET]  # the same on each
    assert "shared key" not in derived and len(derived) == 64
    other = serve.streamlit_environment({}, dataclasses.replace(one, secret_key="another key"))
    assert other[serve.COOKIE_SECRET] != derived
    assert serve.streamlit_environment({serve.COOKIE_SECRET: "given"}, one) == {}
    assert serve.streamlit_environment({}, dataclasses.replace(one, secret_key="")) == {}  # one server: its own
