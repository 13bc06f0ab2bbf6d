"""The Wojood span benchmark (checker.bench.wojood_spans): reading nested tags, scoring."""

from __future__ import annotations

from pathlib import Path

from checker.bench.wojood_spans import FILES, Score, read_sentences, run_benchmark


def _write_sample(folder: Path) -> None:
    rows = [
        "وصل O",
        "50 B-CARDINAL B-QUANTITY",
        "جنديا I-QUANTITY",
        "يوم B-DATE",
        "الخميس I-DATE",
        "21 B-DATE",  # a B right after an I of its class opens a second span
        "اغسطس I-DATE",
        "2025 I-DATE",
        ". O",
    ]
    (folder / FILES[0]).write_text("\n".join(rows) + "\n\n", encoding="utf-8")
    for name in FILES[1:]:
        (folder / name).write_text("", encoding="utf-8")


def test_nested_tags_become_spans_per_class(tmp_path: Path) -> None:
    _write_sample(tmp_path)
    [sentence] = read_sentences(tmp_path)
    assert sentence.gold == {
        "CARDINAL": [(1, 2)],
        "QUANTITY": [(1, 3)],
        "DATE": [(3, 5), (5, 8)],
    }


def test_scores_exact_and_overlap(tmp_path: Path) -> None:
    _write_sample(tmp_path)
    result = run_benchmark(read_sentences(tmp_path))
    # The quantity tagger reads "50 جنديا" as one span: not the CARDINAL exactly, but on it.
    cardinal = result.scores["quantities vs CARDINAL"]
    assert (cardinal.gold, cardinal.predicted, cardinal.exact) == (1, 1, 0)
    assert (cardinal.pred_overlapping, cardinal.gold_overlapping) == (1, 1)
    # One date span from the tagger covers both gold DATE spans.
    dates = result.scores["times vs DATE"]
    assert dates.gold == 2 and dates.gold_overlapping == 2


def test_score_row_handles_nothing_found() -> None:
    score = Score()
    score.add([(0, 2)], [])
    assert score.row() == (0.0, 0.0, 0.0, 0.0)
