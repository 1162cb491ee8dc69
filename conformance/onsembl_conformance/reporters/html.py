"""``--html FILE``: one self-contained page, a table of requirements and each failure's exchange."""

from __future__ import annotations

from pathlib import Path

import jinja2

from onsembl_conformance.events import Event, RunFinished, RunSummary

TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>onsembl check: {{ verdict }}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
.passed{background:#e6f4e6}.failed{background:#fbe3e3}
.not-checked{background:#f4f4f4;color:#666}
pre{background:#111;color:#eee;padding:.6em;overflow-x:auto;font-size:12px;white-space:pre-wrap}
.summary span{margin-right:1.5em}
</style></head><body>
<h1>onsembl check: {{ verdict }}</h1>
<p class="summary"><span>target <code>{{ s.target }}</code></span>
<span>seed {{ s.seed }}</span>
<span>time {{ "%.1f"|format(s.duration) }} s</span>
<span>requirements: {{ s.count("passed") }} passed, {{ s.count("failed") }} failed,
{{ s.count("not-checked") }} not checked</span></p>
<table><thead><tr><th>ID</th><th>level</th><th>status</th><th>requirement</th>
<th>checks</th></tr></thead><tbody>
{% for r in s.requirements %}<tr class="{{ r.status }}" id="{{ r.requirement.id }}">
<td>{{ r.requirement.id }}</td><td>{{ r.requirement.level }}</td><td>{{ r.status }}</td>
<td>{{ r.requirement.text }}
{% for f in r.failures %}<div class="failure"><b>{{ f.spec.name }}</b>
<br>Expected: {{ f.failure.expected }}<br>Actual: {{ f.failure.actual }}
<pre>{{ f.exchange|join("\\n") }}</pre></div>{% endfor %}</td>
<td>{{ r.checks|join(", ") }}</td></tr>
{% endfor %}</tbody></table></body></html>
"""


def render_html(summary: RunSummary) -> str:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    verdict = "conformant" if summary.exit_code == 0 else "not conformant"
    return env.from_string(TEMPLATE).render(s=summary, verdict=verdict)


class HtmlReporter:
    def __init__(self, path: Path) -> None:
        self.path = path

    def handle(self, event: Event) -> None:
        if isinstance(event, RunFinished):
            self.path.write_text(render_html(event.summary), encoding="utf-8")
