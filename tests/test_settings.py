"""Settings: defaults, PLAYGROUND_* environment variables, explicit overrides (CLI flags)."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from server.__main__ import main
from server.settings import Settings


def test_defaults_bind_to_loopback_and_bound_every_size():
    settings = Settings()
    assert settings.host == "127.0.0.1" and settings.port == 8000
    assert settings.max_layers >= 10 and settings.max_width >= 32
    assert settings.frame_rate == 60  # one frame per animation frame of the page


def test_environment_then_overrides(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_SESSIONS", "7")
    monkeypatch.setenv("PLAYGROUND_FRAME_RATE", "12.5")
    monkeypatch.setenv("PLAYGROUND_ALLOWED_ORIGINS", "http://a.example,http://b.example")
    settings = Settings.from_env(max_sessions=3)
    assert settings.max_sessions == 3 and settings.frame_rate == 12.5
    assert settings.allowed_origins == ["http://a.example", "http://b.example"]


def test_a_bad_environment_value_is_refused(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_WIDTH", "0")
    with pytest.raises(ValidationError, match="max_width"):
        Settings.from_env()


def test_every_numeric_setting_is_a_flag(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    usage = capsys.readouterr().out
    for name, field in Settings.model_fields.items():
        if field.annotation in (int, float, str, bool):
            assert f"--{name.replace('_', '-')}" in usage


def test_workers_and_store_come_from_flags_and_the_environment(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_STORE", "redis://127.0.0.1:6379/2")
    monkeypatch.setenv("PLAYGROUND_WORKERS", "3")
    settings = Settings.from_env()
    assert (settings.workers, settings.store) == (3, "redis://127.0.0.1:6379/2")
    assert Settings().store == "memory" and Settings().workers == 1  # the README's command needs nothing else


@pytest.mark.parametrize("values, field", [({"workers": 2}, "workers"), ({"store": "mysql://x"}, "store"),
                                           ({"workers": 0, "store": "redis://h:1/0"}, "workers")])
def test_bad_workers_or_store_are_refused(values, field):
    with pytest.raises(ValidationError, match=field):
        Settings(**values)


def test_more_workers_without_a_shared_store_stop_the_server_with_the_reason(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--workers", "2"])
    assert "shared store" in str(stopped.value.code)


@pytest.mark.parametrize("argv, env, deflate", [([], None, False), (["--ws-deflate"], None, True),
                                                ([], "1", True), (["--no-ws-deflate"], "true", False)])
def test_frame_compression_is_off_unless_asked_for(monkeypatch, argv, env, deflate):
    """Deflating a frame costs more CPU than building it; a slow link can ask for it (docs/deploy.md)."""
    import uvicorn
    ran = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.update(options))
    if env is not None:
        monkeypatch.setenv("PLAYGROUND_WS_DEFLATE", env)
    main(["--port", "8123", *argv])
    assert ran["ws_per_message_deflate"] is deflate and ran["port"] == 8123


def test_the_server_keeps_blas_to_one_thread_unless_told_otherwise():
    """All NumPy work runs on one compute lane; BLAS threads beside it only contend (server/__init__.py)."""
    import os
    import subprocess
    import sys
    code = "import server, os; print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['OMP_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.split() == ["1", "1"]
    env["OPENBLAS_NUM_THREADS"] = "2"
    assert subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True).stdout.split() == ["2", "1"]
