"""``python -m server`` / ``playground``: serve the playground on 127.0.0.1 and print its URL."""
from __future__ import annotations

import argparse
import os
import sys
import threading
import webbrowser

import uvicorn

from server.app import create_app
from server.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="playground", description="Backprop Playground server. Every "
                                     "setting can also come from a PLAYGROUND_<NAME> environment variable.")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    for name, field in Settings.model_fields.items():
        if field.annotation in (int, float, str):
            parser.add_argument(f"--{name.replace('_', '-')}", type=field.annotation, metavar=name.upper(),
                                help=f"{field.description or name.replace('_', ' ')} (default {field.default})")
        elif field.annotation is bool:
            parser.add_argument(f"--{name.replace('_', '-')}", action=argparse.BooleanOptionalAction,
                                help=f"{field.description or name.replace('_', ' ')} (default: "
                                     f"{'on' if field.default else 'off'})")
    args = parser.parse_args(argv)
    flags = {k: v for k, v in vars(args).items() if k != "open" and v is not None}
    try:
        settings = Settings.from_env(**flags)
    except ValueError as error:
        sys.exit(f"playground: {error}")
    url = f"http://{settings.host}:{settings.port}/"
    workers = f", {settings.workers} workers on {settings.store}" if settings.workers > 1 else ""
    print(f"Backprop Playground on {url}{workers}  (Ctrl+C stops it)", flush=True)
    if args.open:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    options = dict(host=settings.host, port=settings.port, log_level="warning", ws_max_size=settings.max_message_bytes,
                   ws_per_message_deflate=settings.ws_deflate)
    if settings.workers == 1:
        uvicorn.run(create_app(settings), **options)
        return
    # Each worker process builds its own app from the environment: pass the flags on that way.
    os.environ.update({f"PLAYGROUND_{k.upper()}": str(v) for k, v in flags.items()})
    uvicorn.run("server.app:create_app", factory=True, workers=settings.workers, **options)


if __name__ == "__main__":
    main()
