"""Reporters: listeners of the engine's events (console, JSON, JUnit XML, HTML).

The file reporters take a path, or ``None`` for stdout (``--report -``): :func:`write_out`.
"""

from __future__ import annotations

from onsembl_conformance.reporters.console import ConsoleReporter, write_out
from onsembl_conformance.reporters.html import HtmlReporter
from onsembl_conformance.reporters.json_report import JsonReporter
from onsembl_conformance.reporters.junit import JunitReporter

__all__ = ["ConsoleReporter", "HtmlReporter", "JsonReporter", "JunitReporter", "write_out"]
