"""``--html FILE``: one self-contained page, a table of requirements and each failure's exchange.

Checks that ended in an error are listed apart, before the table: they are no
verdict on the server (issue 9). Server-derived text passes the ``clean``
filter (:mod:`onsembl_conformance.sanitize`) before jinja2's HTML escaping.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from onsembl_conformance.events import VERDICTS, Event, RunFinished, RunSummary
from onsembl_conformance.reporters.console import write_out
from onsembl_conformance.sanitize import clean, clean_block

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{{ s.tool }}: {{ verdict }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
.passed{background:#e6f4e6}.failed{background:#fbe3e3}
.not-checked{background:#f4f4f4;color:#666}.error{background:#fff3cd}
pre{background:#111;color:#eee;padding:.6em;overflow-x:auto;font-size:12px;white-space:pre-wrap}
.summary span{margin-right:1.5em}
.warning{background:#fbe3e3;border:2px solid #c00;padding:.6em;font-weight:bold}
</style></head><body>
<h1>{{ s.tool }}: {{ verdict }}</h1>
<p class="summary"><span>target <code>{{ s.target|clean }}</code></span>
<span>seed {{ s.seed }}</span>
<span>time {{ "%.1f"|format(s.duration) }} s</span>
<span>requirements: {{ s.count("passed") }} passed, {{ s.count("failed") }} failed,
{{ s.count("error") }} error, {{ s.count("not-checked") }} not checked</span>
<span>messages sent {{ s.messages_sent }}</span>
<span>tokens: {{ s.tokens|clean }}</span></p>
{% if s.token_skipped() %}<p class="warning">{{ s.token_skipped()|length }} checks skipped for
tokens the kit cannot make; {{ s.token_unchecked()|length }} requirements left unchecked:
{{ s.token_unchecked()|join(", ") }}</p>{% endif %}
{% for w in s.warnings %}<p class="warning">WARNING: {{ w|clean }}</p>
{% endfor %}{% if connection %}<p class="summary">{% for label, value in connection %}
<span>{{ label }} <code>{{ value|clean }}</code></span>{% endfor %}</p>
{% endif %}{% if errors %}<h2>Errors: no verdict, not failures of the server</h2>
{% for c in errors %}<div class="error" id="error-{{ c.spec.name }}"><b>{{ c.spec.name }}</b>
[{{ c.spec.requirement_ids|join(", ") }}] {{ c.error.kind }}: {{ c.error.message|clean }}
<pre>{{ c.exchange|join("\\n")|clean_block }}</pre></div>
{% endfor %}{% endif %}
<table><thead><tr><th>ID</th><th>level</th><th>status</th><th>requirement</th>
<th>checks</th></tr></thead><tbody>
{% for r in s.requirements %}<tr class="{{ r.status }}" id="{{ r.requirement.id }}">
<td>{{ r.requirement.id }}</td><td>{{ r.requirement.level }}</td><td>{{ r.status }}</td>
<td>{{ r.requirement.text }}
{% for f in r.failures %}<div class="failure"><b>{{ f.spec.name }}</b>
<br>Expected: {{ f.failure.expected|clean }}<br>Actual: {{ f.failure.actual|clean }}
<pre>{{ f.exchange|join("\\n")|clean_block }}</pre></div>{% endfor %}</td>
<td>{{ r.checks|join(", ") }}</td></tr>
{% endfor %}</tbody></table></body></html>
"""


def render_html(summary: RunSummary) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["clean"] = clean
    env.filters["clean_block"] = clean_block
    errors = [c for c in summary.checks if c.status == "error"]
    verdict = VERDICTS[summary.exit_code]
    settings = summary.connection
    connection = [
        (label, ", ".join(map(str, value)) if isinstance(value, list) else str(value))
        for label, key in (("CA file", "ca_file"), ("Origin", "origin"), ("headers", "headers"))
        if (value := settings.get(key))
    ]  # header names only (issue 10)
    return env.from_string(TEMPLATE).render(
        s=summary, verdict=verdict, errors=errors, connection=connection
    )


class HtmlReporter:
    """Writes the report to ``path`` (``None``: stdout) when the run finishes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            write_out(self.path, render_html(event.summary))
