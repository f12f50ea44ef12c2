"""The tools package stands alone: no Odoo import, a closed vocabulary of actions."""

import subprocess
import sys
import textwrap

import eh_account_ai_agent.tools as tools

TOOLS_DIR = tools.__path__[0]


def test_tools_import_nothing_from_odoo():
    # A fresh interpreter: this pytest session may have Odoo loaded by pytest-odoo.
    code = textwrap.dedent(
        f"""
        import importlib.util, pkgutil, sys
        spec = importlib.util.spec_from_file_location(
            "t", {TOOLS_DIR + "/__init__.py"!r}, submodule_search_locations=[{TOOLS_DIR!r}])
        pkg = importlib.util.module_from_spec(spec); sys.modules["t"] = pkg; spec.loader.exec_module(pkg)
        for info in pkgutil.iter_modules(pkg.__path__):
            importlib.import_module("t." + info.name)
        leaked = sorted(m for m in sys.modules if m == "odoo" or m.startswith("odoo."))
        print(leaked)
        sys.exit(1 if leaked else 0)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_vocabulary_is_closed():
    assert len(tools.ACTION_CODES) == 8
    assert tools.Action("send_demand_letter") is tools.Action.SEND_DEMAND_LETTER
    assert [p.value for p in tools.Priority] == ["low", "medium", "high"]
