"""The "one big story" drop of the batch benchmark: copies of the seed reports with their
numbers changed, deterministic, every copy its own article, and the planted
disagreements recorded where they stand in each copy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from checker.bench.story import DATA_FILE, StoryData, generate_story, story_recall
from checker.bench.synthetic import manifest_path
from checker.run import run
from checker.store import Store

pytestmark = pytest.mark.slow  # the seeds are extracted once per day of the week


def records(drop: Path) -> list[dict[str, str]]:
    lines = (drop / "part-00000.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


def test_the_data_file_is_valid() -> None:
    data = StoryData.model_validate(yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")))
    assert len(data.reporters_first) * len(data.reporters_last) >= 200
    assert "{outlet}" in data.byline and "{first}" in data.byline


@pytest.fixture(scope="module")
def drop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("story") / "drop"
    generate_story(out, copies=6, seed=3, count_share=0.5, day_share=0.5)
    return out


def test_copies_are_deterministic_distinct_and_keep_their_seed(
    drop: Path, tmp_path: Path
) -> None:
    again = generate_story(tmp_path / "again", copies=6, seed=3, count_share=0.5,
                           day_share=0.5)
    assert (drop / "part-00000.jsonl").read_bytes() == (
        tmp_path / "again" / "part-00000.jsonl").read_bytes()
    written = records(drop)
    assert again.articles == len(written) == 5 * 6
    assert len({r["text"] for r in written}) == len(written)  # no two copies alike
    seeds = sorted(Path("seeds").glob("*.txt"))
    for record in written:
        seed = next(p for p in seeds if p.stem in record["name"])
        # The copy is its seed with digits changed and a byline added.
        first_line = seed.read_text(encoding="utf-8").strip().splitlines()[0]
        assert record["text"].startswith(first_line)
        assert record["text"].rstrip().splitlines()[-1].startswith("المصدر:")
        assert record["published"].startswith("2025-08-")


def test_the_manifest_points_at_each_planted_number_in_each_copy(drop: Path) -> None:
    manifest = json.loads(manifest_path(drop).read_text(encoding="utf-8"))
    texts = {r["name"]: r["text"] for r in records(drop)}
    assert manifest["planted"], "changed counts and days plant disagreements"
    for unit in manifest["planted"]:
        assert unit["kind"] in ("count", "date")
        differs = [c for c in unit["copies"].values() if c["differs"]]
        assert differs and len(unit["copies"]) == 6
        for name, where in unit["copies"].items():
            digits = texts[name][where["start"] : where["end"]]
            assert digits.isdigit()
            if unit["kind"] == "date":
                assert where["value"].endswith(f"-{int(digits):02d}")
            else:
                assert where["value"] == str(int(digits))


def test_the_recall_of_a_run_counts_caught_disagreements(drop: Path, tmp_path: Path) -> None:
    manifest = json.loads(manifest_path(drop).read_text(encoding="utf-8"))
    with Store(tmp_path / "story.db") as store:
        summary = run([drop], store, None, jobs=1)
        record = store.last_run()
    # The run record keeps the pairs compared per claim (in thousandths: counts are ints).
    assert summary.claims_total > 0 and summary.pairs_per_claim > 0
    assert record is not None
    assert record.counts["pairs_per_1000_claims"] == round(1000 * summary.pairs_per_claim)
    recall = story_recall(tmp_path / "story.db", manifest)
    assert recall.planted == len(manifest["planted"])
    assert 0 < recall.caught <= recall.planted
    assert recall.findings >= recall.on_planted > 0
