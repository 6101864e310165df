"""Real services for tests on free loopback ports: Debian's redis-server and nginx, and our own server as
a process (``python -m server`` with any flags). Each stops when its ``with`` block ends, and never outlives
the test run (a hard timeout kills what does not stop).

Where a binary is missing, CI (CI=true) fails — these tests never skip there; elsewhere they skip.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 30
IN_CI = os.environ.get("CI") == "true"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def binary(name: str, *places: str) -> str:
    found = shutil.which(name) or next((p for p in places if Path(p).exists()), None)
    if found is None:
        message = f"{name} is missing (apt-get install {name}; .ci/run installs it)"
        pytest.fail(message) if IN_CI else pytest.skip(message)
    return found


def _wait(ready, process: subprocess.Popen, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text() if log and log.exists() else ""
            raise RuntimeError(f"{what} exited with {process.returncode} before it was ready\n{output}")
        if ready():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} was not ready within {START_SECONDS} s")


def _stop(process: subprocess.Popen, group: bool = False) -> None:
    if process.poll() is not None:
        return
    (os.killpg(process.pid, signal.SIGTERM) if group else process.terminate())
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        (os.killpg(process.pid, signal.SIGKILL) if group else process.kill())
        process.wait()


class Redis:
    """``redis-server`` on a free port, in memory only (no snapshot file)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> "Redis":
        executable = binary("redis-server", "/usr/bin/redis-server")
        self.process = subprocess.Popen(
            [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--loglevel", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        import redis
        client = redis.Redis(port=self.port)
        def ready():
            try:
                return client.ping()
            except redis.ConnectionError:
                return False
        _wait(ready, self.process, "redis-server")
        client.close()
        return self

    def __exit__(self, *exc) -> None:
        _stop(self.process)


class Server:
    """``python -m server --port N [flags]`` in its own process group (so ``kill`` reaches its workers)."""

    def __init__(self, *flags: str, port: int | None = None, log: Path | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.flags = flags
        self.log = log or Path(tempfile.mkstemp(prefix="server-", suffix=".log")[1])

    def start(self) -> "Server":
        with self.log.open("ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "server", "--port", str(self.port), *self.flags],
                                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        def ready():
            try:
                with urllib.request.urlopen(self.url + "/api/registries", timeout=2) as response:
                    return response.status == 200
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False
        _wait(ready, self.process, "the server", self.log)
        return self

    def kill(self) -> None:
        """``kill -9`` the server and every worker it started: nothing gets to save or let go."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        _stop(self.process, group=True)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


NGINX_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream playground {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://playground;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host:$server_port;
            proxy_read_timeout 300s;
        }}
    }}
}}
"""


class Nginx:
    """Debian's nginx in plain round robin over ``upstreams`` (no sticky sessions), on a free port."""

    def __init__(self, upstreams: list[int]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.upstreams = upstreams

    def __enter__(self) -> "Nginx":
        executable = binary("nginx", "/usr/sbin/nginx")
        self.dir = Path(tempfile.mkdtemp(prefix="nginx-"))
        servers = "\n".join(f"        server 127.0.0.1:{port};" for port in self.upstreams)
        conf = self.dir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=self.dir, servers=servers, port=self.port))
        self.process = subprocess.Popen([executable, "-c", str(conf), "-p", str(self.dir), "-e", str(self.dir / "error.log")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        def ready():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            except OSError:
                return False
        _wait(ready, self.process, "nginx", self.dir / "error.log")
        return self

    def __exit__(self, *exc) -> None:
        _stop(self.process)
        shutil.rmtree(self.dir, ignore_errors=True)
