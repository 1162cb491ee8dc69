"""docs/spec.md: requirement IDs are well-formed, unique and cover R1-R16 and every type."""

from __future__ import annotations

import re

import pytest

from onsembl_spec import MESSAGE_TYPES
from onsembl_spec.errors import SpecError
from onsembl_spec.resources import spec_path
from onsembl_spec.spec import LEVELS, parse_spec, requirement, requirements


def test_every_requirement_has_level_subject_sentence_and_source() -> None:
    reqs = requirements()
    assert len(reqs) >= 100
    for req in reqs.values():
        assert re.fullmatch(r"[A-Z]+-[1-9][0-9]*", req.id)
        assert req.level in LEVELS
        assert req.text.endswith("."), req.id
        assert req.source, req.id


def test_ids_are_numbered_without_gaps_within_each_area() -> None:
    by_area: dict[str, list[int]] = {}
    for req in requirements().values():
        by_area.setdefault(req.area, []).append(int(req.id.rsplit("-", 1)[1]))
    for area, numbers in by_area.items():
        assert numbers == list(range(1, len(numbers) + 1)), area


@pytest.mark.parametrize("ruling", [f"R{n}" for n in range(1, 17)])
def test_each_ruling_is_the_source_of_some_requirement(ruling: str) -> None:
    assert any(ruling in req.rulings for req in requirements().values())


@pytest.mark.parametrize("message_type", MESSAGE_TYPES)
def test_each_message_type_is_in_the_catalogue(message_type: str) -> None:
    text = spec_path().read_text(encoding="utf-8")
    assert re.search(rf"^\| `{re.escape(message_type)}` \|", text, re.MULTILINE)


def test_catalogue_rows_cite_only_defined_requirements() -> None:
    text = spec_path().read_text(encoding="utf-8")
    ids = set(requirements())
    for row in re.findall(r"^\| `[a-z:-]+` \|.*$", text, re.MULTILINE):
        for cited in re.findall(r"\b([A-Z]+-[0-9]+)\b", row):
            assert cited in ids, cited


def test_decisions_are_marked() -> None:
    decided = [r for r in requirements().values() if r.is_decision]
    assert len(decided) >= 20
    assert requirement("AUTH-7").is_decision
    assert not requirement("AUTH-1").is_decision


def test_unknown_requirement_is_a_spec_error() -> None:
    with pytest.raises(SpecError):
        requirement("NOPE-1")


def test_parser_rejects_duplicates_and_bad_levels() -> None:
    line = "- **A-1** (MUST, server): x.\n  *Source:* R1.\n"
    with pytest.raises(SpecError, match="twice"):
        parse_spec(line + line)
    with pytest.raises(SpecError, match="level"):
        parse_spec("- **A-1** (OUGHT, server): x.\n  *Source:* R1.\n")
    with pytest.raises(SpecError, match="Source"):
        parse_spec("- **A-1** (MUST, server): x.\n")


def test_parser_ignores_fenced_examples() -> None:
    text = (
        "```\n- **X-1** (MUST, server): example\n```\n"
        "- **A-1** (MAY, client): y.\n  *Source:* R2.\n"
    )
    assert list(parse_spec(text)) == ["A-1"]
