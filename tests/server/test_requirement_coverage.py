"""Every server requirement of ``docs/spec.md`` is cited by at least one test here."""

from __future__ import annotations

import re
from pathlib import Path

from onsembl_spec.spec import requirements

HERE = Path(__file__).parent


def test_every_server_requirement_has_a_test() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py"))
    cited = set(re.findall(r"\b([A-Z]+-\d+)(?!\d)", text))
    server_ids = {r.id for r in requirements().values() if r.subject == "server"}
    missing = sorted(server_ids - cited, key=lambda i: (i.split("-")[0], int(i.split("-")[1])))
    assert missing == [], f"server requirements without a test: {missing}"
