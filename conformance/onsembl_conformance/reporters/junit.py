"""JUnit XML: one testcase per check, named with the requirement IDs it verifies (item 6)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from onsembl_conformance.events import Event, RunFinished, RunSummary
from onsembl_conformance.reporters.console import failure_lines


def junit_tree(summary: RunSummary) -> ET.ElementTree[ET.Element]:
    suites = ET.Element("testsuites", name="onsembl check")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="onsembl-conformance",
        tests=str(len(summary.checks)),
        failures=str(summary.check_count("failed")),
        errors="0",
        skipped=str(summary.check_count("skipped")),
        time=f"{summary.duration:.3f}",
    )
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="target", value=summary.target)
    ET.SubElement(props, "property", name="seed", value=str(summary.seed))
    for result in summary.checks:
        ids = " ".join(result.spec.requirement_ids)
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"onsembl.{result.spec.requirement_ids[0].rsplit('-', 1)[0].lower()}",
            name=f"[{ids}] {result.spec.name}",
            time=f"{result.duration:.3f}",
        )
        if result.status == "failed" and result.failure is not None:
            node = ET.SubElement(
                case, "failure", message=result.message, type=result.failure.requirement_id
            )
            node.text = "\n".join(failure_lines(result, exchange_lines=200))
        elif result.status == "skipped":
            ET.SubElement(case, "skipped", message=result.message)
    ET.indent(suites)
    return ET.ElementTree(suites)


class JunitReporter:
    def __init__(self, path: Path) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            junit_tree(event.summary).write(self.path, encoding="utf-8", xml_declaration=True)
