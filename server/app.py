"""The app factory: wires settings, the session store, routers, static files and error handling."""
from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import ValidationError

from server import api, data_api, lesson_routes, live, pages, race_routes
from server.allocator import keep_freed_memory
from server.contract import install_contract
from server.docs import add_docs
from server.assets import asset_dir
from server.pages import VERSION
from server.player import Player
from server.races import RaceStore
from server.limits import LimitError
from server.sessions import CapacityError, SessionStore
from server.settings import Settings

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self' ws: wss:; frame-ancestors *; base-uri 'self'; form-action 'self'")


def _error(loc: list, message: str, kind: str, status: int = 422) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": [{"loc": loc, "msg": message, "type": kind}]})


def open_store(settings: Settings) -> SessionStore:
    """``--store memory`` (this process only) or ``--store redis://host:port/db`` (shared, durable)."""
    if settings.store == "memory":
        return SessionStore(settings)
    from server.redis_store import RedisStore  # the redis client is an optional extra
    return RedisStore(settings, settings.store)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    keep_freed_memory()  # frames rebuild the same large arrays many times a second (server/allocator.py)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await app.state.store.start()
        yield
        app.state.races.close()
        app.state.player.close()
        await app.state.store.close()

    app = FastAPI(title="Backprop Playground", version=VERSION, lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Step a NumPy neural network through forward, loss, backward and update. "
                              "Wire format: docs/api.md.")
    app.state.settings = settings
    app.state.store = open_store(settings)
    app.state.player = Player(settings, app.state.store)
    app.state.races = RaceStore(app.state.store, settings.max_sessions)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > settings.max_message_bytes:
            return _error(["body"], f"request body too large: at most {settings.max_message_bytes} bytes",
                          "limit", 413)
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)  # the docs pages set their own
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    @app.exception_handler(LimitError)
    async def limit_error(request: Request, error: LimitError):
        return _error(["body" if request.method != "GET" else "query", error.field], error.message, "limit",
                      error.status)

    @app.exception_handler(CapacityError)
    async def capacity_error(request: Request, error: CapacityError):
        return JSONResponse(status_code=503, content={"detail": str(error)}, headers={"Retry-After": "10"})

    @app.exception_handler(ValidationError)
    async def config_error(request: Request, error: ValidationError):
        # Raised when a config assembled inside a route (a merge, a parsed hash) does not validate.
        errors = error.errors(include_url=False, include_context=False, include_input=False)
        detail = [{"loc": ["body", "config", *map(str, e["loc"])], "msg": e["msg"], "type": e["type"]}
                  for e in errors]
        # A patch's fields each valid, but together with the session's config inconsistent: a 409.
        clash = request.method == "PATCH" and all(not e["loc"] for e in errors)
        return JSONResponse(status_code=409 if clash else 422, content={"detail": detail})

    @app.exception_handler(ValueError)
    async def value_error(request: Request, error: ValueError):
        return _error(["body", "config"], str(error), "value_error", 409 if request.method == "PATCH" else 422)

    app.include_router(api.router)
    app.include_router(data_api.router)
    app.include_router(live.router)
    app.include_router(pages.router)
    app.include_router(lesson_routes.router)
    app.include_router(race_routes.router)
    add_docs(app)
    install_contract(app, settings)
    app.mount("/static", StaticFiles(directory=asset_dir("static")), name="static")
    return app

