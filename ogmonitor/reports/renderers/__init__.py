"""Renderers: lay out one :class:`~ogmonitor.reports.content.ReportContent` as HTML, PDF, DOCX or XLSX.

Each module has ``render(content, progress) -> bytes``. They add no figures of their own: what
a report says is decided in :mod:`ogmonitor.reports.content`, so the four formats agree.
``progress(percent)`` is called as the work advances (the build page shows it).
"""

from collections.abc import Callable
from importlib import import_module

#: format → (module, file extension, content type)
FORMATS = {
    "html": ("html", "html", "text/html; charset=utf-8"),
    "pdf": ("pdf", "pdf", "application/pdf"),
    "docx": ("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _ignore(percent: int) -> None:
    pass


def render(content, format: str, progress: Callable[[int], None] | None = None) -> bytes:
    """The report in ``format`` (one of :data:`FORMATS`) as bytes."""
    try:
        module_name = FORMATS[format][0]
    except KeyError:
        raise ValueError(f"Unknown report format {format!r}; use one of {', '.join(FORMATS)}.") from None
    module = import_module(f"{__name__}.{module_name}")
    return module.render(content, progress or _ignore)


def extension(format: str) -> str:
    return FORMATS[format][1]


def content_type(format: str) -> str:
    return FORMATS[format][2]
