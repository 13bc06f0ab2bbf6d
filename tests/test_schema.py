"""The committed JSON Schemas (docs/schema) are what the code generates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.schema_export import SCHEMAS, export, render_schema


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_matches_the_code(repo_root: Path, name: str) -> None:
    path = repo_root / "docs" / "schema" / name
    assert path.is_file(), f"{path} is missing: run `make schema`"
    committed = path.read_text(encoding="utf-8")
    assert committed == render_schema(SCHEMAS[name]), (
        f"docs/schema/{name} is out of date with the data model: run `make schema` "
        "(python -m checker.schema_export docs/schema) and commit the result"
    )


def test_claim_and_finding_schemas_are_exported(tmp_path: Path) -> None:
    written = {p.name for p in export(tmp_path)}
    assert {"claim.schema.json", "finding.schema.json"} <= written
    claim = json.loads((tmp_path / "claim.schema.json").read_text(encoding="utf-8"))
    assert claim["title"] == "Claim"
    assert {"article_id", "evidence", "quote", "event"} <= set(claim["required"])
    text = (tmp_path / "finding.schema.json").read_text(encoding="utf-8")
    assert text.endswith("}\n") and not text.endswith("\n\n")
