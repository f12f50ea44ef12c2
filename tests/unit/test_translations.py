"""Six languages for every module: each .po file holds exactly the msgids of its
module's .pot, translates every one of them, and keeps what the code and the
templates fill in (placeholders, template expressions, markup) unchanged."""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "de", "es", "nl", "it", "pt_BR")
MODULES = sorted(
    p.parent for p in [*ROOT.glob("eh_*/__manifest__.py"), *ROOT.glob("addons/*/__manifest__.py")]
)
# What a translation must keep as it is: %(name)s and %s formats, {{ expressions }}
# of mail and SMS templates, the attributes QWeb evaluates and the tags of markup.
PLACEHOLDERS = re.compile(r"%\(\w+\)[srd]|%[sd]|\{\{.*?\}\}")
QWEB_ATTRIBUTES = re.compile(r'\bt-(?:out|if|foreach|as|att-\w+|esc)="[^"]*"')
TAGS = re.compile(r"</?([a-zA-Z]+)")
# Text in quotes inside such an attribute is words the customer reads: it translates.
QUOTED_TEXT = re.compile(r"'(?:[^'\\]|\\.)*'")


def kept(pattern, text):
    return sorted(QUOTED_TEXT.sub("''", found) for found in pattern.findall(text))


def catalogues():
    for module in MODULES:
        pot = module / "i18n" / f"{module.name}.pot"
        for lang in LANGUAGES:
            yield pytest.param(pot, module / "i18n" / f"{lang}.po", id=f"{module.name}-{lang}")


def test_every_module_has_a_template_to_translate():
    assert MODULES, "no module found"
    for module in MODULES:
        assert (module / "i18n" / f"{module.name}.pot").is_file(), f"{module.name} has no .pot file"


@pytest.mark.parametrize(("pot_path", "po_path"), catalogues())
def test_the_catalogue_translates_every_string_of_the_module(pot_path, po_path):
    assert po_path.is_file(), f"{po_path.relative_to(ROOT)} is missing"
    pot, po = polib.pofile(str(pot_path)), polib.pofile(str(po_path))
    wanted = {entry.msgid for entry in pot}
    present = {entry.msgid: entry.msgstr for entry in po if not entry.obsolete}
    assert set(present) == wanted, (
        f"out of step with the .pot: missing {sorted(wanted - set(present))[:3]}, "
        f"stale {sorted(set(present) - wanted)[:3]}"
    )
    untranslated = [msgid for msgid, msgstr in present.items() if not msgstr.strip()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:3]}"


@pytest.mark.parametrize(("pot_path", "po_path"), catalogues())
def test_a_translation_keeps_what_the_code_fills_in(pot_path, po_path):
    broken = []
    for entry in polib.pofile(str(po_path)):
        if not entry.msgstr:
            continue
        for pattern in (PLACEHOLDERS, QWEB_ATTRIBUTES):
            if kept(pattern, entry.msgid) != kept(pattern, entry.msgstr):
                broken.append((pattern.pattern[:12], entry.msgid[:60], entry.msgstr[:60]))
        if sorted(TAGS.findall(entry.msgid)) != sorted(TAGS.findall(entry.msgstr)):
            broken.append(("tags", entry.msgid[:60], entry.msgstr[:60]))
    assert not broken, broken[:5]
