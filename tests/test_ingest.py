"""Reading drops: every input form, and every kind of bad input rejected with a reason."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from checker.ingest import DropError, DropResult, read_drop

QUAKE = (
    "زلزال يضرب الإقليم\n\n"
    "ضرب زلزال بقوة 5.9 درجات الإقليم الجبلي فجر الاثنين، وأعلنت السلطات إصابة 14 شخصا.\n"
)


def by_name(result: DropResult) -> dict[str, object]:
    return {a.name: a for a in result.articles}


def reasons(result: DropResult) -> dict[str, str]:
    return {r.path: r.reason for r in result.rejected}


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-8"))
    return path


# -- the committed fixture drop: every good form -----------------------------------------


@pytest.fixture(scope="module")
def basic() -> DropResult:
    return read_drop(Path(__file__).parent / "data" / "drops" / "basic")


def test_every_form_is_read_with_its_name(basic: DropResult) -> None:
    assert sorted(a.name for a in basic.articles) == [
        "flood.md",
        "quake.txt",
        "regional/aftershock.txt",
        "regional/north/convoy.txt",
        "storm.html",
        "wire.jsonl#2",
        "wire/bridge-collapse",
    ]


def test_txt_text_is_the_whole_file_and_title_is_first_line(
    basic: DropResult, drops_dir: Path
) -> None:
    quake = next(a for a in basic.articles if a.name == "quake.txt")
    raw = (drops_dir / "basic" / "quake.txt").read_bytes().decode("utf-8")
    assert quake.text == raw
    assert quake.title == "زلزال بقوة 6.8 درجات يضرب إقليم الحوز جنوب مراكش"
    assert quake.id.startswith("a_") and len(quake.id) == 18


def test_manifest_metadata_applies_per_folder(basic: DropResult) -> None:
    articles = by_name(basic)
    quake, aftershock, convoy = (
        articles["quake.txt"], articles["regional/aftershock.txt"],
        articles["regional/north/convoy.txt"],
    )
    assert quake.outlet == "صحيفة المثال"  # type: ignore[attr-defined]
    assert quake.published == date(2023, 9, 9)  # type: ignore[attr-defined]
    assert quake.url == "https://paper.example.com/quake"  # type: ignore[attr-defined]
    assert aftershock.outlet == "إذاعة الجنوب"  # type: ignore[attr-defined]
    assert aftershock.url is None  # type: ignore[attr-defined]
    assert convoy.outlet == "موقع الشمال"  # type: ignore[attr-defined]
    # An ISO datetime keeps its calendar day.
    assert convoy.published == date(2024, 2, 20)  # type: ignore[attr-defined]


def test_markdown_front_matter(basic: DropResult) -> None:
    flood = by_name(basic)["flood.md"]
    assert flood.title == "فيضانات درنة: السيول تجرف أحياء كاملة"  # type: ignore[attr-defined]
    assert flood.outlet == "وكالة الأنباء التجريبية"  # type: ignore[attr-defined]
    assert flood.published == date(2023, 9, 12)  # type: ignore[attr-defined]
    assert flood.text.startswith("# فيضانات درنة")  # type: ignore[attr-defined]
    assert "outlet:" not in flood.text  # type: ignore[attr-defined]


def test_html_main_text_without_scripts_styles_navigation(basic: DropResult) -> None:
    storm = by_name(basic)["storm.html"]
    text = storm.text  # type: ignore[attr-defined]
    assert "ضربت عاصفة قوية السواحل الشرقية صباح الاثنين" in text
    assert "أجلت نحو 500 أسرة" in text
    for unwanted in ("tracking", "console.log", "لا ينبغي أن يظهر", "font-family", "رياضة",
                     "قائمة التصفح", "نص برمجي آخر", "<p>"):
        assert unwanted not in text
    assert storm.title == "العاصفة تضرب السواحل الشرقية"  # type: ignore[attr-defined]
    assert storm.outlet == "شبكة المثال الإخبارية"  # type: ignore[attr-defined]
    assert storm.published == date(2024, 1, 15)  # type: ignore[attr-defined]
    assert storm.url == "https://example.net/news/storm-east-coast"  # type: ignore[attr-defined]
    assert storm.language == "ar"  # type: ignore[attr-defined]


def test_jsonl_good_lines_load_and_bad_lines_are_rejected_with_line_numbers(
    basic: DropResult,
) -> None:
    articles = by_name(basic)
    bridge = articles["wire/bridge-collapse"]
    assert bridge.published == date(2024, 3, 6)  # type: ignore[attr-defined]
    assert bridge.source_path.endswith("wire.jsonl#1")  # type: ignore[attr-defined]
    assert "wire.jsonl#2" in articles  # no name: file#line
    assert reasons(basic) == {"wire.jsonl#3": "malformed_json", "wire.jsonl#4": "missing_text"}
    detail = {r.path: r.detail for r in basic.rejected}
    assert "line 3" in detail["wire.jsonl#3"] and "line 4" in detail["wire.jsonl#4"]


def test_unknown_extensions_are_listed_as_ignored(basic: DropResult) -> None:
    assert basic.ignored == ["notes.csv"]


def test_seed_files_keep_bare_names_and_exact_text(repo_root: Path) -> None:
    result = read_drop(repo_root / "seeds")
    assert not result.rejected
    names = sorted(p.name for p in (repo_root / "seeds").glob("*.txt"))
    assert sorted(a.name for a in result.articles) == names
    for article in result.articles:
        assert article.text == (repo_root / "seeds" / article.name).read_bytes().decode("utf-8")


# -- bad input ---------------------------------------------------------------------------


def test_empty_and_whitespace_only_files(tmp_path: Path) -> None:
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "blank.txt", " \n\t\n  \u00a0\n")
    write(tmp_path, "ok.txt", QUAKE)
    result = read_drop(tmp_path)
    assert reasons(result) == {"empty.txt": "empty", "blank.txt": "empty"}
    assert [a.name for a in result.articles] == ["ok.txt"]


def test_binary_file(tmp_path: Path) -> None:
    write(tmp_path, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert reasons(read_drop(tmp_path)) == {"photo.txt": "binary"}


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    write(tmp_path, "le.txt", QUAKE.encode("utf-16"))  # Python writes a BOM
    write(tmp_path, "be.txt", b"\xfe\xff" + ("BE " + QUAKE).encode("utf-16-be"))
    result = read_drop(tmp_path)
    assert not result.rejected
    texts = {a.name: a.text for a in result.articles}
    assert texts["le.txt"] == QUAKE
    assert texts["be.txt"] == "BE " + QUAKE


def test_utf8_bom_is_dropped_and_line_endings_kept(tmp_path: Path) -> None:
    crlf = QUAKE.replace("\n", "\r\n")
    write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + crlf.encode("utf-8"))
    (article,) = read_drop(tmp_path).articles
    assert article.text == crlf
    assert article.title == "زلزال يضرب الإقليم"


@pytest.mark.parametrize("codec", ["cp1256", "iso8859_6"])
def test_legacy_arabic_encodings_are_decoded(tmp_path: Path, codec: str) -> None:
    # ISO-8859-6 has no Persian/extra letters; keep to the common alphabet.
    text = (
        "فيضانات في المدينة\n\n"
        "غمرت مياه الأمطار شوارع المدينة مساء الثلاثاء وقالت البلدية إن فرقها "
        "تعمل على فتح المجاري وإجلاء السكان من الأحياء المنخفضة.\n"
    )
    write(tmp_path, "legacy.txt", text.encode(codec))
    result = read_drop(tmp_path)
    assert not result.rejected
    assert result.articles[0].text == text


def test_non_utf8_text_that_is_not_arabic_is_rejected(tmp_path: Path) -> None:
    french = "Le séisme a frappé la région à l'aube, selon les autorités élues.\n"
    write(tmp_path, "latin1.txt", french.encode("latin-1"))
    result = read_drop(tmp_path)
    assert reasons(result) == {"latin1.txt": "encoding"}
    assert "Arabic" in result.rejected[0].detail


def test_truncated_and_corrupted_utf8_are_rejected(tmp_path: Path) -> None:
    data = QUAKE.encode("utf-8")
    write(tmp_path, "truncated.txt", data[:-2] + "ة".encode()[:1])
    middle = len(data) // 2
    while data[middle] & 0xC0 != 0xC0:  # find the lead byte of a multi-byte character
        middle += 1
    write(tmp_path, "corrupted.txt", data[:middle] + b"\xff" + data[middle + 1 :])
    result = read_drop(tmp_path)
    assert reasons(result) == {"truncated.txt": "invalid_utf8", "corrupted.txt": "invalid_utf8"}
    detail = {r.path: r.detail for r in result.rejected}
    assert "truncated" in detail["truncated.txt"]


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    write(tmp_path, "big.txt", QUAKE * 50)
    write(tmp_path, "small.txt", QUAKE)
    size = len((QUAKE * 50).encode("utf-8"))
    limited = read_drop(tmp_path, max_bytes=size - 1)
    assert reasons(limited) == {"big.txt": "too_large"}
    assert [a.name for a in limited.articles] == ["small.txt"]
    assert not read_drop(tmp_path, max_bytes=size).rejected


def test_jsonl_line_over_the_limit_is_rejected_alone(tmp_path: Path) -> None:
    long_text = "ن" * 500
    write(
        tmp_path, "batch.jsonl",
        f'{{"name": "long", "text": "{long_text}"}}\n{{"name": "short", "text": "نص قصير"}}\n',
    )
    result = read_drop(tmp_path, max_bytes=200)
    assert reasons(result) == {"batch.jsonl#1": "too_large"}
    assert [a.name for a in result.articles] == ["short"]


def test_symlink_outside_the_drop_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    drop = tmp_path / "drop"
    write(outside, "secret.txt", "سر لا ينبغي قراءته\n")
    write(outside / "folder", "more.txt", "نص آخر خارج المجلد\n")
    write(drop, "ok.txt", QUAKE)
    os.symlink(outside / "secret.txt", drop / "link.txt")
    os.symlink(outside / "folder", drop / "linked_folder")
    result = read_drop(drop)
    assert reasons(result) == {
        "link.txt": "symlink_outside",
        "linked_folder": "symlink_outside",
    }
    assert all("سر" not in a.text and "خارج" not in a.text for a in result.articles)


def test_symlink_inside_is_a_duplicate_and_broken_link_is_unreadable(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", QUAKE)
    os.symlink(tmp_path / "a.txt", tmp_path / "b.txt")
    os.symlink(tmp_path / "missing.txt", tmp_path / "c.txt")
    result = read_drop(tmp_path)
    assert [a.name for a in result.articles] == ["a.txt"]
    assert reasons(result) == {"b.txt": "duplicate", "c.txt": "unreadable"}
    assert "'a.txt'" in next(r.detail for r in result.rejected if r.path == "b.txt")


def test_duplicate_content_under_two_names_keeps_the_first(tmp_path: Path) -> None:
    write(tmp_path, "first.txt", QUAKE)
    write(tmp_path, "sub/second.txt", QUAKE)
    result = read_drop(tmp_path)
    assert [a.name for a in result.articles] == ["first.txt"]
    assert reasons(result) == {"sub/second.txt": "duplicate"}


def test_unreadable_file_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission bits do not stop root, so the read error is simulated."""
    write(tmp_path, "locked.txt", QUAKE)
    write(tmp_path, "ok.txt", QUAKE + "\nسطر إضافي\n")
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = read_drop(tmp_path)
    assert reasons(result) == {"locked.txt": "unreadable"}
    assert [a.name for a in result.articles] == ["ok.txt"]


def test_hidden_files_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, ".DS_Store", b"\x00\x01binary")
    write(tmp_path, ".git/HEAD", "ref: refs/heads/main\n")
    write(tmp_path, "ok.txt", QUAKE)
    result = read_drop(tmp_path)
    assert not result.rejected and not result.ignored
    assert [a.name for a in result.articles] == ["ok.txt"]


def test_invalid_metadata_rejects_the_article_not_the_batch(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", QUAKE)
    write(tmp_path, "b.txt", QUAKE + "\nتحديث\n")
    write(tmp_path, "c.md", "---\npublished: last Tuesday\n---\nنص المقال\n")
    write(tmp_path, "d.md", "---\ntitle: [unclosed\n---\nنص آخر\n")
    write(tmp_path, "e.md", "---\n- a list\n- not a mapping\n---\nنص ثالث\n")
    write(
        tmp_path, "f.jsonl",
        '{"name": "f1", "text": "نص", "published": 20240101}\n'
        '{"name": "f2", "text": "نص ثان", "language": "العربية"}\n'
        '{"name": "f3", "text": "نص ثالث", "published": "2024-01-01"}\n',
    )
    write(
        tmp_path, "manifest.jsonl",
        '{"file": "a.txt", "published": "2024-13-45"}\n'
        '{"file": "b.txt", "outlet": "جريدة", "published": "2024-01-02"}\n',
    )
    result = read_drop(tmp_path)
    assert reasons(result) == {
        "a.txt": "invalid_metadata",
        "c.md": "invalid_metadata",
        "d.md": "invalid_metadata",
        "e.md": "invalid_metadata",
        "f.jsonl#1": "invalid_metadata",
        "f.jsonl#2": "invalid_metadata",
    }
    assert "manifest.jsonl line 1" in next(r.detail for r in result.rejected if r.path == "a.txt")
    assert sorted(a.name for a in result.articles) == ["b.txt", "f3"]
    assert by_name(result)["b.txt"].published == date(2024, 1, 2)  # type: ignore[attr-defined]


def test_manifest_problems_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", QUAKE)
    write(
        tmp_path, "manifest.jsonl",
        "not json\n"
        '{"file": "a.txt", "outlet": "جريدة"}\n'
        '{"file": "ghost.txt", "outlet": "جريدة"}\n'
        '{"outlet": "no file field"}\n'
        '{"file": "other-ghost.txt"}\n'
        '["a", "list"]\n',
    )
    result = read_drop(tmp_path)
    assert reasons(result) == {
        "manifest.jsonl#1": "manifest_error",
        "manifest.jsonl#3": "manifest_error",
        "manifest.jsonl#4": "manifest_error",
        "manifest.jsonl#5": "manifest_error",
        "manifest.jsonl#6": "manifest_error",
    }
    assert "ghost.txt" in next(r.detail for r in result.rejected if r.path == "manifest.jsonl#3")
    assert result.articles[0].outlet == "جريدة"


def test_html_without_text_is_rejected(tmp_path: Path) -> None:
    write(
        tmp_path, "blank.html",
        "<html><head><script>var x = 1;</script></head><body></body></html>",
    )
    assert reasons(read_drop(tmp_path)) == {"blank.html": "no_text"}


def test_missing_drop_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DropError, match="drop not found"):
        read_drop(tmp_path / "nope")


def test_single_file_drop(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", QUAKE)
    write(tmp_path, "b.txt", QUAKE + "\nآخر\n")
    write(tmp_path, "manifest.jsonl", '{"file": "a.txt", "outlet": "جريدة"}\n')
    result = read_drop(tmp_path / "a.txt")
    assert [a.name for a in result.articles] == ["a.txt"]
    assert result.articles[0].outlet == "جريدة"
    assert not result.rejected
