"""Where the package's data files are: inside the wheel, or in the repository.

A wheel carries ``schemas/`` and ``docs/spec.md`` under ``onsembl_spec/_data``
(see ``pyproject.toml``). An editable install (or running from a checkout)
has no ``_data`` folder, so the repository's own files are used.
"""

from __future__ import annotations

from pathlib import Path

from onsembl_spec.errors import SchemaError, SpecError

_PACKAGE_DIR = Path(__file__).resolve().parent
_DATA_DIR = _PACKAGE_DIR / "_data"
_REPO_ROOT = _PACKAGE_DIR.parent.parent


def repo_root() -> Path | None:
    """The repository checkout this package runs from, or ``None`` when installed."""
    if (_REPO_ROOT / "schemas").is_dir() and (_REPO_ROOT / "pyproject.toml").is_file():
        return _REPO_ROOT
    return None


def schemas_dir() -> Path:
    """The directory holding ``message.json``, ``common.json`` and ``messages/``."""
    for candidate in (_DATA_DIR / "schemas", _REPO_ROOT / "schemas"):
        if (candidate / "message.json").is_file():
            return candidate
    raise SchemaError("cannot find the schema files (expected a schemas/ directory)")


def spec_path() -> Path:
    """The normative specification, ``docs/spec.md``."""
    for candidate in (_DATA_DIR / "spec.md", _REPO_ROOT / "docs" / "spec.md"):
        if candidate.is_file():
            return candidate
    raise SpecError("cannot find the specification (expected docs/spec.md)")
