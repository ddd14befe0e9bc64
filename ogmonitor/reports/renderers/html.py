"""The report as one self-contained HTML file: inline CSS, charts embedded as data: URIs."""

import base64

from django.template.loader import render_to_string
from django.utils import translation

from ..charts import charts_for


def render_html(content, *, for_print: bool = False, chart_sources: dict[str, str]) -> str:
    """The report's HTML; ``chart_sources`` maps a section key to its chart's ``src``.

    ``for_print`` adds the A4 print CSS used by the PDF renderer.
    """
    areas = [(section, chart_sources.get(section.key, "")) for section in content.sections]
    with translation.override(content.language):
        return render_to_string("reports/report.html", {"content": content, "areas": areas, "for_print": for_print})


def data_uris(charts: dict[str, bytes]) -> dict[str, str]:
    return {key: "data:image/png;base64," + base64.b64encode(png).decode("ascii") for key, png in charts.items()}


def render(content, progress) -> bytes:
    charts = charts_for(content)
    progress(70)
    html = render_html(content, chart_sources=data_uris(charts))
    progress(90)
    return html.encode("utf-8")
