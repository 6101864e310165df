"""Every file a page loads: its stylesheets, icons and scripts, and the ES modules those scripts import."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

_PAGE_REFERENCE = re.compile(r"""<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)\"""")
# an ES module's static or dynamic import of a path (a bare specifier such as "react" never loads in a page)
_MODULE_IMPORT = re.compile(r"""(?:\bfrom|\bimport)\s*\(?\s*["']((?:\.{1,2}/|/)[^"']+)["']""")
_HOST = re.compile(r"""(?:https?:|wss?:)?//[a-z0-9.-]+\.[a-z]{2,}""", re.IGNORECASE)


def page_assets(get, page_url: str) -> dict[str, int]:
    """``get(url) -> (status, text)``; returns {url: status} for every file ``page_url`` loads."""
    status, html = get(page_url)
    seen: dict[str, int] = {page_url: status}
    queue = [urljoin(page_url, ref) for ref in _PAGE_REFERENCE.findall(html)]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        status, text = get(url)
        seen[url] = status
        if urlsplit(url).path.endswith(".js"):
            queue += [urljoin(url, ref) for ref in _MODULE_IMPORT.findall(text)]
    return seen


def other_hosts(text: str) -> list[str]:
    """Every absolute URL (or protocol-relative one) in ``text``: a page that works offline names none."""
    return _HOST.findall(text)
