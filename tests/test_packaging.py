"""The package as users install it: the wheel carries the code, static/ and templates/ (mapped to
server/static and server/templates) and server/'s data files; the app started from the wheel's files alone,
in an unrelated folder, serves the page, every file it loads and /docs, naming no other host.
Nothing is installed: the wheel is built without network (--no-isolation) and unpacked into a temp folder."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from tests.pagewalk import other_hosts, page_assets

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("engine", "server", "static", "templates")
START_SECONDS = 60


def _files(directory: Path) -> set[str]:
    return {p.relative_to(directory).as_posix() for p in directory.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in SOURCES:
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp_path_factory.mktemp("dist")
    build = subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist),
                            str(source)], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    (built,) = dist.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def contents(wheel) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_maps_static_and_templates_into_the_package(contents):
    for top, packaged in (("static", "server/static"), ("templates", "server/templates")):
        expected = {f"{packaged}/{name}" for name in _files(ROOT / top)}
        assert expected and expected <= contents, sorted(expected - contents)
    assert not any(name.startswith(("static/", "templates/")) for name in contents)


def test_the_wheel_carries_the_code_and_the_servers_data_files(contents):
    for package in ("engine", "server"):
        expected = {f"{package}/{name}" for name in _files(ROOT / package)}
        assert expected <= contents, sorted(expected - contents)  # .py, and data such as server/lessons/*.json
    assert not any(name.startswith(("tests/", "bench/", "docs/")) for name in contents)


def test_the_wheel_declares_the_command_and_the_extras(wheel, contents):
    with zipfile.ZipFile(wheel) as archive:
        info = next(n for n in contents if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(info).decode())
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert "playground = server.__main__:main" in entry_points
    assert {"redis", "test"} <= set(metadata.get_all("Provides-Extra"))
    requires = metadata.get_all("Requires-Dist")
    assert any(r.startswith("fastapi-offline") for r in requires)
    assert any(r.startswith("redis") and 'extra == "redis"' in r for r in requires)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, str, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, "", dict(error.headers)


@pytest.fixture(scope="module")
def wheel_server(wheel, tmp_path_factory):
    """`python -m server` (what the `playground` command runs) from the unpacked wheel, in another folder."""
    site = tmp_path_factory.mktemp("site")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    env = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run([sys.executable, "-c", "from server.assets import asset_dir; "
                            "print(asset_dir('static')); print(asset_dir('templates'))"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert where.stdout.split() == [str(site / "server" / "static"), str(site / "server" / "templates")], \
        where.stdout + where.stderr
    port = _free_port()
    log = (elsewhere / "server.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "server", "--port", str(port)], cwd=elsewhere, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_SECONDS
        while process.poll() is None and time.monotonic() < deadline:
            try:
                _get(url + "/")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        assert process.poll() is None, (elsewhere / "server.log").read_text()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


PAGES = ("/", "/embed", "/lessons", "/lessons/xor", "/race")  # between them, they load every module


def test_the_installed_app_serves_the_page_and_every_file_it_loads(wheel_server):
    loaded = {}
    for page in PAGES:
        loaded.update(page_assets(lambda url: _get(url)[:2], wheel_server + page))
    scripts = {url.split("?")[0] for url in loaded if url.split("?")[0].endswith(".js")}
    assert len(scripts) >= len(_files(ROOT / "static" / "js")) > 10
    assert set(loaded.values()) == {200}, {url: status for url, status in loaded.items() if status != 200}


def test_the_installed_app_serves_docs_offline(wheel_server):
    loaded = page_assets(lambda url: _get(url)[:2], wheel_server + "/docs")
    assert any(url.endswith("swagger-ui-bundle.js") for url in loaded)
    assert set(loaded.values()) == {200}, loaded
    status, html, headers = _get(wheel_server + "/docs")
    assert other_hosts(html) == [] and other_hosts(headers["content-security-policy"]) == []
    status, schema, _ = _get(wheel_server + "/openapi.json")
    assert status == 200 and '"/api/sessions"' in schema
