"""The list of generated files and their "do not edit" headers."""

from __future__ import annotations

from pathlib import Path

from onsembl_spec.errors import GeneratorError, UsageError
from onsembl_spec.generator.asyncapi import ASYNCAPI_PATH, asyncapi_yaml
from onsembl_spec.generator.changelog import load_versions
from onsembl_spec.generator.coverage_table import COVERAGE_DOC, Coverage, parse_coverage
from onsembl_spec.generator.flows import check_flows
from onsembl_spec.generator.hooks import DIFF_DOC, kept_files
from onsembl_spec.generator.html_docs import HTML_PATH, html_page
from onsembl_spec.generator.markdown_docs import markdown_files
from onsembl_spec.generator.model import message_docs
from onsembl_spec.generator.python_validators import generate_validators
from onsembl_spec.generator.site import SiteInputs, site_files
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


def generate_all(sources: Sources, coverage: Coverage | None = None) -> dict[str, str]:
    """Every generated file's text by its POSIX path relative to the repository root.

    ``coverage`` (the table of ``docs/coverage.md``) adds the checks of each
    requirement to the single HTML page.
    """
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
    by_id = {r.id: r for r in sources.requirements}
    html_header = header_lines("<!--", sources.docs_hash, end="-->")
    files.update(markdown_files(docs, html_header, by_id))
    files[HTML_PATH] = html_page(docs, html_header, sources.docs_hash, by_id, coverage)
    return dict(sorted(files.items()))


def _read(root: Path, relative: str) -> str | None:
    try:
        return (root / relative).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read {root / relative}: {err}") from None


def files_under(root: Path, sources: Sources) -> dict[str, str]:
    """Everything ``onsembl generate`` writes under ``root`` (and ``--check`` compares).

    The artifacts of :func:`generate_all`, the files kept current by
    :mod:`onsembl_spec.generator.hooks` (``docs/diff.md``'s rule table, files
    other packages contribute such as ``docs/coverage.md``), and the sources of
    the docs site (:mod:`onsembl_spec.generator.site`), which read those and the
    protocol versions under ``root``. The coverage table is the contributed one,
    else the file under ``root``.
    """
    kept = kept_files(root)
    coverage_text = kept.get(COVERAGE_DOC) or _read(root, COVERAGE_DOC)
    coverage = parse_coverage(coverage_text) if coverage_text is not None else None
    files = generate_all(sources, coverage)
    inputs = SiteInputs(
        coverage=coverage,
        diff_text=kept.get(DIFF_DOC),
        versions=load_versions(root),
        root=root,
    )
    site = site_files(
        sources,
        message_docs(sources),
        inputs,
        md_header=header_lines("<!--", sources.docs_hash, end="-->"),
        yaml_header=header_lines("#", sources.docs_hash),
        css_header=header_lines("/*", sources.docs_hash, end="*/"),
    )
    for relative, text in [*kept.items(), *site.items()]:
        if relative in files:
            raise GeneratorError(f"{relative} is both a generated artifact and a kept file")
        files[relative] = text
    return dict(sorted(files.items()))
