"""One finding per disagreement: an event's facts, value groups as sides, look-alikes.

Stories of our own (a flood toll in Derna, an earthquake's magnitude, a French handover
in Chad, a convoy at al-Qaim, a base in Syria), on hand-built claims: the grouping, the
finding IDs and the look-alikes that must stay silent are the engine's, whatever the
extractor does.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from checker.facts import event_facts
from checker.linking import link
from checker.rules import EngineStats, check
from checker.run import run as run_batch
from checker.store import Store
from claims.model import Attribution, Claim, Finding
from tests.claim_builders import actor, claim, day, place, qty, weekday_only
from tests.spec_extractor import spec_extract, write_article

DERNA = place("derna", "libya", label="Derna", surface="درنة")
LIBYA = place("libya", label="Libya", surface="ليبيا")
QAIM = place("qaim_crossing", "anbar", "iraq", label="al-Qaim crossing", surface="معبر القائم")
ABECHE = place("abeche_base", "chad", label="Abéché base", surface="قاعدة أبيشي")
TANF = place("tanf", "homs", "syria", label="al-Tanf", surface="قاعدة التنف")
FRENCH = actor("french_forces", "French forces", "القوات الفرنسية")


def run(
    *claims: Claim, previous: tuple[Finding, ...] = (), stats: EngineStats | None = None
) -> list[Finding]:
    graph = link(claims)
    return check(graph, claims, previous=previous, stats=stats)


def toll(article: str, value: float, **kw: Any) -> Claim:
    kw.setdefault("location", DERNA)
    kw.setdefault("phase", "completed")
    kw.setdefault("event_word", "killed")
    return claim(
        article,
        f"مقتل {value:g} شخصا في فيضان درنة ({article})",
        "casualties",
        quantity=qty(value, unit="people"),
        **kw,
    )


def said_by(c: Claim, source: str) -> Claim:
    return c.model_copy(update={"attribution": Attribution(source=source, cue="قال")})


def sides(finding: Finding) -> list[tuple[str, int]]:
    return [(side.value, side.tally) for side in finding.sides]


# --- one finding per disagreement ---------------------------------------------------------


def test_seven_reports_against_one_are_one_finding_with_two_sides() -> None:
    same_day = date(2023, 9, 12)
    agreeing = [toll(f"R{i}", 12, published=same_day) for i in range(7)]
    # one report says it twice: still one report on its side
    twice = toll("R0", 12, published=same_day, start=500)
    other = toll("X", 27, published=same_day)
    findings = run(*agreeing, twice, other)
    assert [f.code for f in findings] == ["C003"]
    finding = findings[0]
    assert sides(finding) == [("12 people", 7), ("27 people", 1)]
    assert len(finding.sides[0].claim_ids) == 8  # every claim listed, the tally by report
    assert set(finding.claim_ids) == {c.id for c in [*agreeing, twice, other]}
    assert finding.fact == "casualties|people|killed|at:derna"


def test_a_denial_against_every_report_is_one_finding() -> None:
    """One source denies that any vehicle left; five reports say a convoy left."""
    left = [
        claim(
            f"R{i}",
            "مغادرة رتل من معبر القائم",
            "convoy_departure",
            phase="completed",
            location=QAIM,
            time=day("2025-03-04"),
        )
        for i in range(5)
    ]
    denied = claim(
        "D",
        "نفى مصدر مغادرة أي آلية من معبر القائم",
        "convoy_departure",
        modality="negated",
        location=QAIM,
        time=day("2025-03-04"),
    )
    findings = run(*left, denied)
    assert [f.code for f in findings] == ["C007"]
    assert sorted(side.tally for side in findings[0].sides) == [1, 5]


def test_a_value_compatible_with_both_sides_supports_neither() -> None:
    """ "More than 5 dead" agrees with 12 and with 27: it stays out of the finding."""
    day_ = date(2023, 9, 12)
    low = toll("A", 12, published=day_)
    high = toll("B", 27, published=day_)
    vague = claim(
        "C",
        "مقتل أكثر من 5 أشخاص",
        "casualties",
        location=DERNA,
        phase="completed",
        event_word="killed",
        published=day_,
        quantity=qty(None, low=5, low_inclusive=False, unit="people"),
    )
    finding = run(low, high, vague)[0]
    assert vague.id not in finding.claim_ids
    assert sorted(sides(finding)) == [("12 people", 1), ("27 people", 1)]


def test_a_new_report_joins_a_side_and_keeps_the_finding_id() -> None:
    day_ = date(2023, 9, 12)
    a, b = toll("A", 12, published=day_), toll("B", 27, published=day_)
    (first,) = run(a, b)
    c = toll("C", 27, published=day_)
    (again,) = run(a, b, c, previous=(first,))
    assert again.id == first.id
    assert sides(again) == [("27 people", 2), ("12 people", 1)]
    # Without the previous findings the ID is the fact's with its first claim: a fresh
    # store over the same reports gives the same ID.
    (fresh,) = run(a, b, c)
    assert fresh.id == Finding.compute_id(fresh.rule, f"{fresh.fact}|{fresh.claim_ids[0]}")


def test_judge_calls_grow_linearly_with_an_event() -> None:
    """1,000 reports of one convoy with three distinct counts: the rule judges value
    classes against side representatives, not the 499,500 pairs."""
    reports = []
    for i in range(1000):
        value = (30, 50, 90)[i % 3]
        reports.append(
            claim(
                f"R{i}",
                f"عبور {value} آلية",
                "convoy_departure",
                location=QAIM,
                phase="completed",
                time=day("2025-03-04"),
                quantity=qty(value, unit="vehicles"),
            )
        )
    stats = EngineStats()
    findings = run(*reports, stats=stats)
    assert [f.code for f in findings] == ["C003"]
    assert sorted(side.tally for side in findings[0].sides) == [333, 333, 334]
    # a handful of judge calls per rule and fact, not one per pair
    assert stats.judged < 100


def test_event_facts_tally_every_value() -> None:
    day_ = date(2023, 9, 12)
    facts = event_facts(
        [
            toll("A", 12, published=day_),
            toll("B", 12, published=day_),
            toll("C", 27, published=day_),
        ]
    )
    counts = [f for f in facts if f.kind == "quantity"]
    assert [(v.value, len(v.article_ids)) for v in counts[0].values] == [
        ("12 people", 2),
        ("27 people", 1),
    ]


# --- inferred phase or place -----------------------------------------------------------------


def test_a_claim_without_a_phase_joins_the_fact_its_event_fixes_and_is_soft() -> None:
    """ "French soldiers evacuated the Abéché base on Sunday" states no phase; the other
    reports of the handover all say it was completed, on Saturday 11 January."""
    completed = [
        claim(
            f"R{i}",
            "أكمل الجيش الفرنسي تسليم قاعدة أبيشي",
            "handover",
            phase="completed",
            location=ABECHE,
            actors=[FRENCH],
            time=day("2025-01-11"),
        )
        for i in range(2)
    ]
    no_phase = claim(
        "S",
        "قام جنود فرنسيون، الأحد، بإخلاء قاعدة أبيشي",
        "handover",
        location=ABECHE,
        actors=[FRENCH],
        time=day("2025-01-12"),
    )
    (finding,) = run(*completed, no_phase)
    assert finding.code == "C001" and finding.certainty == "soft"
    assert [side.inferred for side in finding.sides if no_phase.id in side.claim_ids] == [
        [no_phase.id]
    ]
    assert "inferred" in finding.certainty_reason


# --- look-alikes ----------------------------------------------------------------------------


def test_a_growing_toll_reported_on_other_days_is_not_a_conflict() -> None:
    early = toll("A", 12, published=date(2023, 9, 11))
    later = toll("B", 2300, published=date(2023, 9, 14))
    assert run(early, later) == []
    # the same day, two reports that disagree: soft, tolls grow within a day too
    (finding,) = run(toll("C", 12, published=date(2023, 9, 14)), later)
    assert finding.certainty == "soft" and "toll" in finding.certainty_reason


def test_a_toll_whose_day_is_unknown_is_not_set_against_another() -> None:
    # A report with no date and no day for its figure may quote any bulletin: refused.
    undated = toll("A", 5300)
    dated = toll("B", 11300, published=date(2023, 9, 14))
    assert run(undated, dated) == []
    # a count that does not grow (vehicles in one convoy) is still compared without days
    convoy = [
        claim(name, f"خرجت {n} آلية من القاعدة ({name})", "convoy_departure",
              location=TANF, phase="completed", quantity=qty(n, unit="vehicles"))
        for name, n in (("C", 30), ("D", 80))
    ]
    assert [f.code for f in run(*convoy)] == ["C003"]


def test_a_later_lower_figure_from_the_same_source_is_a_correction() -> None:
    ministry = "وزارة الصحة الليبية"
    first = said_by(toll("A", 5300, published=date(2023, 9, 13), time=day("2023-09-13")), ministry)
    corrected = said_by(
        toll("B", 3800, published=date(2023, 9, 14), time=day("2023-09-13", relation="on")),
        ministry,
    )
    assert run(first, corrected) == []
    # two sources, the same day, different figures: a disagreement
    un = said_by(
        toll("C", 11300, published=date(2023, 9, 13), time=day("2023-09-13")), "الأمم المتحدة"
    )
    assert [f.code for f in run(first, un)] == ["C003"]


def quake(article: str, magnitude: float, source: str | None) -> Claim:
    made = claim(
        article,
        f"زلزال بقوة {magnitude:g} درجات",
        "other",
        event_word="زلزال",
        phase="completed",
        location=LIBYA,
        time=day("2023-09-08"),
        quantity=qty(magnitude, unit="magnitude"),
    )
    return said_by(made, source) if source else made


def test_attributed_measurements_are_facts_about_their_source() -> None:
    usgs = quake("A", 6.8, "هيئة المسح الجيولوجي الأمريكية")
    local = quake("B", 7.0, "المعهد الوطني للجيوفيزياء")
    assert run(usgs, local) == []
    # one agency, two values: a disagreement about what that agency said
    also_usgs = quake("C", 6.2, "هيئة المسح الجيولوجي الأمريكية")
    assert [f.code for f in run(usgs, also_usgs)] == ["C003"]


def test_a_magnitude_is_one_finding_whoever_is_quoted_for_each_value() -> None:
    """Two reports quote one agency differently and others give values of their own: one
    disagreement about the magnitude, every value a side."""
    gfz = "المركز الألماني لأبحاث علوم الأرض"
    claims = [
        quake("A", 7.2, None),
        quake("B", 7.0, None),
        quake("C", 7.0, gfz),
        quake("D", 6.8, gfz),
    ]
    (finding,) = run(*claims)
    assert finding.code == "C003"
    assert sorted(len(side.claim_ids) for side in finding.sides) == [1, 1, 2]
    assert {c for side in finding.sides for c in side.claim_ids} == {c.id for c in claims}


def test_background_years_before_the_story_is_not_compared() -> None:
    """ "The French army left the base in 2011" in a 2025 report of its handover."""
    story = [
        claim(
            f"R{i}",
            "انسحاب القوات الفرنسية من قاعدة أبيشي",
            "withdrawal",
            phase="completed",
            location=ABECHE,
            actors=[FRENCH],
            time=day("2025-01-11"),
            published=date(2025, 1, 12),
        )
        for i in range(2)
    ]
    earlier = claim(
        "B",
        "غادرتها القوات الفرنسية عام 2011",
        "withdrawal",
        phase="completed",
        location=ABECHE,
        actors=[FRENCH],
        time=day("2011"),
        published=date(2025, 1, 12),
    )
    assert run(*story, earlier) == []
    # the same report a few weeks off is a disagreement
    close = earlier.model_copy(update={"time": day("2024-12-20"), "id": ""})
    close = Claim.model_validate(close.model_dump())
    assert [f.code for f in run(*story, close)] == ["C001"]


def test_plan_against_outcome_soldiers_against_vehicles_city_against_country() -> None:
    planned = claim(
        "A",
        "من المقرر إغلاق قاعدة التنف في 15 سبتمبر 2025",
        "base_closure",
        phase="planned",
        modality="planned",
        location=TANF,
        time=day("2025-09-15"),
    )
    closed = claim(
        "B",
        "أغلقت قاعدة التنف نهاية 2026",
        "base_closure",
        phase="completed",
        location=TANF,
        time=day("2026", relation="on", modifier="end"),
    )
    assert [f.kind for f in run(planned, closed)] == ["plan_change"]
    soldiers = claim(
        "C",
        "انسحاب 300 جندي من التنف",
        "withdrawal",
        phase="completed",
        location=TANF,
        time=day("2025-09-01"),
        quantity=qty(300, unit="soldiers"),
    )
    vehicles = claim(
        "D",
        "انسحاب 40 آلية من التنف",
        "withdrawal",
        phase="completed",
        location=TANF,
        time=day("2025-09-01"),
        quantity=qty(40, unit="vehicles"),
    )
    assert run(soldiers, vehicles) == []
    city = toll("E", 3000, published=date(2023, 9, 13))
    country = toll("F", 4000, published=date(2023, 9, 13), location=LIBYA)
    assert run(city, country) == []


# --- in the store: the review stays attached --------------------------------------------------


def test_a_new_report_in_a_later_run_keeps_the_finding_and_its_review(tmp_path: Path) -> None:
    store = Store(tmp_path / "cc.db")
    first = tmp_path / "first"
    write_article(first, "a1", ["@ attack mosul 2025-03-02 10"])
    write_article(first, "a2", ["@ attack mosul 2025-03-02 40"])
    run_batch([first], store, None, extractor=spec_extract, extractor_version="spec")
    (finding,) = store.findings()
    store.add_user("editor")
    store.set_review(finding.id, "confirmed", note="two tolls", by="editor")

    later = tmp_path / "later"
    write_article(later, "a3", ["@ attack mosul 2025-03-02 40"])
    summary = run_batch([later], store, None, extractor=spec_extract, extractor_version="spec")
    (grown,) = store.findings()
    assert grown.id == finding.id and summary.new_findings == 0
    assert grown.review_status == "confirmed" and grown.review_note == "two tolls"
    assert sorted(side.tally for side in grown.sides) == [1, 2]
    store.close()


# --- part and whole ----------------------------------------------------------------------

AL_HAOUZ = place("al_haouz", "marrakech_safi", "morocco", label="Al Haouz", surface="الحوز")
MOROCCO = place("morocco", label="Morocco", surface="المغرب")


def quake_toll(article: str, value: float, where: Any, **kw: Any) -> Claim:
    kw.setdefault("published", date(2023, 9, 9))
    return claim(
        article,
        f"ارتفاع حصيلة قتلى الزلزال إلى {value:g} ({article})",
        "casualties",
        location=where,
        phase="completed",
        event_word="killed",
        quantity=qty(value, unit="people"),
        **kw,
    )


def test_a_province_toll_larger_than_the_national_one_is_a_contradiction() -> None:
    national = [quake_toll(f"N{i}", 820, MOROCCO) for i in range(2)]
    province = [quake_toll(f"P{i}", 1293, AL_HAOUZ) for i in range(2)]
    (finding,) = run(*national, *province)
    assert finding.code == "C009"
    assert sorted(sides(finding)) == [("1293 people", 2), ("820 people", 2)]
    assert "Al Haouz" in finding.explanation_en and "Morocco" in finding.explanation_en


def test_a_province_toll_smaller_than_the_national_one_or_older_is_not() -> None:
    national = [quake_toll(f"N{i}", 2012, MOROCCO) for i in range(2)]
    province = [quake_toll(f"P{i}", 1293, AL_HAOUZ) for i in range(2)]
    assert run(*national, *province) == []
    # a larger province figure from a later day: the national one is simply older
    later = [quake_toll(f"L{i}", 2500, AL_HAOUZ, published=date(2023, 9, 11)) for i in range(2)]
    assert run(*national, *later) == []


def test_a_part_and_its_whole_meet_when_they_come_in_different_runs(tmp_path: Path) -> None:
    """The country's toll is stored first; the province's, larger, comes in a later run:
    the part-whole finding is made then, as when both come at once."""
    store = Store(tmp_path / "cc.db")
    national, province = tmp_path / "national", tmp_path / "province"
    for name in ("n1", "n2"):
        write_article(national, name, ["@ casualties iraq 2025-03-02 10"])
    for name in ("p1", "p2"):
        write_article(province, name, ["@ casualties mosul 2025-03-02 40"])
    run_batch([national], store, None, extractor=spec_extract, extractor_version="spec")
    assert store.findings() == []
    run_batch([province], store, None, extractor=spec_extract, extractor_version="spec")
    assert [f.code for f in store.findings()] == ["C009"]

    at_once = Store(tmp_path / "once.db")
    run_batch([national, province], at_once, None, extractor=spec_extract, extractor_version="spec")
    assert [(f.code, f.fact, f.claim_ids) for f in at_once.findings()] == [
        (f.code, f.fact, f.claim_ids) for f in store.findings()
    ]
    store.close()
    at_once.close()


# --- sides stand for values ------------------------------------------------------------------


def _attack(article: str, word: str = "هجوم", **kw: Any) -> Claim:
    """An attack on a market in Derna (a story of our own), in the words of one report."""
    return claim(
        article, f"{word} على سوق في درنة ({article})", "attack", phase="completed",
        location=DERNA, event_word=word, **kw,
    )


def test_undated_reports_never_stand_for_a_side_of_a_weekday() -> None:
    """Seven pairs of reports give the attack no day (each in its own word: seven value
    classes, more than a side's representatives); one report says Tuesday, one Monday.
    The two days still meet: a side is represented by claims with a day."""
    words = ["هجوم", "اعتداء", "هجمة", "غارة", "مجزرة", "عملية", "كمين"]
    undated = [_attack(f"{r}{i}", word) for i, word in enumerate(words) for r in ("U", "V")]
    tuesday = _attack("T", time=weekday_only(1, text="يوم الثلاثاء"))
    monday = _attack("M", time=weekday_only(0, text="يوم الإثنين"))
    findings = [f for f in run(*undated, tuesday, monday) if f.code == "C002"]
    assert len(findings) == 1
    assert {side.claim_ids[0] for side in findings[0].sides} == {tuesday.id, monday.id}


def test_a_toll_and_its_attack_dated_by_the_same_words_are_one_finding() -> None:
    """Each report dates the attack and its toll with one phrase: the weekday conflict
    of the attack and that of the toll quote the same words, and are shown once."""
    found: list[Claim] = []
    for article, weekday, words in (("A", 1, "يوم الثلاثاء"), ("B", 0, "يوم الإثنين")):
        when = weekday_only(weekday, text=words)
        found.append(_attack(article, time=when))
        found.append(toll(article, 12, time=when, start=200))
    findings = [f for f in run(*found) if f.code == "C002"]
    assert len(findings) == 1
    assert len(findings[0].claim_ids) == 2  # shown once, by one fact's claims


def test_none_survived_against_one_survivor_is_a_count_of_survivors() -> None:
    """A ferry off Zanzibar: "all passengers died" (0 survived) against "one passenger
    survived", two reports of one day: the survivors disagree (a count that may change as
    reports come in, so soft). A report whose day is unknown is not set against them."""

    def survivors(article: str, n: float, **kw: Any) -> Claim:
        return toll(article, 0, event_word="survived", **kw).model_copy(
            update={"quantity": qty(n, low=n, high=n, unit="passengers")}
        )

    day_of = date(2024, 3, 10)
    (finding,) = run(survivors("A", 0, published=day_of), survivors("B", 1, published=day_of))
    assert finding.code == "C003" and finding.certainty == "soft"
    assert finding.fact.startswith("casualties|passengers|survived")
    assert run(survivors("A", 0), survivors("B", 1, published=day_of)) == []


def test_a_card_names_the_place_a_claim_took_from_its_event() -> None:
    """A report says French soldiers left for N'Djamena on Saturday and names no place
    they left; the event's two other reports put the departure at the Abéché base, on
    Sunday. The card says where the departure it compares took place: at that base."""
    ndjamena = place("ndjamena", "chad", label="N'Djamena", surface="نجامينا")
    saturday = claim("S", "غادر الجنود الفرنسيون إلى نجامينا السبت", "withdrawal",
                     phase="completed", actors=[FRENCH], destinations=[ndjamena],
                     time=day("2025-01-11"))
    sunday = [
        claim(f"R{i}", "أخلى الجنود الفرنسيون قاعدة أبيشي الأحد", "withdrawal",
              phase="completed", location=ABECHE, actors=[FRENCH], time=day("2025-01-12"))
        for i in range(2)
    ]
    (finding,) = run(saturday, *sunday)
    assert finding.certainty == "soft" and "Abéché base" in finding.explanation_en
    assert "unnamed" not in finding.explanation_en
