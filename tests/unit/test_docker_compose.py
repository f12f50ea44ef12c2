"""docker-compose.yml is checked here: there is no Docker engine to run it."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE.read_text())


def _check_against_spec(path):
    checker = shutil.which("check-jsonschema")
    assert checker, "check-jsonschema is part of requirements.txt"
    return subprocess.run(
        [checker, "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_valid_against_compose_specification():
    result = _check_against_spec(COMPOSE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_specification_check_rejects_a_misspelt_key(tmp_path):
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE.read_text().replace("healthcheck:", "healthchek:", 1))
    assert _check_against_spec(broken).returncode != 0


def test_official_images(compose):
    assert compose["services"]["odoo"]["image"] == "odoo:19"
    assert compose["services"]["db"]["image"].startswith("postgres:")


def test_depends_on_defined_services_and_waits_for_health(compose):
    services = compose["services"]
    for service in services.values():
        for dependency in service.get("depends_on", {}):
            assert dependency in services
    assert services["odoo"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert all("healthcheck" in service for service in services.values())


def test_suite_and_config_mounted(compose):
    odoo = compose["services"]["odoo"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in odoo["volumes"]}
    assert mounts["/etc/odoo/odoo.conf"] == "./odoo.conf"
    assert mounts["/mnt/extra-addons/suite"] == "./"
    assert mounts["/mnt/extra-addons/suite/addons"] == "./addons"
    addons_arg = next(a for a in odoo["command"] if a.startswith("--addons-path="))
    assert "/mnt/extra-addons/suite" in addons_arg.split("=", 1)[1].split(",")
    for manifest in ("eh_collections_case", "eh_account_ai_agent", "eh_collections_next_action"):
        assert (ROOT / manifest / "__manifest__.py").is_file()


def test_named_volumes_declared(compose):
    declared = set(compose["volumes"])
    used = {
        v.split(":")[0]
        for service in compose["services"].values()
        for v in service.get("volumes", [])
        if not v.startswith(".")
    }
    assert used <= declared
    assert used, "data must live in named volumes"
