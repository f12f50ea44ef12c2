"""Make the pure-Python tools package importable without importing its Odoo module.

`eh_account_ai_agent/__init__.py` loads Odoo models, so the package is loaded from
its folder under the name `eh_ai_tools` instead.
"""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = ROOT / "eh_account_ai_agent" / "tools"


def load_tools(name="eh_ai_tools"):
    """Import eh_account_ai_agent/tools as the top-level package `name`."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, TOOLS_DIR / "__init__.py", submodule_search_locations=[str(TOOLS_DIR)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


load_tools()
# The scripted LLM server (plain Python) is shared with the module's Odoo tests.
sys.path.insert(0, str(ROOT / "eh_account_ai_agent" / "tests"))
