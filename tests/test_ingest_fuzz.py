"""Property tests of ingestion: whatever bytes a drop holds, reading it never raises,
every input ends up either as an article or as a rejection with a reason (never both,
never neither), and what is accepted is text the store can keep. Arbitrary Arabic text
with digits, punctuation and bidi marks also goes on through extraction, where every
span must stay inside the article text.

Sizes and example counts are kept small so that the file runs in seconds; the inputs
are skewed towards the edges the reader has branches for (byte-order marks, front
matter, JSON escapes, legacy Arabic encodings, cut-off UTF-8).
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from pathlib import Path
from typing import get_args

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from checker.ingest import DropResult, RejectReason, read_drop
from checker.run import ingest_drops
from checker.store import Store
from claims.model import Article, Claim, Span
from claims.pipeline import extract_claims

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
REASONS = set(get_args(RejectReason))

ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x063B)] + [chr(c) for c in range(0x0641, 0x064B)]
MARKS = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0640", "\u0670"]  # harakat, tatweel
DIGITS = list("0123456789") + [chr(c) for c in range(0x0660, 0x066A)] + ["\u06f5", "\u06f9"]
PUNCT = list(" \n\t.,:;!?()[]-/%\"'«»") + ["،", "؛", "؟", "٪", "٫", "٬", "\u00a0"]
BIDI = ["\u200e", "\u200f", "\u061c", "\u200c", "\u200d", "\ufeff"]
BIDI += [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
# Not Arabic, but what broken inputs carry: NUL and other controls, separators that
# str.splitlines() splits on, and lone surrogates (reachable through JSON escapes).
ODD = ["\x00", "\x07", "\x1c", "\x85", "\u2028", "\ufffd", "\ud800", "\udfff", "a", "Z"]

# Words of other stories than the seeds (flood, earthquake, attack, troops, port), so
# that random text also reaches the triggers, numbers, dates and places of extraction.
WORDS = [
    "غمرت", "السيول", "ضرب", "زلزال", "بقوة", "درجات", "هجوم", "مسلحون", "قتل", "أصيب",
    "جنود", "انسحبت", "القوات", "وصلت", "قافلة", "أغلقت", "ميناء", "السلطات", "قال",
    "أعلنت", "وزارة", "الداخلية", "نحو", "أكثر", "من", "ثلاثة", "عشرات", "مئات", "1200",
    "٣٥", "يوم", "الثلاثاء", "أمس", "الماضي", "مارس", "2024", "١٥", "في", "قرب", "مدينة",
    "الحسيمة", "الأنبار", "بحسب", "مصدر", "أمني", "قتيلا", "جريحا", "منذ", "حتى", ".",
    "،", "\n\n",
]

ARABIC_TEXT = st.text(
    alphabet=st.sampled_from(ARABIC_LETTERS + MARKS + DIGITS + PUNCT + BIDI), max_size=300
)
NEWS_TEXT = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.text(alphabet=st.sampled_from(MARKS + BIDI + DIGITS + PUNCT), min_size=1, max_size=3),
    ),
    max_size=50,
).map(" ".join)
ANY_TEXT = st.text(
    alphabet=st.sampled_from(ARABIC_LETTERS + MARKS + DIGITS + PUNCT + BIDI + ODD), max_size=200
)


# -- bytes a drop may hold -------------------------------------------------------------------


def _encode(text: str, codec: str) -> bytes:
    return text.encode(codec, errors="replace" if codec != "utf-8" else "surrogatepass")


ENCODED = st.builds(
    _encode,
    st.one_of(ARABIC_TEXT, NEWS_TEXT, ANY_TEXT),
    st.sampled_from(["utf-8", "utf-16", "utf-16-le", "utf-32", "cp1256", "iso8859_6"]),
)
# A valid encoding cut off anywhere, as a copy interrupted mid-file leaves it.
CUT = st.builds(lambda data, n: data[: max(0, len(data) - n)], ENCODED, st.integers(0, 3))
PREFIXES = [
    b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff",
    b"\n \t", b"<html><body><article><p>", b"<script>x</script>", b"---\n",
]
FRONT_MATTER = [
    "title: خبر", "published: 2024-13-45", "published: 2024-02-30 10:00:00",
    "published: 2024-05-01", "published: last week", "title: &a [*a]", "title: !!binary AAAA",
    "? [a]\n: 1", "1: 2", "- a list", "title: [unclosed", "language: العربية",
    "url: 12", "outlet: \"\\ud800\"", "title: \"\\x00\"", "title: !!bool maybe",
    "published: !!timestamp soon", "published: 0000-00-00", "title: " + "[" * 2000 + "]" * 2000, "",
]
MARKDOWN = st.builds(
    lambda lines, body: ("---\n" + "\n".join(lines) + "\n---\n" + body).encode(
        "utf-8", errors="surrogatepass"
    ),
    st.lists(st.sampled_from(FRONT_MATTER), max_size=3),
    st.one_of(ARABIC_TEXT, NEWS_TEXT),
)
FILE_BYTES = st.one_of(
    st.binary(max_size=400),
    st.builds(lambda p, b: p + b, st.sampled_from(PREFIXES), st.one_of(st.binary(max_size=300),
                                                                        ENCODED, CUT)),
    ENCODED,
    CUT,
    MARKDOWN,
)

JSON_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), ANY_TEXT,
    st.sampled_from(["2024-05-01", "2024-13-45", "ar", "ar-EG", "ar_SA", "العربية", ""]),
)
JSON_VALUE = st.recursive(
    JSON_SCALAR, lambda inner: st.lists(inner, max_size=3), max_leaves=4
)
FIELDS = ["name", "text", "title", "outlet", "url", "published", "language", "file"]
RECORD = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), ANY_TEXT), st.one_of(JSON_VALUE, ARABIC_TEXT), max_size=5
)
JSONL_LINE = st.one_of(
    # ensure_ascii turns lone surrogates into \ud800 escapes, as a foreign exporter might.
    RECORD.map(lambda r: json.dumps(r, ensure_ascii=True).encode("ascii")),
    RECORD.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    st.binary(max_size=80),
    ENCODED,
    st.sampled_from([
        b"", b"   ", b"\xef\xbb\xbf", b"[1, 2]", b"null", b'{"text": 5}', b"[" * 3000,
        b'{"text": "\xd8\xae\xd8\xa8\xd8\xb1", "n": ' + b"9" * 5000 + b"}",
        b'{"file": "a.txt", "title": "\\udc00"}', b'{"text": "\\ud800\\u0646"}',
    ]),
)
JSONL_BYTES = st.lists(JSONL_LINE, max_size=5).map(b"\n".join)

# Names from a fixed pool (unique per drop); a manifest may describe the plain files.
PLAIN_NAMES = ["a.txt", "b.md", "c.html", "sub/d.txt", "sub/e.htm"]
JSONL_NAMES = ["f.jsonl", "sub/g.jsonl", "manifest.jsonl"]
DROP = st.fixed_dictionaries(
    {},
    optional={
        **{name: FILE_BYTES for name in PLAIN_NAMES},
        **{name: JSONL_BYTES for name in JSONL_NAMES},
    },
)
MAX_BYTES = st.sampled_from([64, 100_000])


def write_drop(root: Path, files: dict[str, bytes]) -> Path:
    drop = root / "drop"
    drop.mkdir()
    for name, data in files.items():
        path = drop / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return drop


def jsonl_lines_with_content(data: bytes, max_bytes: int) -> list[int]:
    """The line numbers the reader must account for: every line over the limit, not
    UTF-8, or not blank (a leading byte-order mark on line 1 does not count)."""
    numbers = []
    for number, raw in enumerate(io.BytesIO(data), start=1):
        if len(raw) > max_bytes:
            numbers.append(number)
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            numbers.append(number)
            continue
        if number == 1:
            line = line.lstrip("\ufeff")
        if line.strip():
            numbers.append(number)
    return numbers


def is_clean_text(value: str | None) -> bool:
    """Text the store and every report can hold: encodable as UTF-8."""
    if value is None:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def assert_accounted_for(result: DropResult, drop: Path, files: dict[str, bytes],
                         max_bytes: int) -> None:
    """Each input is an article or a rejection (with a known reason and a detail), never
    both, never neither; accepted articles are non-empty, clean text."""
    accepted: list[str] = []
    for article in result.articles:
        # Where the article came from: its file, and for JSONL its line ("f.jsonl#2").
        assert article.source_path is not None
        file, hash_mark, line = article.source_path.partition("#")
        accepted.append(Path(file).relative_to(drop).as_posix() + hash_mark + line)
        assert article.text.strip()
        assert article.id == Article.content_id(article.text)
        for value in (article.text, article.name, article.title, article.outlet, article.url,
                      article.language):
            assert is_clean_text(value)
    rejected = [item.path for item in result.rejected]
    for item in result.rejected:
        assert item.reason in REASONS
        assert item.detail.strip()
        assert is_clean_text(item.path) and is_clean_text(item.detail)
    assert len(set(accepted)) == len(accepted), "an input became two articles"
    assert len(set(rejected)) == len(rejected), "an input was rejected twice"
    assert not set(accepted) & set(rejected), "an input was both accepted and rejected"

    expected: set[str] = set()
    for name, data in files.items():
        if name.endswith("manifest.jsonl"):
            continue
        if name.endswith(".jsonl"):
            lines = jsonl_lines_with_content(data, max_bytes)
            expected |= {f"{name}#{n}" for n in lines} if lines else {name}
        else:
            expected.add(name)
    manifest = {p for p in rejected if p.startswith("manifest.jsonl#")}
    assert set(accepted) | (set(rejected) - manifest) == expected
    assert not any(p.startswith("manifest.jsonl#") for p in accepted)
    if "manifest.jsonl" in files:
        allowed = set(jsonl_lines_with_content(files["manifest.jsonl"], max_bytes))
        assert {int(p.split("#")[1]) for p in manifest} <= allowed


# Inputs that once made the reader raise (found by these tests), each with the reason it
# must now be rejected with, and that the store then takes.
CRASHED = {
    "front matter date that is no date": (
        {"b.md": "---\npublished: 2024-13-45\n---\nنص الخبر\n".encode()}, "b.md",
        "invalid_metadata",
    ),
    "front matter year 0": ({"b.md": b"---\n0000-00-00\n---"}, "b.md", "invalid_metadata"),
    "front matter tag that cannot be built": (
        {"b.md": "---\ntitle: !!bool maybe\n---\nنص\n".encode()}, "b.md", "invalid_metadata"
    ),
    "JSONL text with an escaped lone surrogate": (
        {"f.jsonl": b'{"text": "\\ud800 \xd9\x86\xd8\xb5"}\n'}, "f.jsonl#1", "encoding"
    ),
    "JSONL title with an escaped lone surrogate": (
        {"f.jsonl": b'{"text": "\xd9\x86\xd8\xb5", "title": "\\udc00"}\n'}, "f.jsonl#1",
        "invalid_metadata",
    ),
    "JSONL nested too deep": ({"f.jsonl": b"[" * 3000 + b"\n"}, "f.jsonl#1", "malformed_json"),
    "JSONL integer of 5000 digits": (
        {"f.jsonl": b'{"text": "x", "n": ' + b"9" * 5000 + b"}\n"}, "f.jsonl#1",
        "malformed_json",
    ),
    "manifest nested too deep": (
        {"manifest.jsonl": b"[" * 3000 + b"\n", "a.txt": "خبر\n".encode()},
        "manifest.jsonl#1", "manifest_error",
    ),
    "manifest outlet with an escaped lone surrogate": (
        {"manifest.jsonl": b'{"file": "a.txt", "outlet": "\\udfff"}\n',
         "a.txt": "خبر\n".encode()},
        "a.txt", "invalid_metadata",
    ),
}


@pytest.mark.parametrize("case", sorted(CRASHED))
def test_inputs_that_made_the_reader_raise_are_rejected(case: str, tmp_path: Path) -> None:
    files, path, reason = CRASHED[case]
    drop = write_drop(tmp_path, files)
    result = read_drop(drop, max_bytes=100_000)
    assert {r.path: r.reason for r in result.rejected}.get(path) == reason
    assert_accounted_for(result, drop, files, 100_000)
    with Store(tmp_path / "c.db") as store:  # and the store takes what was read
        ingest_drops([drop], store, max_bytes=100_000)
        assert (path, reason) in {(r.path, r.reason) for r in store.rejected()}


def test_a_file_name_that_is_not_utf8_is_rejected_and_shown_escaped(tmp_path: Path) -> None:
    """An Arabic name written in windows-1256, as an archive made on Windows leaves it."""
    drop = tmp_path / "drop"
    drop.mkdir()
    name = "خبر".encode("cp1256") + b".txt"
    with open(os.path.join(os.fsencode(drop), name), "wb") as handle:
        handle.write("نص الخبر\n".encode())
    (drop / "ok.txt").write_text("نص آخر\n", encoding="utf-8")
    result = read_drop(drop)
    assert [a.name for a in result.articles] == ["ok.txt"]
    assert [(r.path, r.reason) for r in result.rejected] == [("\\xce\\xc8\\xd1.txt", "encoding")]
    with Store(tmp_path / "n.db") as store:
        ingest_drops([drop], store)
        assert [r.path for r in store.rejected()] == ["\\xce\\xc8\\xd1.txt"]


@FUZZ
@given(files=DROP, max_bytes=MAX_BYTES)
def test_any_bytes_in_a_drop_are_read_or_rejected(files: dict[str, bytes], max_bytes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        drop = write_drop(Path(tmp), files)
        result = read_drop(drop, max_bytes=max_bytes)
        assert_accounted_for(result, drop, files, max_bytes)


@settings(FUZZ, max_examples=40)
@given(files=DROP, max_bytes=MAX_BYTES)
def test_any_bytes_in_a_drop_reach_the_store_intact(
    files: dict[str, bytes], max_bytes: int
) -> None:
    """The real ingest path (one transaction per article) never fails on what the reader
    accepted, and the store gives back exactly that text and those rejections."""
    with tempfile.TemporaryDirectory() as tmp:
        drop = write_drop(Path(tmp), files)
        expected = read_drop(drop, max_bytes=max_bytes)
        with Store(Path(tmp) / "fuzz.db") as store:
            _results, status, _rejected = ingest_drops([drop], store, max_bytes=max_bytes)
            assert status["added"] == len(expected.articles)
            assert {a.id: (a.name, a.text) for a in store.articles()} == {
                a.id: (a.name, a.text) for a in expected.articles
            }
            assert {(r.path, r.reason) for r in store.rejected()} == {
                (r.path, r.reason) for r in expected.rejected
            }


@settings(FUZZ, max_examples=40)
@given(
    names=st.lists(
        st.binary(min_size=1, max_size=40).filter(
            lambda b: b"/" not in b and b"\x00" not in b and not b.startswith(b".")
        ),
        min_size=1, max_size=4, unique=True,
    )
)
def test_any_file_name_is_read_or_rejected(names: list[bytes]) -> None:
    """File names are bytes on Linux: a drop unpacked from an archive made elsewhere can
    carry names that are not UTF-8 (an Arabic name in windows-1256, say)."""
    with tempfile.TemporaryDirectory() as tmp:
        drop = Path(tmp) / "drop"
        drop.mkdir()
        for number, name in enumerate(names):
            text = f"خبر رقم {number}\n\nأعلنت السلطات إغلاق الميناء يوم الأحد.\n"
            with open(os.path.join(os.fsencode(drop), name + b".txt"), "wb") as handle:
                handle.write(text.encode("utf-8"))
        result = read_drop(drop)
        assert len(result.articles) + len(result.rejected) == len(names)
        for article in result.articles:
            assert is_clean_text(article.name) and is_clean_text(article.source_path)
        for item in result.rejected:
            assert item.reason in REASONS and item.detail.strip() and is_clean_text(item.path)
        with Store(Path(tmp) / "names.db") as store:
            _results, status, _rejected = ingest_drops([drop], store)
            assert status["added"] == len(result.articles)
            assert len(store.rejected()) == len(result.rejected)


# -- arbitrary Arabic text through ingestion and extraction ------------------------------


def spans_of(claim: Claim) -> list[Span]:
    spans = [claim.sentence, claim.evidence]
    for entity in [*claim.actors, *claim.destinations, claim.location]:
        if entity is not None and entity.span is not None:
            spans.append(entity.span)
    for value in (claim.time, claim.quantity, claim.attribution):
        if value is not None and value.span is not None:
            spans.append(value.span)
    return spans


@settings(FUZZ, max_examples=60)
@given(text=st.one_of(ARABIC_TEXT, NEWS_TEXT), form=st.sampled_from(["txt", "jsonl", "md"]))
def test_arabic_text_with_bidi_marks_goes_through_ingestion_and_extraction(
    text: str, form: str
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        drop = Path(tmp) / "drop"
        drop.mkdir()
        if form == "txt":
            (drop / "story.txt").write_bytes(text.encode("utf-8"))
        elif form == "jsonl":
            record = json.dumps({"name": "story", "text": text}, ensure_ascii=False)
            (drop / "story.jsonl").write_bytes(record.encode("utf-8") + b"\n")
        else:
            (drop / "story.md").write_bytes(("---\ntitle: خبر\n---\n" + text).encode("utf-8"))
        result = read_drop(drop)
        assert len(result.articles) + len(result.rejected) == 1
        if result.rejected:
            # Well-formed UTF-8 text is refused only when there is nothing in it, or when
            # the language detector places it in a language without a pipeline (random
            # Arabic-script letters may read as Persian or Uyghur).
            if result.rejected[0].reason == "unsupported_language":
                return
            assert result.rejected[0].reason == "empty"
            assert not text.strip() or (form == "txt" and not text.lstrip("\ufeff").strip())
            return
        (article,) = result.articles
        if form == "txt":
            # The text is the file's text, exactly (a leading byte-order mark aside).
            assert article.text == text.removeprefix("\ufeff")
        elif form == "jsonl":
            assert article.text == text
        claims = extract_claims(article)
        event("claims extracted" if claims else "no claim")  # --hypothesis-show-statistics
        for claim in claims:
            assert claim.article_id == article.id
            assert claim.quote == article.text[claim.evidence.start : claim.evidence.end]
            for span in spans_of(claim):
                assert 0 <= span.start <= span.end <= len(article.text)
                assert article.text[span.start : span.end] == span.text
        with Store(Path(tmp) / "text.db") as store:
            store.save_article_with_claims(article, claims, extractor="fuzz")
            assert store.get_article(article.id) == article
            assert sorted(c.id for c in store.claims(article_id=article.id)) == sorted(
                {c.id for c in claims}
            )
