"""The extraction settings: one pydantic-settings class, read from the environment in one
place, whose digest changes whenever a setting does (so stored articles are re-extracted)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from claims import context, quantity, time
from claims.pipeline import settings_fingerprint
from claims.settings import (
    ContextSettings,
    PipelineSettings,
    QuantitySettings,
    TimeSettings,
    extraction_settings,
)

CLAIMS = Path(__file__).resolve().parent.parent / "claims"


def test_two_settings_give_two_fingerprints() -> None:
    default = PipelineSettings()
    assert settings_fingerprint(default) == settings_fingerprint(PipelineSettings())
    changed = [
        PipelineSettings(use_ner=True),
        default.model_copy(update={"time": TimeSettings(weekday_direction="both")}),
        default.model_copy(update={"quantity": QuantitySettings(approx_tolerance=0.2)}),
        default.model_copy(update={"context": ContextSettings(carry_time=True)}),
    ]
    prints = {settings_fingerprint(s) for s in changed}
    assert len(prints) == len(changed) and settings_fingerprint(default) not in prints


def test_the_environment_reaches_every_group_under_its_old_prefix(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The names documented before there was one class still work; a name under a prefix
    that is no setting is ignored, a bad value is refused."""
    for name in [n for n in os.environ if n.startswith("CLAIMCHECK_")]:
        monkeypatch.delenv(name)
    clean = settings_fingerprint(PipelineSettings())
    monkeypatch.setenv("CLAIMCHECK_PIPELINE_USE_NER", "1")
    monkeypatch.setenv("CLAIMCHECK_TIME_WEEKDAY_DIRECTION", "both")
    monkeypatch.setenv("CLAIMCHECK_QUANTITY_APPROX_TOLERANCE", "0.2")
    monkeypatch.setenv("CLAIMCHECK_CONTEXT_CARRY_TIME", "1")
    monkeypatch.setenv("CLAIMCHECK_TIME_SOMETHING", "1")
    settings = PipelineSettings()
    assert settings.use_ner and settings.time.weekday_direction == "both"
    assert settings.quantity.approx_tolerance == 0.2 and settings.context.carry_time
    assert settings_fingerprint(settings) != clean
    monkeypatch.setenv("CLAIMCHECK_TIME_YEAR_MIN", "nineteen hundred")
    with pytest.raises(ValueError):
        PipelineSettings()


def test_the_taggers_take_their_settings_from_the_one_class() -> None:
    settings = extraction_settings()
    assert time.SETTINGS is settings.time
    assert quantity.SETTINGS is settings.quantity
    assert context.SETTINGS is settings.context


def test_no_other_module_reads_extraction_settings_from_the_environment() -> None:
    """Only claims/settings.py declares a pydantic-settings class, and no module reads a
    CLAIMCHECK_PIPELINE_/TIME_/QUANTITY_/CONTEXT_ variable itself."""
    own = re.compile(r"CLAIMCHECK_(PIPELINE|TIME|QUANTITY|CONTEXT)_")
    for path in sorted(CLAIMS.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if path.name == "settings.py":
            continue
        assert "BaseSettings" not in source, path
        for line in source.splitlines():
            if "environ" in line or "getenv" in line:
                assert not own.search(line), f"{path}: {line.strip()}"


def test_turning_ner_on_changes_the_extractor_fingerprint_of_a_run() -> None:
    """Stored articles are extracted again when the extraction settings change."""
    import subprocess
    import sys

    code = "from checker.run import extractor_fingerprint; print(extractor_fingerprint())"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLAIMCHECK_PIPELINE_")}
    plain = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    with_ner = subprocess.run(
        [sys.executable, "-c", code], env={**env, "CLAIMCHECK_PIPELINE_USE_NER": "1"},
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert plain.startswith("claims:") and with_ner.startswith("claims:")
    assert plain != with_ner
