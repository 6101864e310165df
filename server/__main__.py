"""``python -m server`` / ``playground``: serve the playground on 127.0.0.1 and print its URL."""
from __future__ import annotations

import argparse
import threading
import webbrowser

import uvicorn

from server.app import create_app
from server.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="playground", description="Backprop Playground server")
    parser.add_argument("--host", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default 8000)")
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.add_argument("--max-layers", type=int)
    parser.add_argument("--max-width", type=int)
    parser.add_argument("--max-samples", type=int)
    parser.add_argument("--max-sessions", type=int)
    parser.add_argument("--frame-rate", type=float)
    args = parser.parse_args(argv)
    settings = Settings.from_env(**{k: v for k, v in vars(args).items() if k != "open"})
    url = f"http://{settings.host}:{settings.port}/"
    print(f"Backprop Playground on {url}  (Ctrl+C stops it)", flush=True)
    if args.open:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="warning",
                ws_max_size=settings.max_message_bytes)


if __name__ == "__main__":
    main()
