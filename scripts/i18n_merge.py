"""Bring each module's <lang>.po files in step with its .pot, as msgmerge does:
translations of unchanged strings stay, new strings come in untranslated, strings
the code dropped go. Run it after exporting the .pot files from a database with the
suite installed:

    . .run/env.sh
    .venv/bin/python -m odoo i18n export -c .run/odoo.conf -d eh_collections_test <modules>
    .venv/bin/python scripts/i18n_merge.py

tests/unit/test_translations.py then lists what is left to translate.
"""

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
LANGUAGES = ("fr", "de", "es", "nl", "it", "pt_BR")


def merge(pot_path: Path, po_path: Path) -> tuple[int, int]:
    """Rewrite `po_path` from `pot_path`; return (translated, total)."""
    pot = polib.pofile(str(pot_path))
    old = {entry.msgid: entry.msgstr for entry in polib.pofile(str(po_path))} if po_path.exists() else {}
    po = polib.POFile(wrapwidth=78)
    po.metadata = {**pot.metadata, "Language": po_path.stem, "Plural-Forms": ""}
    for entry in pot:
        entry.msgstr = old.get(entry.msgid, "")
        po.append(entry)
    po.save(str(po_path))
    return sum(bool(entry.msgstr) for entry in po), len(po)


def main() -> int:
    for pot_path in sorted([*ROOT.glob("eh_*/i18n/*.pot"), *ROOT.glob("addons/*/i18n/*.pot")]):
        for lang in LANGUAGES:
            done, total = merge(pot_path, pot_path.with_name(f"{lang}.po"))
            print(f"{pot_path.parent.parent.name:28} {lang:6} {done:4}/{total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
