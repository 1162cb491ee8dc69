"""The list of generated files and their "do not edit" headers."""

from __future__ import annotations

from pathlib import Path

from onsembl_spec.errors import GeneratorError
from onsembl_spec.generator.asyncapi import ASYNCAPI_PATH, asyncapi_yaml
from onsembl_spec.generator.flows import check_flows
from onsembl_spec.generator.hooks import kept_files
from onsembl_spec.generator.html_docs import HTML_PATH, html_page
from onsembl_spec.generator.markdown_docs import markdown_files
from onsembl_spec.generator.model import message_docs
from onsembl_spec.generator.python_validators import generate_validators
from onsembl_spec.generator.source import Sources
from onsembl_spec.generator.typescript import TYPESCRIPT_PATH, typescript_declarations

GENERATED_PACKAGE = "src/onsembl_spec/_generated/__init__.py"

NOTICE = "Generated from schemas by `onsembl generate`; do not edit."


def header_lines(comment: str, source_hash: str, end: str = "") -> str:
    """The header of a generated file, as comments of the file's language.

    ``comment`` opens a comment (``#``, ``//``); with ``end`` (``-->``) the
    header is one block comment opened by ``comment``.
    """
    if end:
        return f"{comment} {NOTICE} Source sha256: {source_hash} {end}\n"
    return f"{comment} {NOTICE}\n{comment} Source sha256: {source_hash}\n"


def generate_all(sources: Sources) -> dict[str, str]:
    """Every generated file's text by its POSIX path relative to the repository root."""
    files: dict[str, str] = {}
    validators = generate_validators(
        sources.schemas,
        header_lines("#", sources.schema_hash) + "# ruff: noqa\n",
        source_hash=sources.schema_hash,
    )
    files[validators.path] = validators.text
    files[GENERATED_PACKAGE] = (
        header_lines("#", sources.schema_hash)
        + '"""Code generated from the schemas by ``onsembl generate`` (see ``validators``)."""\n'
    )
    files[ASYNCAPI_PATH] = asyncapi_yaml(sources.schemas, header_lines("#", sources.schema_hash))
    files[TYPESCRIPT_PATH] = typescript_declarations(
        sources.schemas, header_lines("//", sources.schema_hash)
    )
    check_flows(sources.schemas)
    docs = message_docs(sources)
    files.update(markdown_files(docs, header_lines("<!--", sources.docs_hash, end="-->")))
    files[HTML_PATH] = html_page(
        docs, header_lines("<!--", sources.docs_hash, end="-->"), sources.docs_hash
    )
    return dict(sorted(files.items()))


def files_under(root: Path, sources: Sources) -> dict[str, str]:
    """Everything ``onsembl generate`` writes under ``root`` (and ``--check`` compares).

    The artifacts of :func:`generate_all`, and the files kept current by
    :mod:`onsembl_spec.generator.hooks` (``docs/diff.md``'s rule table, files
    other packages contribute such as ``docs/coverage.md``).
    """
    files = generate_all(sources)
    for relative, text in kept_files(root).items():
        if relative in files:
            raise GeneratorError(f"{relative} is both a generated artifact and a kept file")
        files[relative] = text
    return dict(sorted(files.items()))
