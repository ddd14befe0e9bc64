"""The report as an A4 PDF: WeasyPrint renders the same HTML with the print CSS (page numbers)."""

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..charts import charts_for
from .html import render_html

SCHEME = "ogmonitor-chart:"


class ChartFetcher(URLFetcher):
    """Hands WeasyPrint the charts from memory and refuses every other URL.

    The charts are not inlined as data: URIs here because WeasyPrint's pure-Python HTML parser
    would walk every character of their base64 (about a second for a report with 8 charts); and
    nothing else may be fetched — not the network, not the server's disk — whatever a title or a
    finding contains.
    """

    def __init__(self, charts: dict[str, bytes]):
        super().__init__(allowed_protocols=set())
        self.charts = charts

    def fetch(self, url, headers=None):
        if url.startswith(SCHEME) and url[len(SCHEME):] in self.charts:
            return URLFetcherResponse(url, self.charts[url[len(SCHEME):]], {"Content-Type": "image/png"})
        raise ValueError(f"A report may not load {url[:80]!r}")


def render(content, progress) -> bytes:
    charts = charts_for(content)
    progress(60)
    html = render_html(content, for_print=True, chart_sources={key: SCHEME + key for key in charts})
    progress(70)
    document = HTML(string=html, url_fetcher=ChartFetcher(charts)).render()
    progress(90)
    return document.write_pdf()
