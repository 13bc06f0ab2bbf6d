"""Language per article: told from metadata or detected, used to pick the extraction
pipeline, and an article in a language without one rejected with its reason, never read
into an empty list of claims."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from checker.cli import main
from checker.ingest import read_drop
from checker.run import run
from checker.store import Store
from claims.languages import detect_language, supported_languages
from claims.model import Article
from claims.pipeline import (
    EN_UNITS,
    UNITS,
    UnsupportedLanguageError,
    check_pipeline,
    extract_claims,
    get_pipeline,
)

ENGLISH = (
    "US troops withdraw from Iraqi base\n\n"
    "US troops withdrew from Ain al-Asad air base in Anbar province on Saturday, the Iraqi "
    "defence ministry said, ending a presence of more than two decades.\n"
)
FRENCH = (
    "Les troupes américaines quittent une base irakienne\n\n"
    "Les troupes américaines se sont retirées samedi de la base aérienne d'Aïn al-Asad, dans "
    "la province d'Anbar, a annoncé le ministère irakien de la Défense, mettant fin à une "
    "présence de plus de deux décennies.\n"
)
ARABIC = "انسحبت القوات الأمريكية من قاعدة عين الأسد يوم السبت، بحسب وزارة الدفاع العراقية.\n"


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


# -- the pipelines -------------------------------------------------------------------------


def test_the_english_pipeline_has_every_unit_it_needs() -> None:
    errors, warnings = check_pipeline(list(EN_UNITS), {})
    assert errors == [] and warnings == []
    assert [u.name for u in EN_UNITS] == [u.name for u in UNITS if u.name != "cc_ner"]


def test_each_language_gets_its_own_components() -> None:
    english, arabic = get_pipeline("en"), get_pipeline("ar")
    assert english.lang == "en" and arabic.lang == "ar"
    assert english.pipe_names == [u.name for u in EN_UNITS if u.factory]
    assert type(english.get_pipe("cc_times")).__module__ == "claims.en.time"
    assert type(arabic.get_pipe("cc_times")).__module__ == "claims.time"


def test_an_english_article_gives_claims_with_spans_in_the_original_text() -> None:
    """Curly quotes, a no-break space and an en dash are folded for matching; every span
    still points into the text as written."""
    text = (
        "The U.S.\u00a0military’s last troops withdrew from Ain al-Asad on Saturday – "
        "officials said."
    )
    article = Article.from_text("a.txt", text, language="en", published=date(2025, 9, 22))
    claim, empty = extract_claims(article)
    assert claim.event == "withdrawal" and claim.phase == "completed"
    # the last troops gone, the base is empty of them from that day on (`empties`)
    assert empty.event == "troop_presence" and empty.quantity is not None
    assert empty.quantity.high == 0 and empty.inherited["derived_from"] == "withdrawal"
    assert empty.time is not None and empty.time.relation == "since"
    assert claim.location is not None and claim.location.key == "ain_al_asad"
    assert claim.time is not None and claim.time.value == "2025-09-20"
    assert claim.quote == text[claim.evidence.start : claim.evidence.end]
    for span in (claim.sentence, claim.location.span, claim.time.span):
        assert span is not None and text[span.start : span.end] == span.text


def test_an_arabic_article_is_still_read_by_the_arabic_pipeline() -> None:
    claims = extract_claims(Article.from_text("ar.txt", ARABIC))
    assert {c.location.key for c in claims if c.location is not None} == {"ain_al_asad"}


def test_a_language_without_a_pipeline_is_refused_not_read_empty() -> None:
    with pytest.raises(UnsupportedLanguageError, match="'fr'"):
        extract_claims(Article.from_text("f.txt", FRENCH, language="fr"))


# -- telling the language -----------------------------------------------------------------


def test_detection_names_the_language_of_a_text() -> None:
    assert detect_language(ENGLISH).language == "en"
    assert detect_language(ARABIC).language == "ar"
    found = detect_language(FRENCH)
    assert found.language == "fr" and found.language not in supported_languages()


def test_a_short_text_is_not_guessed_unless_its_script_tells() -> None:
    """A headline-length Latin text is refused; an Arabic-script one is read as Arabic
    (the only Arabic-script language with a pipeline), and says so."""
    assert detect_language("Chad").language is None
    short = detect_language("نص قصير")
    assert short.language == "ar"


def test_ingestion_stores_the_language_from_metadata_or_detection(tmp_path: Path) -> None:
    write(tmp_path, "wire.txt", ENGLISH)
    write(tmp_path, "local.txt", ARABIC)
    write(tmp_path, "tagged.txt", ENGLISH.replace("Saturday", "Sunday"))
    (tmp_path / "manifest.jsonl").write_text(
        '{"file": "tagged.txt", "language": "en-GB"}\n', encoding="utf-8"
    )
    result = read_drop(tmp_path)
    assert {a.name: a.language for a in result.articles} == {
        "local.txt": "ar",
        "tagged.txt": "en",
        "wire.txt": "en",
    }


def test_an_article_in_another_language_is_rejected_with_its_reason(tmp_path: Path) -> None:
    write(tmp_path, "depeche.txt", FRENCH)
    write(tmp_path, "declared.txt", ARABIC)
    write(tmp_path, "short.txt", "Chad\n")
    (tmp_path / "manifest.jsonl").write_text(
        '{"file": "declared.txt", "language": "fa"}\n', encoding="utf-8"
    )
    result = read_drop(tmp_path)
    assert result.articles == []
    reasons = {r.path: (r.reason, r.detail) for r in result.rejected}
    assert {path: reason for path, (reason, _) in reasons.items()} == {
        "declared.txt": "unsupported_language",
        "depeche.txt": "unsupported_language",
        "short.txt": "unsupported_language",
    }
    assert "'fr'" in reasons["depeche.txt"][1] and "English (en)" in reasons["depeche.txt"][1]
    assert "'fa'" in reasons["declared.txt"][1]
    assert "cannot be told" in reasons["short.txt"][1]


def test_a_jsonl_record_in_another_language_is_rejected_by_line(tmp_path: Path) -> None:
    import json

    lines = [
        json.dumps({"name": "en", "text": ENGLISH}),
        json.dumps({"name": "fr", "text": FRENCH}),
    ]
    write(tmp_path, "wire.jsonl", "\n".join(lines) + "\n")
    result = read_drop(tmp_path)
    assert [(a.name, a.language) for a in result.articles] == [("en", "en")]
    (rejected,) = result.rejected
    assert (rejected.path, rejected.reason) == ("wire.jsonl#2", "unsupported_language")
    assert rejected.detail.startswith("line 2: ")


def test_claimcheck_rejected_lists_the_unsupported_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drop = tmp_path / "drop"
    write(drop, "wire.txt", ENGLISH)
    write(drop, "depeche.txt", FRENCH)
    db = tmp_path / "c.db"
    with Store(db) as store:
        summary = run([drop], store, out_dir=None)
        assert summary.articles_added == 1 and summary.claims_extracted >= 1
        assert [(r.path, r.reason) for r in summary.rejected] == [
            ("depeche.txt", "unsupported_language")
        ]
        (stored,) = store.articles()
        assert stored.language == "en"
    capsys.readouterr()
    assert main(["rejected", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "depeche.txt" in out and "unsupported_language" in out
