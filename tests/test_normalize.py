"""Arabic normalisation and the map back to original offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.normalize import is_normalized, normalize, normalize_with_map


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("أحمد إلى آخر ٱلقوم", "احمد الي اخر القوم"),  # alef variants, alef maqsura
        ("مدينة القاعدة", "مدينه القاعده"),  # ta marbuta
        ("عـــاجل", "عاجل"),  # tatweel
        ("القُوَّاتُ الأَمْرِيكِيَّةُ", "القوات الامريكيه"),  # harakat and shadda
        ("٢٠٢٥ و ۱۵۰ و 3", "2025 و 150 و 3"),  # Arabic-Indic and Persian digits
        ("٣٫٥٪", "3.5%"),  # Arabic decimal separator and percent sign
        ("\ufefb", "لا"),  # lam-alef ligature (isolated form)
        ("\ufedf\ufee8\ufe8e", "لنا"),  # contextual presentation forms
        ("\u200fالقدس\u200e \u202bغزة\u202c", "القدس غزه"),  # bidi marks and embeddings
        ("ی ک", "ي ك"),  # Persian ya and keheh
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected
    assert normalize_with_map(raw).text == expected
    assert is_normalized(expected)


def test_to_original_maps_a_word_back_with_its_diacritics() -> None:
    raw = "قال إنَّ الجنودَ غادروا"
    norm = normalize_with_map(raw)
    start = norm.text.index("الجنود")
    s, e = norm.to_original(start, start + len("الجنود"))
    # The fatha after the last letter belongs to the word.
    assert raw[s:e] == "الجنودَ"


def test_to_original_after_removed_and_expanded_characters() -> None:
    raw = "\u200fعـــدد \ufefbجئين ٣٥٠ شخصاً"
    norm = normalize_with_map(raw)
    assert norm.text == "عدد لاجئين 350 شخصا"
    start = norm.text.index("350")
    assert norm.original_slice(start, start + 3) == "٣٥٠"
    start = norm.text.index("لاجئين")
    s, e = norm.to_original(start, start + len("لاجئين"))
    assert raw[s:e] == "\ufefbجئين"
    # Half of a ligature maps to the whole ligature, never to an empty or split range.
    s, e = norm.to_original(start, start + 1)
    assert raw[s:e] == "\ufefb"
    s, e = norm.to_original(0, len("عدد"))
    assert raw[s:e] == "عـــدد"


def test_presentation_form_without_decomposition() -> None:
    """Quran quotations in news use the ornate parentheses U+FD3E/U+FD3F; they must pass
    through normalisation unchanged, not crash it."""
    text = "قال تعالي \ufd3eوقل\ufd3f \ufe73"
    assert normalize(text) == text


def test_to_original_rejects_out_of_range() -> None:
    norm = normalize_with_map("نص")
    with pytest.raises(ValueError):
        norm.to_original(0, 5)
    with pytest.raises(ValueError):
        norm.to_original(2, 1)


ARABIC_ALPHABET = (
    [chr(c) for c in range(0x0621, 0x064B)]  # letters
    + [chr(c) for c in range(0x064B, 0x0660)]  # harakat
    + [chr(c) for c in range(0x0660, 0x066E)]  # Arabic-Indic digits and signs
    + [chr(c) for c in range(0x06F0, 0x06FA)]  # Persian digits
    + ["\u0640", "\u0670", "\u200e", "\u200f", "\u202b", "\u202c", "\u2067", "\u2069", "\ufeff"]
    # Presentation forms (incl. lam-alef), with and without a compatibility decomposition.
    + [chr(c) for c in range(0xFE70, 0xFEFD)]
    + [chr(c) for c in range(0xFB50, 0xFB60)]
    + ["\ufd3e", "\ufd3f"]
    + ["\ufdf2", "\ufdfa", "\ufdfb"]  # word ligatures (Allah, salla..., jalla...)
    + list(" .،؛؟0123456789abc\n")
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ARABIC_ALPHABET), max_size=40), st.data())
def test_every_mapped_range_lies_inside_the_original(text: str, data: st.DataObject) -> None:
    norm = normalize_with_map(text)
    n = len(norm.text)
    assert len(norm.origin) == n
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    s, e = norm.to_original(start, end)
    assert 0 <= s <= e <= len(text)
    if start < end:
        assert s < e
        # The original range, normalised again, contains what was asked for.
        assert norm.text[start:end] in normalize(text[s:e])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(ARABIC_ALPHABET), max_size=40))
def test_normalize_is_idempotent_and_matches_the_mapped_text(text: str) -> None:
    norm = normalize_with_map(text)
    assert norm.text == normalize(text)
    assert normalize(norm.text) == norm.text
    assert list(norm.origin) == sorted(norm.origin)
