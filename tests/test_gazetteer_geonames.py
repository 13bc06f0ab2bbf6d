"""The generated layer of world cities (claims/lexicon/geonames_layer.py): which GeoNames
names it takes, and that the committed layer resolves a city the hand-written files do
not know, inside its country."""

from __future__ import annotations

from datetime import date

import pytest

from claims.entities import load_gazetteer
from claims.lexicon.geonames_layer import City, arabic_names, build_layer, common_words
from claims.model import Article
from claims.pipeline import extract_claims

COUNTRIES = {"ID": "Indonesia", "IN": "India", "PK": "Pakistan", "XX": "Nowhere"}


def city(
    name: str, country: str, population: int, *names: str, gid: int = 1, admin1: str = ""
) -> City:
    return City(gid, name, country, population, names, admin1)


def layer(*cities: City, common: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    entries = build_layer(cities, load_gazetteer(), COUNTRIES, common, min_population=50_000)
    return {e["label"]: e.get("cue_aliases", e["aliases"]) for e in entries}


def test_only_names_in_arabic_letters_normalised() -> None:
    c = city("Surakarta", "ID", 500_000, "Solo", "سوراكارتا", "سوراکارتا", "سوراكارتا")
    assert arabic_names(c) == ["سوراكارتا"]  # the Persian kaf spelling is left out


def test_the_hand_written_gazetteer_keeps_its_names_and_its_cities() -> None:
    # "بغداد" is the hand-written Baghdad's: never a new city's name
    assert layer(city("Newtown", "IN", 90_000, "بغداد", "نيوتاون")) == {"Newtown": ["نيوتاون"]}
    # a city the hand-written files already have in that country is left out whole
    (delhi,) = [p for p in load_gazetteer().places if p.key == "new_delhi"]
    assert layer(city("Delhi", "IN", 300_000, delhi.aliases[0], "دلهي الكبرى")) == {}
    assert layer(city("New Delhi", "IN", 300_000, "نيو دلهي الكبرى")) == {}


def test_a_shared_name_goes_to_a_city_ten_times_larger_or_to_none() -> None:
    big = city("Bigcity", "IN", 2_000_000, "مدينتا", gid=1)
    small = city("Smalltown", "ID", 60_000, "مدينتا", gid=2)
    assert layer(big, small) == {"Bigcity": ["مدينتا"]}
    twin = city("Twin", "ID", 1_000_000, "مدينتا", gid=3)
    assert layer(big, twin) == {}


def test_short_common_small_and_unknown_country_cities_are_left_out() -> None:
    common = common_words(["المدينه O", "المدينه O", "المدينه B-LOC", "سورابايا B-LOC"])
    assert common == frozenset({"المدينه"})
    assert layer(
        city("Abc", "IN", 80_000, "ابج"),  # one word of three letters
        city("Almadina", "ID", 80_000, "المدينة"),  # a common word in news text
        city("Tiny", "IN", 20_000, "تينيتاون"),  # under the population floor
        city("Elsewhere", "XX", 800_000, "الزوايتين"),  # a country the gazetteer lacks
        common=common,
    ) == {}


def test_a_city_under_a_million_is_read_only_where_a_place_is_expected() -> None:
    (small,) = build_layer(
        [city("Newtown", "IN", 90_000, "نيوتاون")], load_gazetteer(), COUNTRIES
    )
    assert small["cue_aliases"] == ["نيوتاون"] and small["aliases"] == ["مدينه نيوتاون"]
    (big,) = build_layer(
        [city("Bigtown", "IN", 2_000_000, "بيغتاون")], load_gazetteer(), COUNTRIES
    )
    assert big["aliases"] == ["بيغتاون"] and "cue_aliases" not in big


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ضرب إعصار ميلتون السواحل ليل الأربعاء.", None),  # a storm's name
        ("انهار جسر في ميلتون ليل الأربعاء.", "milton_ca"),
    ],
    ids=["storm-name", "after-a-place-word"],
)
def test_a_guarded_city_needs_a_place_word(text: str, key: str | None) -> None:
    article = Article.from_text("m.txt", text, published=date(2024, 10, 10), language="ar")
    keys = [c.location.key for c in extract_claims(article) if c.location is not None]
    assert keys == ([key] if key else [])


def test_the_committed_layer_resolves_a_city_inside_its_country() -> None:
    text = "غمرت الفيضانات أحياء في سورابايا يوم الأحد وأجلت السلطات آلاف السكان."
    article = Article.from_text("flood.txt", text, published=date(2024, 3, 5), language="ar")
    places = [c.location for c in extract_claims(article) if c.location is not None]
    assert places and places[0].key == "surabaya_id"
    assert "indonesia" in places[0].ancestors


def parents(*cities: City) -> dict[str, str]:
    entries = build_layer(cities, load_gazetteer(), COUNTRIES, min_population=50_000)
    return {e["label"]: e["parent"] for e in entries}


def test_a_city_of_a_division_a_region_declares_lies_in_the_region() -> None:
    """Kashmir declares India's division 12 (admin_areas): its cities lie in Kashmir, a
    disputed territory in no country; a city of another division stays in India."""
    got = parents(
        city("Hilltown", "IN", 90_000, "هيلتاون", gid=1, admin1="12"),
        city("Plaintown", "IN", 90_000, "بلينتاون", gid=2, admin1="19"),
    )
    assert got == {"Hilltown": "kashmir", "Plaintown": "india"}
    # the hand-written Srinagar (in Kashmir) keeps its city out of the layer
    assert parents(city("Srinagar", "IN", 1_200_000, "سريناغار الكبرى", admin1="12")) == {}


def test_a_province_holds_the_division_of_its_hand_written_cities() -> None:
    """The hand-written Quetta lies in Balochistan: GeoNames puts Quetta in Pakistan's
    division 02, so another city of 02 lies in Balochistan too."""
    got = parents(
        city("Quetta", "PK", 1_000_000, "كويته", gid=1, admin1="02"),
        city("Deserttown", "PK", 90_000, "ديزرتاون", gid=2, admin1="02"),
        city("Rivertown", "PK", 90_000, "ريفرتاون", gid=3, admin1="04"),
    )
    assert got == {"Deserttown": "balochistan", "Rivertown": "pakistan"}
