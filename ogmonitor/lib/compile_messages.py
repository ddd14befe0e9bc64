"""Compile the .po catalogues to .mo with Babel, so a machine without GNU gettext can build them.

``pybabel compile`` would refuse strings such as "95% interval" (it reads "% i" as a format
directive), although Django never %-formats them; placeholders are checked by the translation
workflow instead, and completeness by :mod:`ogmonitor.lib.check_translations`.
Usage: ``python -m ogmonitor.lib.compile_messages ogmonitor/locale``.
"""

import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def compile_all(locale_dir: Path) -> list[Path]:
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parts[-3])
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all(Path(sys.argv[1] if len(sys.argv) > 1 else "ogmonitor/locale")):
        print(f"compiled {path}")
