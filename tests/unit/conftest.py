"""Make the pure-Python tools packages importable without importing their Odoo modules.

`eh_account_ai_agent/__init__.py` loads Odoo models, so its `tools` package is loaded
from its folder under the name `eh_ai_tools` instead; the Workbench's as
`eh_case_tools`.
"""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS_DIR = ROOT / "eh_account_ai_agent" / "tools"


def load_tools(name="eh_ai_tools", tools_dir=TOOLS_DIR):
    """Import a module's tools folder as the top-level package `name`."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, tools_dir / "__init__.py", submodule_search_locations=[str(tools_dir)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


load_tools()
load_tools("eh_case_tools", ROOT / "eh_collections_case" / "tools")
# The scripted LLM server (plain Python) is shared with the module's Odoo tests.
sys.path.insert(0, str(ROOT / "eh_account_ai_agent" / "tests"))
