"""The date benchmark's scoring and report writing (without running dateparser)."""

from __future__ import annotations

from pathlib import Path

from checker.bench.dates_vs_dateparser import (
    SECTION,
    SEEDS,
    _calendar,
    load_samples,
    match_count,
)
from checker.bench.markdown import write_section


def test_matching_is_a_prefix_match_each_expected_value_once() -> None:
    assert match_count(["2025-09-14"], ["2025-09"]) == 1
    assert match_count(["2025-09", "2025-09"], ["2025-09"]) == 1
    assert match_count(["2025"], ["2025-09"]) == 0
    assert match_count(["2024-09-01", "2024"], ["2024", "2024-09"]) == 2


def test_timex_values_as_calendar_values() -> None:
    assert _calendar("2026-Q1") == "2026"
    assert _calendar("2025-09-15") == "2025-09-15"
    assert _calendar("XXXX-09") == ""
    assert _calendar(None) == ""


def test_samples_cover_every_seed() -> None:
    samples = load_samples()
    assert sum(1 for s in samples if s.group == "seeds") == len(list(SEEDS.glob("*.txt")))
    assert sum(1 for s in samples if s.group == "held-out") >= 25


def test_write_section_replaces_only_its_own_section(tmp_path: Path) -> None:
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\n## Other\nkeep me\n", encoding="utf-8")
    write_section(doc, SECTION, f"{SECTION}\n\nfirst\n")
    write_section(doc, SECTION, f"{SECTION}\n\nsecond\n")
    text = doc.read_text(encoding="utf-8")
    assert "keep me" in text and "second" in text and "first" not in text
    assert text.count(SECTION) == 1
    new = tmp_path / "new.md"
    write_section(new, SECTION, f"{SECTION}\n\nonly\n")
    assert new.read_text(encoding="utf-8").startswith("# Benchmarks")
