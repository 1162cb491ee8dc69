"""Runs catalogue entries in one process: ``python catalogue_driver.py OUT.json WORKDIR INDEX...``.

For each entry it starts the broken server (``broken_server.py FAULT``) and
runs the suite's engine in this process (saving a Python start-up per entry),
then writes ``[{index, exit_code, failed, error}]`` to OUT.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conformance_catalogue import CATALOGUE
from conformance_support import LAUNCHER
from faults_tokens import write_private_key

from onsembl_conformance.bundled import new_secret
from onsembl_conformance.credentials import KeyIssuer, SecretIssuer, TokenIssuer, parse_claims
from onsembl_conformance.engine import parse_selectors
from onsembl_conformance.runner import RunOptions, run
from onsembl_spec.errors import OnsemblError
from onsembl_spec.spec import requirement


def run_entry(index: int, workdir: Path) -> dict[str, object]:
    entry = CATALOGUE[index]
    issuer: TokenIssuer | None = None
    if entry.jwt_alg is not None:  # a key made now, its public half trusted (issue 10)
        key = write_private_key(entry.jwt_alg, workdir / f"key-{index}.pem")
        issuer = KeyIssuer(key, entry.jwt_alg, parse_claims(entry.claims))
    elif entry.claims:
        issuer = SecretIssuer(new_secret(), parse_claims(entry.claims))
    options = RunOptions(
        issuer=issuer,
        server_command=[sys.executable, str(LAUNCHER), entry.fault],
        only=parse_selectors(entry.checks),
        seed=1,
        timeout=2.0,  # a missing reply is seen sooner; the clean run uses the default
        quick="command_model" in entry.checks,  # the model without shrinking
        strict=all(requirement(r).level == "SHOULD" for r in entry.expected),
        transcripts_dir=workdir / f"transcripts-{index}",
    )
    try:
        summary = run(options)
    except OnsemblError as err:
        return {"index": index, "exit_code": 2, "failed": [], "error": str(err)}
    failed = sorted(r.requirement.id for r in summary.requirements if r.status == "failed")
    return {"index": index, "exit_code": summary.exit_code, "failed": failed, "error": ""}


def main(argv: list[str]) -> int:
    out, workdir, indices = Path(argv[0]), Path(argv[1]), [int(a) for a in argv[2:]]
    results = [run_entry(i, workdir) for i in indices]
    out.write_text(json.dumps(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
