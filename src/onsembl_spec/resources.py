"""Where the package's data files are: inside the wheel, or in the repository.

A wheel carries ``schemas/`` and ``docs/spec.md`` under ``onsembl_spec/_data``
(see ``pyproject.toml``). An editable install (or running from a checkout)
has no ``_data`` folder, so the repository's own files are used.
"""

from __future__ import annotations

import hashlib
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


def hash_files(root: Path, extra: tuple[tuple[str, bytes], ...] = ()) -> str:
    """sha256 over the schema files under ``root`` (sorted by relative path) and ``extra``.

    Each file contributes its relative POSIX path, a NUL, its bytes and a NUL,
    so the hash is the same wherever the directory lives. Generated files name
    it in their header (``onsembl generate``).
    """
    digest = hashlib.sha256()
    files = sorted(root.rglob("*.json"), key=lambda p: p.relative_to(root).as_posix())
    items = [(p.relative_to(root).as_posix(), p.read_bytes()) for p in files]
    for name, data in [*items, *extra]:
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()
