"""Charts of a report: one horizontal bar chart per NAP area (matplotlib, Agg backend).

Each bar is an indicator's rate with its 95% Wilson interval as an error bar; the previous
round's rate, when known, is a diamond on the same line. Text is set in DejaVu Sans, which has
ə ş ğ İ ı. Charts are kept small (one per area, 150 dpi) so a PDF builds in well under a second
more than the same report without them.
"""

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: safe in workers and tests

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402  (Pillow: a dependency of matplotlib)

plt.rcParams.update({
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "svg.fonttype": "none",  # keep text as text in SVG (smaller, searchable)
    "axes.spines.top": False,
    "axes.spines.right": False,
})

#: Colours readable in print and by colour-blind readers (Okabe–Ito blue and vermilion).
BAR_COLOUR = "#0072B2"
PREVIOUS_COLOUR = "#D55E00"
WIDTH_INCHES = 6.3  # the text width of an A4 page with 2 cm margins
DPI = 150


@dataclass(frozen=True)
class Bar:
    """One indicator on a chart; percentages are 0–100, None where not known or suppressed."""

    label: str
    percent: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    previous_percent: float | None = None
    value_text: str = ""  # the rate as the report prints it ("23,1%" in az)


@dataclass(frozen=True)
class ChartText:
    """The chart's words, already in the report's language."""

    axis: str
    interval: str
    current: str
    previous: str


def _figure(bars: Sequence[Bar], text: ChartText) -> Figure:
    # Figure (not pyplot.figure): no global registry, nothing to close, safe across threads.
    labels = [textwrap.fill(bar.label, 48, max_lines=3, placeholder="…") for bar in bars]
    line_count = sum(label.count("\n") + 1 for label in labels)
    height = 0.75 + 0.2 * line_count + 0.12 * len(bars)
    figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(bars)))
    values = [bar.percent if bar.percent is not None else 0 for bar in bars]
    lower = [max(0.0, bar.percent - bar.ci_low) if _has_interval(bar) else 0 for bar in bars]
    upper = [max(0.0, bar.ci_high - bar.percent) if _has_interval(bar) else 0 for bar in bars]
    axes.barh(positions, values, color=BAR_COLOUR, height=0.55, label=text.current)
    if any(_has_interval(bar) for bar in bars):
        axes.errorbar(values, positions, xerr=[lower, upper], fmt="none", ecolor="#222222", elinewidth=1,
                      capsize=3, label=text.interval)
    previous = [(bar.previous_percent, position) for bar, position in zip(bars, positions, strict=True)
                if bar.previous_percent is not None]
    if previous:
        axes.scatter([value for value, _ in previous], [position for _, position in previous], marker="D", s=28,
                     color=PREVIOUS_COLOUR, zorder=3, label=text.previous)
    for position, bar in zip(positions, bars, strict=True):
        shown = bar.value_text or ("—" if bar.percent is None else f"{bar.percent:.0f}%")
        right = bar.ci_high if _has_interval(bar) else (bar.percent or 0)
        axes.text(right + 1.5, position, shown, va="center", fontsize=7)
    axes.set_yticks(positions, labels)
    axes.invert_yaxis()
    axes.set_xlim(0, 112)
    axes.set_xticks([0, 20, 40, 60, 80, 100])
    axes.set_xlabel(text.axis)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    handles, labels = axes.get_legend_handles_labels()
    order = [labels.index(name) for name in (text.current, text.interval, text.previous) if name in labels]
    figure.legend([handles[i] for i in order], [labels[i] for i in order], loc="outside lower center", ncols=3,
                  fontsize=7, frameon=False)
    return figure


def _has_interval(bar: Bar) -> bool:
    return bar.percent is not None and bar.ci_low is not None and bar.ci_high is not None


def bar_chart_png(bars: Sequence[Bar], text: ChartText) -> bytes:
    """A PNG (RGB, no alpha) of the area's indicators; empty bytes when there is nothing to draw.

    Drawn on an Agg canvas and saved without an alpha channel: a PDF then embeds it as one image
    instead of an image plus a soft mask.
    """
    if not bars:
        return b""
    canvas = FigureCanvasAgg(_figure(bars, text))
    canvas.draw()
    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3, dpi=(DPI, DPI))
    return buffer.getvalue()


def bar_chart_svg(bars: Sequence[Bar], text: ChartText) -> str:
    """The same chart as SVG text (for the HTML report: sharp at any zoom, text selectable)."""
    if not bars:
        return ""
    buffer = io.StringIO()
    _figure(bars, text).savefig(buffer, format="svg")
    return buffer.getvalue()


def charts_for(content) -> dict[str, bytes]:
    """PNG charts of a :class:`~ogmonitor.reports.content.ReportContent`, by section key.

    Indicators whose overall figure is unknown are left out; an area with none gets no chart.
    """
    headings = content.headings
    charts = {}
    for section in content.sections:
        bars = [
            Bar(
                label=row.title,
                percent=row.figure.percent,
                ci_low=row.figure.ci_low,
                ci_high=row.figure.ci_high,
                previous_percent=row.previous.percent if row.previous else None,
                value_text=row.figure.text,
            )
            for row in section.indicators
            if row.figure.percent is not None
        ]
        text = ChartText(
            axis=headings.chart_axis, interval=headings.chart_interval,
            current=headings.chart_current, previous=headings.chart_previous,
        )
        png = bar_chart_png(bars, text)
        if png:
            charts[section.key] = png
    return charts
