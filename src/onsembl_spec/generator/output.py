"""Writing generated files, and finding the stale ones (``onsembl generate --check``).

The generator owns whole directories (:data:`OWNED_DIRS`): a file there that
the schemas no longer produce is stale too, and is deleted on write.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from onsembl_spec.errors import UsageError

OWNED_DIRS = ("docs/reference", "docs/site", "docs/typescript", "src/onsembl_spec/_generated")
"""Directories (relative to the output root) holding only generated files."""

_IGNORED = ("__pycache__",)


def _owned_files(root: Path) -> set[str]:
    found: set[str] = set()
    for directory in OWNED_DIRS:
        base = root / directory
        if not base.is_dir():
            continue
        for path in base.rglob("*"):
            if path.is_file() and not any(part in _IGNORED for part in path.parts):
                found.add(path.relative_to(root).as_posix())
    return found


def stale_files(root: Path, files: Mapping[str, str]) -> list[str]:
    """Paths (relative to ``root``) that differ from ``files``, are missing, or are left over."""
    stale = []
    for relative, text in files.items():
        path = root / relative
        try:
            current = path.read_bytes()
        except FileNotFoundError:
            stale.append(relative)
            continue
        except OSError as err:
            raise UsageError(f"cannot read {path}: {err.strerror or err}") from None
        if current != text.encode("utf-8"):
            stale.append(relative)
    stale += sorted(_owned_files(root) - set(files))
    return sorted(stale)


def write_files(root: Path, files: Mapping[str, str]) -> list[str]:
    """Write what changed, delete left-over files of owned directories; return what changed."""
    changed = stale_files(root, files)
    try:
        for relative in changed:
            path = root / relative
            if relative in files:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(files[relative].encode("utf-8"))
            else:
                path.unlink()
    except OSError as err:
        raise UsageError(f"cannot write under {root}: {err.strerror or err}") from None
    return changed
