"""Fail when the Azerbaijani catalogue has untranslated or fuzzy strings (run by `make test`).

Usage: ``python -m ogmonitor.lib.check_translations ogmonitor/locale [LANG ...]`` (default: az).
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po


def problems(po_path: Path) -> list[str]:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    found = ["the catalogue header is marked fuzzy, so nothing in it is used"] if catalog.fuzzy else []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        where = ", ".join(f"{path}:{line}" if line else path for path, line in message.locations[:2])
        if not all(strings):
            found.append(f"untranslated: {message.id!r} ({where})")
        elif message.fuzzy:
            found.append(f"fuzzy: {message.id!r} ({where})")
    return found


def main(argv: list[str]) -> int:
    locale_dir = Path(argv[0]) if argv else Path("ogmonitor/locale")
    languages = argv[1:] or ["az"]
    failed = False
    for language in languages:
        po_path = locale_dir / language / "LC_MESSAGES" / "django.po"
        if not po_path.exists():
            print(f"{po_path}: missing")
            failed = True
            continue
        found = problems(po_path)
        for line in found:
            print(f"{po_path}: {line}")
        print(f"{po_path}: {len(found)} problem(s)")
        failed = failed or bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
