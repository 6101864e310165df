"""server.docs: /docs is Swagger UI from assets installed with the package — no CDN, no other host in the
page or its CSP, and its one inline script admitted by hash, not by 'unsafe-inline'."""
from __future__ import annotations

import base64
import hashlib
import re

from tests.pagewalk import other_hosts, page_assets


def _get(client):
    def get(url):
        response = client.get(url)
        return response.status_code, response.text
    return get


def test_docs_and_every_asset_it_loads_are_served_by_us(client):
    loaded = page_assets(_get(client), "/docs")
    assert {url for url in loaded if url.endswith((".js", ".css"))} == \
        {"/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"}
    assert set(loaded.values()) == {200}, loaded


def test_docs_page_and_its_policy_name_no_other_host(client):
    response = client.get("/docs")
    policy = response.headers["content-security-policy"]
    assert other_hosts(response.text) == []
    assert other_hosts(policy) == [] and "https:" not in policy and "*" not in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


def test_the_inline_script_is_admitted_by_its_hash(client):
    response = client.get("/docs")
    scripts = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    assert len(scripts) == 1 and "SwaggerUIBundle" in scripts[0]
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["content-security-policy"]


def test_docs_loads_our_schema_without_the_online_validator(client):
    page = client.get("/docs").text
    assert "url: '/openapi.json'" in page
    assert '"validatorUrl": null' in page
    assert client.get("/openapi.json").json()["info"]["title"] == "Backprop Playground"


def test_the_oauth2_redirect_page_has_its_own_hash(client):
    response = client.get("/docs/oauth2-redirect")
    assert response.status_code == 200 and "sha256-" in response.headers["content-security-policy"]


def test_the_page_keeps_its_strict_policy(client):
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self';" in policy and other_hosts(policy) == []
