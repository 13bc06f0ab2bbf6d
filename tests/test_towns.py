"""Towns the gazetteer does not name, from GeoNames' table (claims.towns): the table, how
an Arabic name is read against Latin names, when a name in a text is taken as a town
and when it is refused, and the generator of the table (claims.lexicon.towns_layer)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.entities import (
    EntityMention,
    GazetteerFile,
    LatinSpelling,
    PlaceEntry,
    load_gazetteer,
)
from claims.lexicon.geonames_layer import City
from claims.lexicon.towns_layer import build_towns, latin_names
from claims.normalize import normalize
from claims.pipeline import get_pipeline
from claims.towns import COLUMNS, Town, TownTable, load_towns, read_towns


def _spelling() -> LatinSpelling:
    spell = load_gazetteer().transliteration
    assert spell is not None and spell.latin is not None
    return spell.latin


def _places(text: str, language: str = "ar") -> list[tuple[str | None, str]]:
    doc = get_pipeline(language)(normalize(text) if language == "ar" else text)
    mentions: list[EntityMention] = doc.user_data["cc_entities"]
    return [(m.key, m.surface) for m in mentions if m.kind == "place"]


# ----------------------------------------------------------------------- spelling


def test_an_arabic_name_and_a_latin_name_read_as_the_same_consonants() -> None:
    spell = _spelling()
    assert spell.of_arabic(normalize("كوندوغا")) == "kndg"
    assert "kndg" in spell.of_latin("Konduga")
    # long vowels, ج/غ for g, a doubled sound, accents: all aside
    assert spell.of_arabic(normalize("كبكابية")) == spell.of_latin("Kabkābīyah")[0]
    assert spell.of_arabic(normalize("تشيرنيهيف")) == spell.of_latin("Chernihiv")[0]
    # a two-letter sound, and the same letters read one by one ("Birmingham": ng-h)
    assert spell.of_latin("Birmingham") == ("brmngm", "brmnghm")
    assert spell.of_arabic(normalize("برمنغهام")) in spell.of_latin("Birmingham")


def test_long_vowels_tell_two_towns_of_the_same_consonants_apart() -> None:
    spell = _spelling()
    name = normalize("كوراخوفي")
    assert spell.of_latin("Kurakhove")[0] == spell.of_latin("Kryukiv")[0]
    assert spell.vowels_fit(name, "Kurakhove")
    assert not spell.vowels_fit(name, "Kryukiv")
    # a name written without its vowels fits any vowels
    assert spell.vowels_fit(normalize("كندغ"), "Konduga")
    assert not spell.vowels_fit(normalize("كندغ"), "Kandahar")  # other consonants


# ----------------------------------------------------------------------- the table


def test_the_table_lists_towns_by_latin_name_and_by_consonants() -> None:
    table = load_towns()
    konduga = table.written("konduga")
    assert [t.label for t in konduga] == ["Konduga"]
    assert konduga[0].parent == "borno"  # its GeoNames division, held by the region
    assert konduga[0] in table.spelled("كوندوغا", "kndg")
    assert table.spelled("كندغ", "kn") == []  # too few consonants to be evidence


def test_a_name_geonames_gives_another_town_still_reads_by_its_consonants() -> None:
    """GeoNames writes "بوكروفسك" for the Russian Pokrovsk only."""
    found = {t.key for t in load_towns().spelled("بوكروفسك", "bkrfsk")}
    assert {"pokrovsk_ru", "pokrovsk_ua"} <= found


def test_a_name_with_the_arabic_article_is_never_read_by_its_consonants() -> None:
    """"قضاء العطلة" (spending the holiday) after the place noun "قضاء": an Arabic word,
    not a foreign name spelled by ear."""
    spell = _spelling()
    table = load_towns()
    name = normalize("الكوندوغا")
    assert table.spelled(name, spell.of_arabic(name)) == []
    assert table.spelled("كوندوغا", spell.of_arabic("كوندوغا"))


def test_only_the_geonames_name_is_read_by_its_consonants() -> None:
    """Guangshui's old spelling "Kuang-shui" reads "kngS", as "قوانغتشو" (Guangzhou) does:
    only a town's GeoNames name is read so."""
    name = normalize("قوانغتشو")
    assert "guangshui_cn" not in {t.key for t in load_towns().spelled(name, "kngS")}
    assert [t.key for t in load_towns().written("Kuang-shui")] == ["guangshui_cn"]


def test_a_table_with_other_columns_or_a_short_row_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "towns.tsv"
    bad.write_text("# comment\nkey\tlabel\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expected the columns"):
        read_towns(bad)
    bad.write_text("\t".join(COLUMNS) + "\nx_ng\tX\tnigeria\n", encoding="utf-8")
    with pytest.raises(ValueError, match="a row of 3 cells"):
        read_towns(bad)
    good = tmp_path / "good.tsv"
    good.write_text(
        "# comment\n" + "\t".join(COLUMNS) + "\nx_ng\tX\tnigeria\t9000\tXanadu|Xana\t\n",
        encoding="utf-8",
    )
    assert read_towns(good) == [Town("x_ng", "X", "nigeria", 9000, ("Xanadu", "Xana"), ())]
    table = TownTable.in_memory(read_towns(good), _spelling())
    assert [t.key for t in table.written("XANADU")] == ["x_ng"]


# ----------------------------------------------------------------------- in a text


def test_a_name_after_a_place_noun_is_the_town_inside_a_place_the_sentence_names() -> None:
    places = _places("قتل 19 شخصا في هجوم انتحاري في بلدة كوندوغا بولاية بورنو شمال شرق نيجيريا")
    assert ("konduga_ng", "كوندوغا") in places
    places = _places("فر آلاف السكان من بلدة كبكابية في ولاية شمال دارفور غربي السودان")
    assert ("kabkabiyah_sd", "كبكابيه") in places


def test_a_name_after_a_direction_word_needs_a_place_right_after_it() -> None:
    assert ("kurakhove_ua", "كوراخوفي") in _places(
        "سيطرت القوات الروسية على منطقة كوراخوفي في دونيتسك شرق أوكرانيا"
    )
    # "في طريقها": any word may follow a preposition; none is taken as a town
    keys = [k for k, _ in _places("كانت الطائرة في طريقها إلى مطار غاتويك في لندن")]
    assert all(k in (None, "london") for k in keys)


def test_a_quoted_name_after_a_place_word_is_a_town_of_a_place_around_it() -> None:
    places = _places("قتل 5 أشخاص في هجوم على قرية قرب «كوندوغا»، في ولاية بورنو")
    assert ("konduga_ng", "كوندوغا") in places


def test_no_place_around_or_two_towns_of_that_name_leave_the_name_unknown() -> None:
    assert ("kurakhove_ua", "كوراخوفي") not in _places("وقعت اشتباكات في بلدة كوراخوفي")
    # Pokrovsk and Pokrovske, both in Ukraine, read the same: refuse rather than guess
    places = _places("سقط صاروخ قرب بلدة بوكروفسك شرق أوكرانيا")
    assert (None, "بوكروفسك") in places


def test_an_english_name_after_near_or_in_is_the_town_inside_the_place_after_it() -> None:
    places = _places(
        "Nineteen people were killed in a suicide attack in Konduga, Borno state.", "en"
    )
    assert ("konduga_ng", "Konduga") in places
    places = _places("Fighting was reported near Konduga on Sunday.", "en")
    assert "konduga_ng" not in [k for k, _ in places]  # no place after it


# ----------------------------------------------------------------------- the generator


def _gazetteer() -> GazetteerFile:
    places = [
        PlaceEntry(key="nigeria", label="Nigeria", type="country", aliases=["نيجيريا"],
                   names={"en": ["Nigeria"]}),
        PlaceEntry(key="borno", label="Borno", type="region", parent="nigeria",
                   aliases=["بورنو"], admin_areas=["NG.02"]),
        PlaceEntry(key="maiduguri", label="Maiduguri", type="city", parent="borno",
                   aliases=["مايدوغوري"], names={"en": ["Maiduguri"]}),
    ]
    return load_gazetteer().model_copy(update={"places": places, "actors": []})


def test_the_generator_keeps_unnamed_towns_in_their_division() -> None:
    cities = [
        City(1, "Konduga", "NG", 13400, ("Konduga", "Kondouga", "KDG"), "02"),
        City(2, "Maiduguri", "NG", 800000, ("Maiduguri",), "02"),  # the gazetteer's
        City(3, "Tiny", "NG", 900, ("Tiny",), "02"),  # too small
        City(4, "Elsewhere", "FR", 9000, ("Elsewhere",), "11"),  # a country not known
        City(5, "Ikeja", "NG", 300000, ("Ikeja", "إيكيجا"), "05"),
    ]
    rows = build_towns(cities, _gazetteer(), {"NG": "Nigeria", "FR": "France"}, 5000)
    assert [r[:4] for r in rows] == [
        ("ikeja_ng", "Ikeja", "nigeria", "300000"),
        ("konduga_ng", "Konduga", "borno", "13400"),
    ]
    assert rows[0][5] == normalize("إيكيجا")
    assert rows[1][4] == "Konduga|Kondouga"  # a code ("KDG") is no name


def test_the_generator_drops_arabic_names_shared_or_common() -> None:
    cities = [
        City(1, "Big", "NG", 900000, ("Big", "بيغا"), "05"),  # a name of a larger city too
        City(2, "Small", "NG", 20000, ("Small", "بيغا", "سمولا"), "05"),
        City(3, "Plain", "NG", 30000, ("Plain", "القصبه"), "05"),  # a common word
    ]
    rows = build_towns(cities, _gazetteer(), {"NG": "Nigeria"}, 5000, frozenset({"القصبه"}))
    arabic = {r[0]: r[5] for r in rows}
    assert arabic == {"big_ng": "بيغا", "plain_ng": "", "small_ng": "سمولا"}


def test_latin_names_are_those_in_latin_letters_without_repeats() -> None:
    city = City(1, "Bogotá", "CO", 1, ("Bogota", "Богота", "BOG", "Santa Fe de Bogotá"))
    assert latin_names(city) == ["Bogotá", "Santa Fe de Bogotá"]


# ----------------------------------------------------------------------- the index


def test_the_index_is_a_file_of_the_cache_read_by_every_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Built once per version of the package into the cache; a process that cannot write
    the cache, or has none, holds it in memory."""
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(tmp_path / "cache"))
    load_towns.cache_clear()
    try:
        table = load_towns()
        assert table.path is not None and table.path.parent == tmp_path / "cache"
        assert [t.key for t in table.written("Konduga")] == ["konduga_ng"]
        assert "konduga_ng" in table and "nowhere_xx" not in table
        table.path.unlink()  # another version cleared it: the lookups go on, in memory
        assert [t.key for t in TownTable(table.path).written("Konduga")] == ["konduga_ng"]
        monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", "off")
        load_towns.cache_clear()
        assert load_towns().path is None
        assert [t.key for t in load_towns().written("Konduga")] == ["konduga_ng"]
    finally:
        load_towns.cache_clear()
