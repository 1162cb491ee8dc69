"""The docs site's sources (``docs/site/``, ``mkdocs.yml``), the links helpers, the coverage
table read back, and the protocol changelog. Fast: no browser, no MkDocs (tests/docs
builds and drives the site)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

import pytest
import yaml

from onsembl_spec.errors import GeneratorError
from onsembl_spec.generator import files_under
from onsembl_spec.generator.changelog import (
    TAG_PREFIX,
    VERSIONS_DIR,
    VERSIONS_FILE,
    changelog_page,
    load_versions,
)
from onsembl_spec.generator.coverage_table import COVERAGE_DOC, parse_coverage
from onsembl_spec.generator.links import (
    DOCS_URL_ENV,
    check_url,
    coverage_url,
    link_ids_html,
    link_ids_markdown,
    message_url,
    requirement_url,
)
from onsembl_spec.generator.site import MKDOCS_CONFIG, SITE_DIR, protocol_version
from onsembl_spec.generator.source import load_sources
from onsembl_spec.schemas import load_schemas
from onsembl_spec.spec import requirements

ROOT = Path(__file__).resolve().parents[2]
KNOWN = frozenset(requirements())


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return files_under(ROOT, load_sources())


def site_page(files: dict[str, str], path: str) -> str:
    return files[f"{SITE_DIR}/{path}"]


# ---------------------------------------------------------------- links


def test_requirement_url_and_friends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DOCS_URL_ENV, raising=False)
    assert requirement_url("AUTH-3") == "spec.html#AUTH-3"
    assert requirement_url("AUTH-3", base="https://x.example/docs") == (
        "https://x.example/docs/spec.html#AUTH-3"
    )
    monkeypatch.setenv(DOCS_URL_ENV, "https://site.example/")
    assert requirement_url("CLIENT-1") == "https://site.example/spec.html#CLIENT-1"
    assert requirement_url("CLIENT-1", base="") == "spec.html#CLIENT-1"
    assert coverage_url("AUTH-3") == "https://site.example/coverage.html#AUTH-3"
    assert check_url("no_token", base="") == "coverage.html#check-no_token"
    assert check_url("answers_pings", client=True, base="") == (
        "coverage.html#client-check-answers_pings"
    )
    assert message_url("agent:connect", base="") == "messages/agent-connect.html"
    with pytest.raises(ValueError, match="not a requirement ID"):
        requirement_url("auth-3")


def test_ids_are_linked_in_markdown_except_in_code_and_links() -> None:
    text = "\n".join([
        "See AUTH-3 and AUTH-2..AUTH-8, not UTF-8 or `AUTH-3` or [AUTH-3](x.md#AUTH-3).",
        "```",
        "AUTH-3 in a fence",
        "```",
        '<a id="AUTH-3"></a> (AUTH-3)',
    ])
    linked = link_ids_markdown(text, lambda i: f"spec.md#{i}", KNOWN)
    assert linked.splitlines() == [
        "See [AUTH-3](spec.md#AUTH-3) and [AUTH-2](spec.md#AUTH-2)..[AUTH-8](spec.md#AUTH-8),"
        " not UTF-8 or `AUTH-3` or [AUTH-3](x.md#AUTH-3).",
        "```",
        "AUTH-3 in a fence",
        "```",
        '<a id="AUTH-3"></a> ([AUTH-3](spec.md#AUTH-3))',
    ]


def test_ids_are_linked_in_html_except_in_links_and_code() -> None:
    html = 'AUTH-3 <code>AUTH-3</code> <a href="#x">AUTH-3</a> <b title="AUTH-3">CMD-1</b>'
    assert link_ids_html(html, lambda i: f"#{i}", KNOWN) == (
        '<a class="req-link" href="#AUTH-3">AUTH-3</a> <code>AUTH-3</code> '
        '<a href="#x">AUTH-3</a> <b title="AUTH-3"><a class="req-link" href="#CMD-1">CMD-1</a></b>'
    )


# ---------------------------------------------------------------- coverage table


def test_the_coverage_table_is_read_back(files: dict[str, str]) -> None:
    coverage = parse_coverage(files[COVERAGE_DOC])
    assert list(coverage.rows) == list(requirements())
    row = coverage.rows["AUTH-3"]
    assert [c.name for c in row.checks] == ["no_token"] and not row.checks[0].client
    client = coverage.rows["MSG-9"]
    assert all(c.client for c in client.checks)
    assert {c.roles for c in client.checks} <= {"agents", "dashboards", ""}
    assert coverage.rows["MSG-1"].checks == () and coverage.rows["MSG-1"].cell == "(schema)"


def test_a_coverage_table_with_more_columns_in_another_order_is_read() -> None:
    text = (
        "# x\n\n| checks | note | subject | level | requirement |\n|---|---|---|---|---|\n"
        "| `a` (agents), `b` | n | client | MUST | CLIENT-1 |\n| not checked | | server | MAY "
        "| TRANS-9 |\n\nafter\n"
    )
    coverage = parse_coverage(text)
    assert [(c.name, c.roles, c.client) for c in coverage.rows["CLIENT-1"].checks] == [
        ("a", "agents", True), ("b", "", True)]  # fmt: skip
    assert coverage.rows["TRANS-9"].cell == "not checked"
    with pytest.raises(GeneratorError, match="no table with the columns"):
        parse_coverage("| requirement | level |\n|---|---|\n")


# ---------------------------------------------------------------- the pages


def test_every_requirement_has_its_section_with_its_checks(files: dict[str, str]) -> None:
    spec = site_page(files, "spec.md")
    coverage = parse_coverage(files[COVERAGE_DOC])
    sections = re.split(r"^### ", spec, flags=re.M)
    by_id = {}
    for section in sections[1:]:
        match = re.match(r"([A-Z]+-\d+) \{ #\1 \.requirement \}\n", section)
        if match:
            by_id[match.group(1)] = section
    assert list(by_id) == list(requirements())
    for req_id, requirement in requirements().items():
        section = by_id[req_id]
        assert f"**{requirement.level}** ({requirement.subject}): " in section
        assert f"(coverage.md#{req_id})" in section
        for check in coverage.rows[req_id].checks:
            kind = "client-check" if check.client else "check"
            assert f"(coverage.md#{kind}-{check.name})" in section, (req_id, check)


def test_the_coverage_page_anchors_every_row_and_check(files: dict[str, str]) -> None:
    page = site_page(files, "coverage.md")
    anchors = set(re.findall(r'<a id="([^"]+)"></a>', page))
    assert set(requirements()) <= anchors
    targets = set(re.findall(r"\]\(coverage\.md#([^)]+)\)", site_page(files, "spec.md")))
    assert targets <= anchors
    assert {t for t in targets if t.startswith("client-check-")}  # both kinds present
    assert {t for t in targets if t.startswith("check-")}


BARE_ID = re.compile(r"(?<![\w/#\[-])([A-Z]+-[0-9]+)(?![\w\]-])")


@pytest.mark.parametrize("page", ["index.md", "spec.md", "coverage.md", "diff.md", "flows.md",
                                  "changelog.md", "messages/command-request.md"])  # fmt: skip
def test_requirement_ids_are_links_everywhere(files: dict[str, str], page: str) -> None:
    text = site_page(files, page)
    text = re.sub(r"^\s*```.*?^\s*```", "", text, flags=re.M | re.S)  # fences
    text = re.sub(r"`[^`\n]+`", "", text)  # code spans
    text = re.sub(r"\[[^\]]*\]\([^)]*\)", "", text)  # links
    text = re.sub(r"^### \S+ \{[^}]*\}$", "", text, flags=re.M)  # the requirement headings
    text = re.sub(r'<a id="[^"]+"></a>', "", text)
    bare = [m for m in BARE_ID.findall(text) if m in KNOWN]
    assert bare == []


def test_mkdocs_config_names_every_page_and_stays_offline(files: dict[str, str]) -> None:
    config = yaml.safe_load(files[MKDOCS_CONFIG])
    assert config["docs_dir"] == SITE_DIR and config["use_directory_urls"] is False
    assert config["strict"] is True and config["theme"]["font"] is False
    assert set(config["validation"].values()) == {"warn"}  # warnings fail: strict

    def pages(nav: list[object]) -> list[str]:
        found: list[str] = []
        for entry in nav:
            assert isinstance(entry, dict)
            for target in entry.values():
                found += pages(target) if isinstance(target, list) else [str(target)]
        return found

    listed = pages(config["nav"])
    written = sorted(p.removeprefix(f"{SITE_DIR}/") for p in files
                     if p.startswith(f"{SITE_DIR}/") and p.endswith(".md"))  # fmt: skip
    assert sorted(listed) == written
    for path in written:
        assert "](http" not in site_page(files, path), path  # no page reaches elsewhere
        assert "<script" not in site_page(files, path), path


def test_site_pages_carry_the_generated_header(files: dict[str, str]) -> None:
    for path, text in files.items():
        if path.startswith(f"{SITE_DIR}/") or path == MKDOCS_CONFIG:
            head = "\n".join(text.splitlines()[:6])
            assert "do not edit" in head and "sha256" in head, path


# ---------------------------------------------------------------- changelog


def test_the_protocol_versions_start_at_the_spec_s_version() -> None:
    versions = load_versions(ROOT)
    assert versions is not None
    assert versions[0].version == "1.4.0"
    assert protocol_version((ROOT / "docs" / "spec.md").read_text("utf-8")) == (
        versions[-1].version
    )
    for version in versions:
        load_schemas(ROOT / version.directory)


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, check=False)


def _schemas_at(revision: str) -> dict[str, bytes]:
    archive = _git("archive", "--format=tar", revision, "schemas")
    assert archive.returncode == 0, archive.stderr
    out = {}
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        for member in tar.getmembers():
            if member.isfile():
                extracted = tar.extractfile(member)
                assert extracted is not None
                out[member.name.removeprefix("schemas/")] = extracted.read()
    return out


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes()
            for p in sorted(directory.rglob("*")) if p.is_file()}  # fmt: skip


def test_each_snapshot_is_the_schemas_of_its_revision_and_tag() -> None:
    """Provenance, where the history is present (a shallow clone or an sdist has none:
    the changelog never needs it)."""
    versions = load_versions(ROOT)
    assert versions is not None
    compared = 0
    for version in versions:
        snapshot = _snapshot(ROOT / version.directory)
        for revision in (version.rev, version.tag):
            if _git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").returncode:
                continue
            assert _schemas_at(revision) == snapshot, (version.version, revision)
            compared += 1
    if not compared:
        pytest.skip("no revision of a protocol version in this clone's history")


def _root_with_versions(tmp_path: Path, *entries: tuple[str, Path]) -> Path:
    listed = []
    for version, schemas in entries:
        shutil.copytree(schemas, tmp_path / VERSIONS_DIR / version)
        listed.append({"version": version, "date": "2026-12-06", "rev": "0" * 40,
                       "notes": f"notes of {version}"})  # fmt: skip
    (tmp_path / VERSIONS_FILE).write_text(json.dumps(listed), encoding="utf-8")
    return tmp_path


def _tightened(tmp_path: Path) -> Path:
    """The schemas with ``command:request`` ``command`` at most 100 characters."""
    changed = tmp_path / "changed"
    shutil.copytree(ROOT / "schemas", changed)
    common = changed / "common.json"
    data = json.loads(common.read_text("utf-8"))
    data["$defs"]["commandText"]["maxLength"] = 100
    common.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return changed


def test_the_changelog_diffs_each_version_with_the_one_before(tmp_path: Path) -> None:
    changed = _tightened(tmp_path)
    root = _root_with_versions(tmp_path / "root", ("1.4.0", ROOT / "schemas"),
                               ("1.5.0", changed))  # fmt: skip
    versions = load_versions(root)
    assert versions is not None
    page = changelog_page(root, versions, load_schemas(ROOT / "schemas"), "")
    first, second = page.index("## 1.5.0"), page.index("## 1.4.0")
    assert page.index("## Unreleased") < first < second
    entry = page[first:second]
    assert "**breaking**" in entry
    assert "[`MAX_LENGTH_DECREASED`](diff.md#MAX_LENGTH_DECREASED)" in entry
    assert "[`command:request`](messages/command-request.md)" in entry
    # schemas/ (the current set) is 1.4.0's again: unreleased, the change back.
    unreleased = page[: first]
    assert "MAX_LENGTH_INCREASED" in unreleased and "not yet released" in unreleased


def test_the_changelog_of_the_repository_says_schemas_are_released(files: dict[str, str]) -> None:
    page = site_page(files, "changelog.md")
    assert "## Unreleased" in page and "has not changed since 1.4.0" in page
    assert "## 1.4.0 (" in page and f"`{TAG_PREFIX}1.4.0`" in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{}", "non-empty JSON array"),
        ('[{"version": "1.4"}]', "exactly: version, date, rev, notes"),
        ('[{"version": "1.4", "date": "2026-12-06", "rev": "' + "0" * 40 + '", "notes": ""}]',
         "MAJOR.MINOR.PATCH"),
        ('[{"version": "1.4.0", "date": "2026-12-06", "rev": "abc", "notes": ""}]',
         "40-digit"),
        ("[" + ",".join(['{"version": "1.4.0", "date": "2026-12-06", "rev": "' + "0" * 40
                         + '", "notes": ""}'] * 2) + "]", "oldest first"),
    ],
)  # fmt: skip
def test_a_malformed_versions_file_is_one_error(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / VERSIONS_DIR).mkdir(parents=True)
    (tmp_path / VERSIONS_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(GeneratorError, match=message):
        load_versions(tmp_path)


def test_a_root_without_versions_has_no_changelog(tmp_path: Path) -> None:
    assert load_versions(tmp_path) is None
    written = files_under(tmp_path, load_sources())
    assert f"{SITE_DIR}/changelog.md" not in written
    assert f"{SITE_DIR}/spec.md" in written
    assert "changelog.md" not in written[MKDOCS_CONFIG]
