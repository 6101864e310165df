"""Where the page's files live. A built package carries the repository's top-level ``static/`` and
``templates/`` inside it, as ``server/static`` and ``server/templates`` (pyproject.toml maps them); a
source checkout (an editable install) keeps them at its top level, beside ``server/``."""
from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def asset_dir(name: str) -> Path:
    """The directory ``name`` ("static" or "templates") of the installed package, or of the checkout."""
    packaged = PACKAGE / name
    if packaged.is_dir():
        return packaged
    checkout = PACKAGE.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / name).is_dir():
        return checkout / name
    raise RuntimeError(f"no '{name}' directory in {PACKAGE} (a broken install?) nor in a source checkout")
