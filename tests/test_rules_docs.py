"""docs/rules.md documents every registered rule: meaning, an Arabic example that fires,
one that must not, and the same kind and severity as the registry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.rules.registry import default_registry

DOC = Path(__file__).resolve().parents[1] / "docs" / "rules.md"
ARABIC = re.compile(r"[\u0600-\u06FF]{3,}")


def _sections() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    parts = re.split(r"^## (C\d{3}) ", text, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_no_rule_is_documented_that_is_not_registered() -> None:
    assert set(_sections()) == {spec.code for spec in default_registry().specs}


@pytest.mark.parametrize("spec", default_registry().specs, ids=lambda s: s.code)
def test_every_registered_rule_is_documented(spec: object) -> None:
    from checker.rules.base import RuleSpec

    assert isinstance(spec, RuleSpec)
    section = _sections().get(spec.code)
    assert section is not None, f"{spec.code} {spec.name} is not documented in docs/rules.md"
    assert section.startswith(spec.name), "heading must be '## <code> <versioned name>'"
    assert f"**Kind** `{spec.kind}`" in section
    assert f"**severity** {spec.severity}" in section
    assert "**Meaning.**" in section
    fires, _, rest = section.partition("**Does not fire.**")
    assert "**Fires.**" in fires and rest, "both a firing and a non-firing example"
    assert ARABIC.search(fires.split("**Fires.**", 1)[1]), "Arabic example that fires"
    assert ARABIC.search(rest), "Arabic example that does not fire"


def test_every_benchmark_writes_into_a_section_the_docs_keep() -> None:
    """Each benchmark script rewrites its own section of docs/benchmarks.md: the measured
    numbers a reader is pointed to must still be there (a section lost in an edit is
    found here, not by a reader)."""
    root = Path(__file__).resolve().parents[1]
    text = (root / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## .+$", text, re.M))
    # Read from the scripts' source: importing one would set up its measurement.
    sections = [
        m.group(1)
        for script in sorted((root / "checker" / "bench").glob("*.py"))
        if (m := re.search(r'^SECTION = "(## [^"]+)"$', script.read_text(encoding="utf-8"), re.M))
    ]
    assert len(sections) >= 4
    for section in sections:
        assert section in headings, f"{section!r} missing from docs/benchmarks.md"
