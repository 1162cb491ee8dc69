"""JUnit XML: one testcase per check, named with the requirement IDs it verifies (item 6).

A failed check is a ``<failure>`` (its ``type`` the requirement ID), a check that
ended in an error is an ``<error>`` (its ``type`` the error kind), apart from
failures as CI systems expect (issue 9). All text is sanitised: a server's
frames cannot make the file invalid XML 1.0 or carry a token into CI logs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from onsembl_conformance.events import Event, RunFinished, RunSummary
from onsembl_conformance.reporters.console import failure_lines, write_out
from onsembl_conformance.sanitize import clean, clean_block


def junit_tree(summary: RunSummary) -> ET.ElementTree[ET.Element]:
    suites = ET.Element("testsuites", name=summary.tool)
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="onsembl-conformance",
        tests=str(len(summary.checks)),
        failures=str(summary.check_count("failed")),
        errors=str(summary.check_count("error")),
        skipped=str(summary.check_count("skipped")),
        time=f"{summary.duration:.3f}",
    )
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="target", value=clean(summary.target))
    ET.SubElement(props, "property", name="seed", value=str(summary.seed))
    ET.SubElement(props, "property", name="messages_sent", value=str(summary.messages_sent))
    ET.SubElement(props, "property", name="tokens", value=clean(summary.tokens))
    ET.SubElement(
        props,
        "property",
        name="token_unchecked_requirements",
        value=" ".join(summary.token_unchecked()),
    )
    for key, value in summary.connection.items():  # header names only (issue 10)
        if value not in (None, False, []):
            shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
            ET.SubElement(props, "property", name=f"connection.{key}", value=clean(shown))
    for warning in summary.warnings:
        ET.SubElement(props, "property", name="warning", value=clean(warning))
    for result in summary.checks:
        ids = " ".join(result.spec.requirement_ids)
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"onsembl.{result.spec.requirement_ids[0].rsplit('-', 1)[0].lower()}",
            name=f"[{ids}] {result.spec.name}",
            time=f"{result.duration:.3f}",
        )
        body = clean_block("\n".join(failure_lines(result, exchange_lines=200)))
        if result.status == "failed" and result.failure is not None:
            node = ET.SubElement(
                case,
                "failure",
                message=clean(result.message),
                type=result.failure.requirement_id,
            )
            node.text = body
        elif result.status == "error" and result.error is not None:
            node = ET.SubElement(
                case, "error", message=clean(result.message), type=result.error.kind
            )
            node.text = body
        elif result.status == "skipped":
            ET.SubElement(case, "skipped", message=clean(result.message))
    ET.indent(suites)
    return ET.ElementTree(suites)


class JunitReporter:
    """Writes the report to ``path`` (``None``: stdout) when the run finishes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            tree = junit_tree(event.summary)
            if self.path is None:
                text = ET.tostring(tree.getroot(), encoding="unicode")
                write_out(None, f"<?xml version='1.0' encoding='utf-8'?>\n{text}\n")
            else:
                tree.write(self.path, encoding="utf-8", xml_declaration=True)
