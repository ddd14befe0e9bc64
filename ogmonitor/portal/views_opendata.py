"""Open-data pages and downloads: the catalogue, a dataset's page, CSV, JSON, schema, data package.

Every response comes from the declarations in :mod:`.opendata`, holds published rows only and
is the same whoever asks (a logged-in coordinator downloads what a visitor does), so all are
cached for anonymous visitors and carry ``Access-Control-Allow-Origin: *``: open data may be
read by any web application. Downloads of more than ``STREAM_ROWS`` rows are streamed, which
keeps memory flat but means they are rebuilt on each request (the cache keeps whole responses).
"""

import json

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ogmonitor.lib.cache import cache_public

from . import opendata

CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"

#: Table Schema types in words, for the schema table of a dataset's page.
TYPE_LABELS = {
    "string": _("text"),
    "integer": _("whole number"),
    "number": _("number"),
    "boolean": _("true or false"),
    "date": _("date"),
    "datetime": _("date and time"),
    "time": _("time"),
}


def _offer(slug: str) -> opendata.PublishedDataset:
    offer = opendata.published_dataset(slug)
    if offer is None:
        raise Http404
    return offer


def _base(request) -> str:
    """Scheme and host, to make the site's paths absolute in downloads."""
    return request.build_absolute_uri("/").rstrip("/")


def _open(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _download(chunks, content_type: str, *, stream: bool, filename: str = ""):
    if stream:
        response = StreamingHttpResponse((chunk.encode("utf-8") for chunk in chunks), content_type=content_type)
    else:
        response = HttpResponse("".join(chunks).encode("utf-8"), content_type=content_type)
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _open(response)


@cache_public
def catalogue(request):
    """Every published dataset: what it holds, how many rows, when it changed, its licence, downloads."""
    entries = [
        {"offer": offer, "urls": offer.urls(), "rows": offer.dataset.row_count(), "changed": offer.dataset.last_changed()}
        for offer in opendata.published_datasets()
    ]
    return render(request, "portal/opendata/catalogue.html", {"entries": entries})


@cache_public
def dataset_page(request, slug):
    """A dataset's description, licence, schema (column, type, description) and its first rows."""
    offer = _offer(slug)
    dataset = offer.dataset
    return render(request, "portal/opendata/dataset.html", {
        "offer": offer,
        "dataset": dataset,
        "urls": offer.urls(),
        "rows": dataset.row_count(),
        "changed": dataset.last_changed(),
        "preview": opendata.preview(dataset, _base(request)),
        "columns": [(column, TYPE_LABELS[column.type]) for column in dataset.columns],
    })


def _stream(dataset: opendata.Dataset) -> bool:
    return dataset.row_count() > opendata.STREAM_ROWS


@cache_public
def dataset_csv(request, slug):
    offer = _offer(slug)
    lines = opendata.csv_lines(offer.dataset, _base(request))
    return _download(lines, CSV_TYPE, stream=_stream(offer.dataset), filename=f"ogmonitor-{slug}.csv")


@cache_public
def dataset_json(request, slug):
    offer = _offer(slug)
    chunks = opendata.json_chunks(offer, _base(request))
    return _download(chunks, JSON_TYPE, stream=_stream(offer.dataset))


@cache_public
def dataset_schema(request, slug):
    """The dataset's Frictionless Table Schema."""
    offer = _offer(slug)
    return _open(HttpResponse(json.dumps(offer.dataset.schema(), ensure_ascii=False, indent=2), content_type=JSON_TYPE))


@cache_public
def datapackage(request):
    """A Frictionless Data Package describing every published dataset, with relative CSV paths."""
    package = opendata.datapackage(opendata.published_datasets(), _base(request), reverse("portal:datasets"))
    return _open(HttpResponse(json.dumps(package, ensure_ascii=False, indent=2), content_type=JSON_TYPE))
