"""Where the two sides of ``onsembl diff`` come from: a directory or a git revision.

A side is a schema directory (one holding ``message.json``; a directory with a
``schemas/`` folder, such as a checkout, also works) or, failing that, a git
revision of the repository: its ``schemas/`` folder is exported with
``git archive`` into a temporary directory and loaded from there.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import IO

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from onsembl_spec.errors import SchemaError, UsageError
from onsembl_spec.schemas import SchemaSet, load_schemas

SCHEMAS_IN_REPO = "schemas"
"""The folder of the repository that holds the schemas."""

MAX_ARCHIVE_BYTES = 64 * 1024 * 1024
"""Largest ``schemas/`` export read from git; a larger one is refused."""

GIT_TIMEOUT_S = 120


def _git(
    repo: Path, *args: str, stdout: IO[bytes] | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            ["git", "-C", str(repo), *args],
            stdout=subprocess.PIPE if stdout is None else stdout,
            stderr=subprocess.PIPE,
            timeout=GIT_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError:
        raise UsageError("git is not installed; give schema directories instead") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {args[0]} took longer than {GIT_TIMEOUT_S} s") from None


def _first_line(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "no message"


def repository_root(start: Path) -> Path:
    """The top folder of the git repository containing ``start``."""
    if not start.is_dir():
        raise UsageError(f"--repo {start}: not a directory")
    done = _git(start, "rev-parse", "--show-toplevel")
    if done.returncode != 0:
        raise UsageError(f"{start} is not inside a git repository")
    return Path(done.stdout.decode("utf-8").strip())


def resolve_revision(repo: Path, revision: str) -> str:
    """The commit ID that ``revision`` names in ``repo``."""
    if not revision or revision.startswith("-"):
        raise UsageError(f"not a schema directory or a git revision: {revision!r}")
    done = _git(
        repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
    )
    if done.returncode != 0:
        raise UsageError(
            f"{revision!r} is neither a schema directory nor a revision of the repository {repo}"
        )
    return done.stdout.decode("ascii").strip()


def load_revision(repo: Path, revision: str) -> SchemaSet:
    """The schemas of ``revision``'s ``schemas/`` folder in the repository ``repo``."""
    commit = resolve_revision(repo, revision)
    with tempfile.TemporaryDirectory(prefix="onsembl-diff-") as tmp:
        archive = Path(tmp) / "schemas.tar"
        with archive.open("wb") as out:
            done = _git(repo, "archive", "--format=tar", commit, "--", SCHEMAS_IN_REPO, stdout=out)
        if done.returncode != 0:
            raise UsageError(
                f"revision {revision!r} has no {SCHEMAS_IN_REPO}/ folder"
                f" ({_first_line(done.stderr)})"
            )
        if archive.stat().st_size > MAX_ARCHIVE_BYTES:
            raise UsageError(
                f"{SCHEMAS_IN_REPO}/ of {revision!r} exceeds {MAX_ARCHIVE_BYTES} bytes"
            )
        target = Path(tmp) / "tree"
        with tarfile.open(archive) as tar:
            _extract_files(tar, target)
        try:
            return checked(load_schemas(target / SCHEMAS_IN_REPO))
        except SchemaError as err:
            where = str(err).replace(f"{target}{os.sep}", "")
            raise SchemaError(f"revision {revision!r}: {where}") from None


def _extract_files(tar: tarfile.TarFile, target: Path) -> None:
    """Write the regular files of ``tar`` under ``target``; links and odd names are skipped."""
    for member in tar.getmembers():
        parts = Path(member.name).parts
        if not member.isfile() or member.name.startswith("/") or ".." in parts:
            continue
        source = tar.extractfile(member)
        if source is None:
            continue
        destination = target.joinpath(*parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with source:
            destination.write_bytes(source.read())


def checked(schemas: SchemaSet) -> SchemaSet:
    """``schemas`` after checking every document against the Draft 2020-12 meta-schema.

    The diff reads keywords directly (``maxLength`` must be a number, ...), so
    a malformed schema is refused up front with a one-line error (exit 2).
    """
    meta = Draft202012Validator(Draft202012Validator.META_SCHEMA)
    for path, document in (
        (schemas.root / "common.json", schemas.common),
        (schemas.root / "message.json", schemas.union),
        *((schemas.files[t], doc) for t, doc in schemas.by_type.items()),
    ):
        error = best_match(meta.iter_errors(document))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            raise SchemaError(f"{path}: not a valid schema at {where}: {error.message}")
    return schemas


def schema_directory(path: Path) -> Path | None:
    """``path`` itself or its ``schemas/`` folder when either is a schema directory."""
    for candidate in (path, path / SCHEMAS_IN_REPO):
        if (candidate / "message.json").is_file():
            return candidate
    return None


def load_side(spec: str, repo: Path | None = None) -> SchemaSet:
    """Load one side of a diff: a schema directory, else a git revision of ``repo``.

    ``repo`` defaults to the repository containing the current directory.
    """
    path = Path(spec)
    if spec and path.is_dir():
        directory = schema_directory(path)
        if directory is None:
            raise UsageError(f"{spec} is not a schema directory (no message.json)")
        return checked(load_schemas(directory))
    start = Path.cwd() if repo is None else repo
    try:
        root = repository_root(start)
    except UsageError as err:
        raise UsageError(
            f"{spec!r} is neither a schema directory nor a git revision: {err}"
        ) from None
    return load_revision(root, spec)
