"""The benchmark results the README quotes keep the interface other tools read."""

import json
from pathlib import Path

import pytest

RESULTS = Path(__file__).resolve().parents[2] / "bench" / "results"
KEYS = {
    "refresh": {"lines", "partners", "refresh_s", "floor_s", "ratio_to_floor", "peak_rss_mb"},
    "kanban": {"cases", "queries_with", "queries_without", "time_ratio"},
    "followup": {"cases", "reminders_per_min", "ratio_to_bare_send"},
    "analytics": {"lines", "snapshot_s", "floor_s", "ratio_to_floor", "dashboard_ms", "peak_rss_mb"},
}


@pytest.mark.parametrize("name", sorted(KEYS))
def test_results_have_the_documented_keys(name):
    entries = json.loads((RESULTS / f"{name}.json").read_text())
    assert entries, f"{name}.json is empty"
    for entry in entries:
        assert KEYS[name] <= entry.keys()


def test_refresh_ratios_agree_with_their_times():
    for entry in json.loads((RESULTS / "refresh.json").read_text()):
        assert entry["ratio_to_floor"] == pytest.approx(entry["refresh_s"] / entry["floor_s"], abs=0.01)
        if "naive_s" in entry:
            assert entry["speedup_vs_naive"] == pytest.approx(entry["naive_s"] / entry["refresh_s"], abs=0.1)


def test_analytics_ratios_agree_with_their_times():
    for entry in json.loads((RESULTS / "analytics.json").read_text()):
        assert entry["ratio_to_floor"] == pytest.approx(entry["snapshot_s"] / entry["floor_s"], abs=0.01)


def test_the_plot_is_there():
    assert (RESULTS / "bench.png").read_bytes().startswith(b"\x89PNG")
