"""Make the pure-Python tools packages importable under their own names without
importing their Odoo modules.

`eh_account_ai_agent/__init__.py`, `eh_collections_case/__init__.py` and the
WhatsApp bridge's load Odoo models, so the module folders are registered as bare
packages: importing `eh_account_ai_agent.tools`, `eh_collections_case.tools` or
`eh_collections_whatsapp.tools` runs the tools' own code only. (Their real names
also let the mutation tester map what the tests run back to the files it mutated:
see `make mutation`.)
"""

import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bare_package(name, folder=ROOT):
    """The module folder `name` (in `folder`) as a package whose __init__ is never run."""
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [str(folder / name)]
        sys.modules[name] = package


bare_package("eh_account_ai_agent")
bare_package("eh_collections_case")
bare_package("eh_collections_whatsapp", ROOT / "addons")
# The scripted LLM server (plain Python) is shared with the module's Odoo tests.
sys.path.insert(0, str(ROOT / "eh_account_ai_agent" / "tests"))


import pytest  # noqa: E402
from llm_server import ScriptedLLM  # noqa: E402 (the path is set just above)


@pytest.fixture
def llm():
    """A scripted LLM provider on 127.0.0.1, for one test."""
    server = ScriptedLLM().start()
    yield server
    server.stop()


@pytest.fixture(params=["openai_compatible", "anthropic"])
def kind(request):
    """Each provider protocol in turn."""
    return request.param
