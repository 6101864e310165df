"""The interactive API reference, offline: Swagger UI at /docs, served from the assets the fastapi-offline
package installs. No CDN; the page's CSP names no other host and admits its one inline script by hash.
(No /redoc: ReDoc's footer loads its logo from its vendor's host.)"""
from __future__ import annotations

import base64
import hashlib
import re
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"
FAVICON_URL = "/static/favicon.svg"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def docs_csp(html: str) -> str:
    """A policy for one docs page: our origin only, plus the SHA-256 of each inline script it holds."""
    hashes = "".join(f" 'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
                     for script in _INLINE_SCRIPT.findall(html))
    return (f"default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
            f"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            "frame-ancestors 'self'; base-uri 'self'; form-action 'self'")


def _page(response: HTMLResponse) -> HTMLResponse:
    response.headers["Content-Security-Policy"] = docs_csp(response.body.decode())
    return response


def add_docs(app: FastAPI, docs_url: str = "/docs") -> None:
    """Mount the Swagger UI assets and add the page (create the app with docs_url=None, redoc_url=None)."""
    assets = resources.files("fastapi_offline") / "static"
    app.mount(ASSETS_URL, StaticFiles(directory=str(assets)), name="docs-assets")
    oauth2_redirect_url = f"{docs_url}/oauth2-redirect"

    @app.get(docs_url, include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _page(get_swagger_ui_html(
            openapi_url=root + app.openapi_url, title=f"{app.title} — API reference",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css", swagger_favicon_url=root + FAVICON_URL,
            oauth2_redirect_url=root + oauth2_redirect_url,
            swagger_ui_parameters={"validatorUrl": None, "tryItOutEnabled": True}))

    @app.get(oauth2_redirect_url, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return _page(get_swagger_ui_oauth2_redirect_html())

