"""Gazetteer entities, clitics, adjectives, complements, pattern names, references back
and the place left for a statistical NER (claims.entities)."""

from __future__ import annotations

from spacy.tokens import Doc, Span

from claims.entities import EntityMention
from claims.normalize import normalize
from claims.pipeline import get_pipeline


def _doc(text: str) -> Doc:
    return get_pipeline()(normalize(text))


def _entities(text: str) -> list[EntityMention]:
    return list(_doc(text).user_data["cc_entities"])


def _keys(text: str) -> list[str | None]:
    return [e.key for e in _entities(text)]


def test_clitics_are_tolerated_and_left_out_of_the_name() -> None:
    ents = _entities("انتشرت بالأنبار وسوريا والكويت قوات تابعة للقوات الأمريكية بمحافظة نينوى")
    by_key = {e.key: e for e in ents}
    assert {"anbar", "syria", "kuwait", "us_forces", "nineveh"} <= set(by_key)
    assert by_key["anbar"].surface == normalize("الأنبار")
    assert by_key["syria"].surface == normalize("سوريا")
    # "بمحافظة" opens the phrase and carries the preposition
    assert by_key["nineveh"].lead_clitic == "ب"


def test_longest_name_wins() -> None:
    ents = _entities("هبطت الطائرة في مطار بغداد الدولي")
    assert [e.key for e in ents] == ["baghdad_airport"]


def test_nationality_adjective_names_a_country_only_after_a_territory_noun() -> None:
    assert _keys("دخل الرتل الأراضي السورية") == ["syria"]
    # "العراقية" after Erbil describes it; it is not a second place
    assert _keys("انتقل الجنود إلى أربيل العراقية") == ["erbil"]
    assert _keys("العاصمة السورية") == ["damascus"]


def test_a_countrys_vote_or_institution_names_the_country() -> None:
    """ "الانتخابات البرلمانية اللبنانية": the vote's country is its place, also with
    adjectives between; a force or a government with the adjective is no place."""
    assert _keys("أعلنت نتائج الانتخابات البرلمانية اللبنانية") == ["lebanon"]
    assert _keys("صوت البرلمان الأردني على القانون") == ["jordan"]
    assert _keys("جرى الاستفتاء الدستوري المصري") == ["egypt"]
    # a parliament's name: its adjective follows the name's last word
    assert _keys("أقر مجلس النواب الأردني القانون") == ["jordan"]
    assert _keys("جرت انتخابات مجلس الشعب المصري") == ["egypt"]
    assert _keys("أعلنت الحكومة الأردنية الخطة") == []
    # the adjective belongs to another noun: no vote named by it
    assert _keys("الانتخابات في الدوائر الشمالية الكبرى السورية") == []


def test_outside_x_is_the_complement_of_x() -> None:
    (iraq,) = _entities("نقل المعدات خارج العراق")
    assert iraq.key == "iraq" and iraq.complement
    entity = iraq.to_entity()
    assert entity.complement and entity.label == "Iraq"


def test_entities_carry_their_containment_chain() -> None:
    (base,) = _entities("قاعدة عين الأسد")
    assert base.ancestors == ["anbar", "iraq"]
    assert base.to_entity().ancestors == ["anbar", "iraq"]


def test_unknown_name_after_a_trigger_noun_is_a_pattern_entity() -> None:
    (village,) = _entities("قصفت الطائرات قرية الخربة الشرقية")
    assert village.source == "pattern" and village.key is None and village.ancestors == []
    assert village.surface == normalize("الخربة")
    assert village.kind == "place" and village.type == "town"
    (town,) = _entities("انسحبت القوات من بلدة تل رفعت")
    assert town.surface == normalize("تل رفعت")


def test_trigger_noun_followed_by_a_descriptor_is_not_a_name() -> None:
    assert _entities("أقيمت قاعدة عسكرية جديدة") == []
    assert _entities("زار مدينة كبيرة") == []


def test_force_noun_with_nationality_is_an_actor() -> None:
    (actor,) = _entities("انتشرت القوات اللبنانية")
    assert actor.kind == "actor" and actor.label == "Lebanese forces" and actor.source == "pattern"


def test_definite_base_refers_back_to_the_last_base() -> None:
    ents = _entities("وصل الوزير إلى قاعدة عين الأسد. وتعد القاعدة من أكبر القواعد.")
    assert [e.key for e in ents] == ["ain_al_asad", "ain_al_asad"]
    assert ents[1].anaphor and ents[1].surface == normalize("القاعدة")


def test_reference_with_two_bases_in_view_stays_unresolved() -> None:
    ents = _entities("انسحبت القوات من قاعدة عين الأسد وقاعدة حرير. وأغلقت القاعدة.")
    assert [e.key for e in ents] == ["ain_al_asad", "harir_base"]


def test_tanzim_al_qaeda_is_a_group_not_a_reference() -> None:
    ents = _entities("زار قاعدة حرير. وهاجم تنظيم القاعدة المنطقة.")
    assert [e.key for e in ents] == ["harir_base", "al_qaeda"]


def _with_ner(text: str, spans: list[tuple[str, str]]) -> list[EntityMention]:
    """Run the pipeline with NER spans set by hand where a cc_ner component would."""
    nlp = get_pipeline()
    doc = nlp.make_doc(normalize(text))
    for name, component in nlp.pipeline:
        if name == "cc_entities":
            ner = []
            for surface, label in spans:
                start = doc.text.index(normalize(surface))
                span = doc.char_span(start, start + len(normalize(surface)), label=label)
                assert span is not None
                ner.append(span)
            doc.spans["ner"] = ner
        doc = component(doc)
    return list(doc.user_data["cc_entities"])


def test_ner_names_fill_gaps_and_the_gazetteer_wins_where_both_know_a_name() -> None:
    ents = _with_ner(
        "وصلت القوات إلى بلدة كفرزيتا قرب حماة",
        [("كفرزيتا", "LOC"), ("حماة", "LOC")],
    )
    by_surface = {e.surface: e for e in ents}
    assert by_surface[normalize("حماة")].source == "gazetteer"
    ner = by_surface[normalize("كفرزيتا")]
    # the pattern after "بلدة" found it first; a name with no trigger noun comes from NER
    assert ner.source in ("pattern", "ner")
    ents = _with_ner("وصل وفد من الهيئة إلى جرابلس", [("جرابلس", "LOC")])
    (only,) = [e for e in ents if e.surface == normalize("جرابلس")]
    assert only.source == "ner" and only.key is None and only.kind == "place"


def test_ner_span_with_a_proclitic_drops_it() -> None:
    ents = _with_ner("وصل الوفد بالرقة", [("بالرقة", "LOC")])
    (raqqa,) = ents
    assert raqqa.source == "gazetteer" and raqqa.key == "raqqa"
    ents = _with_ner("وصل الوفد بالسخنة", [("بالسخنة", "LOC")])
    (sukhnah,) = ents
    assert sukhnah.source == "ner" and sukhnah.surface == normalize("السخنة")


def test_entity_spans_are_token_aligned_in_the_span_group() -> None:
    doc = _doc("غادر الرتل قاعدة عين الأسد باتجاه سوريا")
    group = doc.spans["entities"]
    assert [s.label_ for s in group] == ["place:ain_al_asad", "place:syria"]
    assert all(isinstance(s, Span) for s in group)


def test_a_force_is_named_by_a_name_not_by_an_event_word() -> None:
    # After a force noun, an unknown word is taken as the force's name...
    named = [(m.surface, m.source) for m in _entities("انسحبت قوات كوراتو من المدينة")]
    assert (normalize("كوراتو"), "pattern") in named
    # ...unless the event lexicon lists it: the dead, a verb, a verbal noun.
    for text in (
        "سقط ثلاثة جنود قتلى في الكمين",
        "لقي ثلاثة جنود مصرعهم",
        "قتل أربعة جنود وأصيب سبعة",
        "انسحبت قوات انسحابا كاملا",
    ):
        surfaces = [m.surface for m in _entities(text) if m.source == "pattern"]
        assert surfaces == [], (text, surfaces)


def _bearings(text: str) -> dict[str | None, tuple[str, str | None] | None]:
    return {
        e.key: (e.bearing.point, e.bearing.reference) if e.bearing else None
        for e in _entities(text)
        if e.kind == "place"
    }


def test_a_compass_word_before_a_place_situates_the_event_in_that_part_of_it() -> None:
    assert _bearings("وقعت الاشتباكات في شمال غرب تشاد") == {"chad": ("NW", "chad")}
    assert _bearings("وقعت الاشتباكات بوسط النيجر") == {"niger": ("centre", "niger")}


def test_a_place_before_a_direction_lies_in_that_part_of_its_container() -> None:
    """A relative clause or an apposition between the town and its country's side."""
    got = _bearings("سقطت القذائف على مدينة ابشي، التي تقع في شرق تشاد")
    assert got["abeche"] == ("E", "chad")
    assert _bearings("اجتاحت السيول ولاية كسلا شرقي البلاد")["kassala"] == ("E", "sudan")


def test_a_direction_of_an_origin_or_a_route_situates_nothing() -> None:
    """Where people came from, or a road between two parts, is not where a place lies."""
    assert _bearings("وصل نازحون من شمال تشاد الى مدينة ابشي") == {"chad": None, "abeche": None}
    got = _bearings("قطع مسلحون الطريق بين شمال تشاد وجنوبها قرب مدينة ابشي")
    assert got["chad"] is None and got["abeche"] is None


def test_the_country_of_a_place_in_no_country_stays_unresolved() -> None:
    """The gazetteer puts Kashmir in no country: "شمال البلاد" said of it has no
    reference, and is never compared."""
    assert _bearings("اندلعت اشتباكات في كشمير، في شمال البلاد") == {"kashmir": ("N", None)}


def test_a_direction_from_a_place_that_does_not_contain_it_situates_nothing() -> None:
    """Malatya is not inside Adiyaman: "north-west of Adiyaman" is a bearing from
    Adiyaman (of the event's place), not a part of Adiyaman that Malatya lies in."""
    got = _bearings("ضرب زلزال مدينة ملاطية الواقعة شمال غرب مدينة أديامان")
    assert got == {"malatya": None, "adiyaman": ("NW", "adiyaman")}


def test_a_name_of_several_words_is_read_with_hyphens_between_them() -> None:
    assert _keys("وصل الوفد إلى غينيا-بيساو مساء السبت") == ["guinea_bissau"]
    assert _keys("اندلعت اشتباكات في بوركينا - فاسو") == ["burkina_faso"]
    assert _keys("تمركزت القوات في جامو - كشمير") == ["kashmir"]


def test_a_country_named_beside_a_disputed_territory_is_not_a_second_place() -> None:
    """Kashmir lies in no country; a report that names India or Morocco beside a place
    in a territory they administer ("claimed_by") still places the event there."""
    from claims.model import Article
    from claims.pipeline import extract_claims

    def places(text: str) -> set[str | None]:
        article = Article.from_text("t.txt", text, language="ar")
        return {c.location.key if c.location else None for c in extract_claims(article)}

    assert places("قتل ثلاثة جنود في هجوم بمدينة سريناغار شمال الهند") == {"srinagar"}
    assert places("اندلع حريق كبير في سوق بمدينة العيون جنوب المغرب") == {"laayoune"}
    # a country with no claim on the territory is a second place: left unresolved
    assert places("قتل ثلاثة جنود في هجوم بمدينة سريناغار شمال الصين") == {None}


def test_a_name_spelled_otherwise_is_the_place_of_that_name_inside_the_stated_one() -> None:
    """ "نوتينجهام" is the gazetteer's "نوتنغهام" (long vowels dropped, ج and غ one sound)
    when the text puts it in Britain; "بيرمنجهام" is the Birmingham of the country the text
    names; with no place around it, or one that holds no such name, it stays unknown."""
    assert _keys("وصل الفريق إلى مدينة نوتينجهام في بريطانيا") == ["nottingham_gb", "uk"]
    assert _keys("وصل الوفد إلى مدينة بيرمنجهام في الولايات المتحدة")[0] == "birmingham_us"
    assert _keys("وصل الوفد إلى مدينة بيرمنجهام في بريطانيا")[0] == "birmingham_gb"
    assert _keys("وصل الوفد إلى مدينة بيرمنجهام")[0] is None
    assert _keys("وصل الوفد إلى مدينة بيرمنجهام في فرنسا")[0] is None


def test_a_clitic_before_a_closing_style_quote_is_split_off() -> None:
    """Arabic text often opens a quotation with ” (U+201D): "لـ”مطار X”" is "ل" + the name."""
    assert _keys("كانت الطائرة متجهة لـ”مطار بغداد الدولي”") == ["baghdad_airport"]
