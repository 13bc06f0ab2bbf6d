"""Rule engine on hand-built claims from stories other than the seeds.

Each scenario says what must fire and, as importantly, what must not: false alarms in
front of an editor cost more than misses.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from pydantic import BaseModel

from checker.linking import link
from checker.rules import check
from checker.rules.base import BaseRule, Hit, MessageTemplates, RuleContext, RuleSpec
from checker.rules.registry import (
    RegistryError,
    RuleRegistry,
    default_registry,
    field_path_exists,
    register_builtin_rules,
)
from checker.settings import CheckerSettings, load_labels
from claims.model import (
    PLACE_FACT_WORD,
    Attribution,
    Bearing,
    Claim,
    Entity,
    Finding,
    Quantity,
    Span,
    TimeValue,
)
from tests.claim_builders import actor, claim, day, place, qty, weekday_only, yearless

# --- a small gazetteer -------------------------------------------------------------------

CHAD = place("chad", label="Chad", surface="تشاد")
NDJAMENA_BASE = place(
    "ndjamena_base", "ndjamena", "chad", label="N'Djamena base", surface="قاعدة نجامينا"
)
KIRKUK_CHECKPOINT = place(
    "kirkuk_checkpoint", "kirkuk", "iraq", label="Kirkuk checkpoint", surface="حاجز كركوك"
)
QAIM_CROSSING = place(
    "qaim_crossing", "anbar", "iraq", label="al-Qaim crossing", surface="معبر القائم"
)
KAHRAMANMARAS = place("kahramanmaras", "turkey", label="Kahramanmaraş", surface="كهرمان مرعش")
DERNA = place("derna", "libya", label="Derna", surface="درنة")
HMEIMIM = place("hmeimim", "latakia", "syria", label="Hmeimim", surface="قاعدة حميميم")
TARTUS = place("tartus_port", "tartus", "syria", label="Tartus port", surface="ميناء طرطوس")
TANF = place("tanf", "homs", "syria", label="al-Tanf", surface="قاعدة التنف")
OUTSIDE_SYRIA = place("syria", label="Syria", surface="خارج سوريا", complement=True)
DEIR_EZZOR = place("deir_ezzor", "syria", label="Deir ez-Zor", surface="دير الزور")
JORDAN = place("jordan", label="Jordan", surface="الأردن")
IRAQ = place("iraq", label="Iraq", surface="العراق")
ERBIL_AIRPORT = place(
    "erbil_airport",
    "erbil",
    "kurdistan_region",
    "iraq",
    label="Erbil airport",
    surface="مطار أربيل",
)
RAFAH = place("rafah_crossing", "north_sinai", "egypt", label="Rafah crossing", surface="معبر رفح")

FRENCH = actor("french_forces", "French forces", "القوات الفرنسية")
RUSSIAN = actor("russian_forces", "Russian forces", "القوات الروسية")
US = actor("us_forces", "US forces", "القوات الأمريكية")
IRAQI_ARMY = actor("iraqi_army", "Iraqi army", "الجيش العراقي")


def run(*claims: Claim, settings: CheckerSettings | None = None) -> list[Finding]:
    graph = link(claims, settings=settings)
    return check(graph, claims, settings=settings)


def codes(findings: Sequence[Finding]) -> list[str]:
    return sorted(f.code for f in findings)


# --- C001 date conflict --------------------------------------------------------------------


def closure(article: str, time: TimeValue, **kw: Any) -> Claim:
    kw.setdefault("phase", "completed")
    return claim(
        article,
        f"إغلاق قاعدة نجامينا {article}",
        "base_closure",
        location=NDJAMENA_BASE,
        actors=[FRENCH],
        time=time,
        **kw,
    )


def test_conflicting_closure_dates_fire_hard() -> None:
    a = closure("A", day("2025-01-30", text="يوم 30 يناير 2025"))
    b = closure("B", day("2025-02-12", text="في 12 فبراير 2025"))
    findings = run(a, b)
    assert codes(findings) == ["C001"]
    finding = findings[0]
    assert finding.kind == "date" and finding.certainty == "hard"
    assert sorted(finding.claim_ids) == sorted([a.id, b.id])
    quotes = {v.quote for v in finding.values}
    assert quotes == {"يوم 30 يناير 2025", "في 12 فبراير 2025"}
    assert all(v.span is not None and v.span.text == v.quote for v in finding.values)
    assert "2025-01-30" in finding.explanation_en and "2025-02-12" in finding.explanation_en
    assert "قاعدة نجامينا" in finding.explanation_ar
    assert finding.event_id is not None


def test_on_a_day_against_by_a_later_deadline_does_not_fire() -> None:
    """'On 15 Sep 2025' and 'by end of 2026' at the same base: compared, and compatible."""
    a = closure("A", day("2025-09-15"), phase="planned", modality="planned")
    b = closure(
        "B", day("2026", relation="by", modifier="end"), phase="planned", modality="planned"
    )
    assert run(a, b) == []


def test_on_a_day_after_a_by_deadline_fires_soft_for_plans() -> None:
    a = closure("A", day("2027-01-10"), phase="planned", modality="planned")
    b = closure("B", day("2026-12", relation="by"), phase="planned", modality="planned")
    findings = run(a, b)
    assert codes(findings) == ["C001"]
    assert findings[0].certainty == "soft"


def test_different_precision_is_soft() -> None:
    a = closure("A", day("2025-01-30"))
    b = closure("B", day("2025-03"))
    findings = run(a, b)
    assert codes(findings) == ["C001"] and findings[0].certainty == "soft"


def test_a_date_without_its_year_conflicts_softly_only_when_no_year_fits() -> None:
    """ "في يوليو" in a report with no date of its own can be no day of August 2024, nor
    of "5 August" said without a year; "July" against 2024 (the whole year), against a
    July day, or against a day given only "by" August is no conflict."""
    july = closure("A", yearless("XXXX-07", text="في يوليو"))
    august = closure("B", day("2024-08", text="في أغسطس 2024"))
    findings = run(july, august)
    assert codes(findings) == ["C001"] and findings[0].certainty == "soft"
    assert "year" in findings[0].certainty_reason
    fifth, seventh = closure("C", yearless("XXXX-08-05")), closure("D", yearless("XXXX-08-07"))
    assert codes(run(fifth, seventh)) == ["C001"]
    assert run(july, closure("E", day("2024"))) == []
    assert run(july, closure("F", day("2024-07-19"))) == []
    assert run(july, closure("G", day("2024-08", relation="by"))) == []
    assert run(closure("H", yearless("XXXX-07", relation="by")), august) == []


def test_month_modifier_is_honoured_when_only_the_value_is_given() -> None:
    """'Early March' (value 2025-03, modifier start, no bounds) allows 1-10 March only."""
    early = TimeValue(
        value="2025-03", granularity="month", modifier="start", relation="on", resolved=True
    )
    a = closure("A", early)
    b = closure("B", day("2025-03-25"))
    c = closure("C", day("2025-03-05"))
    assert codes(run(a, b)) == ["C001"]
    assert run(a, c) == []


def test_base_and_country_scope_are_not_compared() -> None:
    """Disjoint days, but one deadline is for a base and the other for the whole country."""
    base = claim(
        "A",
        "مغادرة قاعدة نجامينا في 1 مايو 2027",
        "withdrawal",
        phase="planned",
        modality="planned",
        location=NDJAMENA_BASE,
        actors=[FRENCH],
        time=day("2027-05-01"),
    )
    country = claim(
        "B",
        "الانسحاب من تشاد بحلول نهاية 2026",
        "withdrawal",
        phase="planned",
        modality="planned",
        location=CHAD,
        actors=[FRENCH],
        time=day("2026", relation="by", modifier="end"),
    )
    assert run(base, country) == []


def test_unresolved_times_never_fire() -> None:
    unresolved = TimeValue(
        value="2025-02-12",
        granularity="day",
        earliest=date(2025, 2, 12),
        latest=date(2025, 2, 12),
        relation="on",
        resolved=False,
        reason="ambiguous calendar",
    )
    a = closure("A", day("2025-01-30"))
    b = closure("B", unresolved)
    assert run(a, b) == []


def test_two_reports_of_one_article_are_not_compared() -> None:
    a = closure("A", day("2025-01-30"))
    b = claim(
        "A",
        "إغلاق قاعدة نجامينا في 12 فبراير",
        "base_closure",
        phase="completed",
        location=NDJAMENA_BASE,
        actors=[FRENCH],
        time=day("2025-02-12"),
        start=500,
    )
    assert run(a, b) == []


def test_hypothetical_claims_are_never_compared() -> None:
    a = closure("A", day("2025-01-30"))
    b = closure("B", day("2025-02-12"), modality="hypothetical")
    assert run(a, b) == []


def test_known_different_actors_are_not_one_event() -> None:
    a = closure("A", day("2025-01-30"))
    b = claim(
        "B",
        "إغلاق قاعدة نجامينا",
        "base_closure",
        phase="completed",
        location=NDJAMENA_BASE,
        actors=[actor("chad_army", "Chadian army")],
        time=day("2025-02-12"),
    )
    assert run(a, b) == []


# --- C002 weekday conflict -----------------------------------------------------------------


def attack(article: str, time: TimeValue, **kw: Any) -> Claim:
    kw.setdefault("phase", "began")
    return claim(
        article,
        f"الهجوم على حاجز كركوك {article}",
        "attack",
        location=KIRKUK_CHECKPOINT,
        time=time,
        **kw,
    )


def test_weekday_conflict_between_reports() -> None:
    a = attack("A", weekday_only(6, text="فجر يوم الأحد"))
    b = attack("B", day("2024-11-14", weekday=3, text="صباح الخميس 14 نوفمبر 2024"))
    findings = run(a, b)
    assert codes(findings) == ["C002"]
    finding = findings[0]
    assert finding.certainty == "hard" and len(finding.claim_ids) == 2
    assert {v.value for v in finding.values} == {"Sunday", "Thursday (2024-11-14)"}
    assert "الأحد" in finding.explanation_ar and "الخميس" in finding.explanation_ar


def test_weekday_conflict_replaces_the_date_conflict_it_implies() -> None:
    a = closure("A", day("2025-02-02", weekday=6))
    b = closure("B", day("2025-01-30", weekday=3))
    findings = run(a, b)
    assert codes(findings) == ["C002"]


def test_weekday_that_misses_its_date_is_a_one_claim_finding() -> None:
    quake = claim(
        "A",
        "وقع الزلزال يوم الأحد 6 فبراير 2023",
        "other",
        event_word="زلزال",
        phase="completed",
        location=KAHRAMANMARAS,
        time=day("2023-02-06", weekday=6, text="يوم الأحد 6 فبراير 2023"),
    )
    findings = run(quake)
    assert codes(findings) == ["C002"]
    finding = findings[0]
    assert finding.claim_ids == [quake.id]
    assert finding.certainty == "hard"
    assert [v.value for v in finding.values] == ["Sunday", "2023-02-06 (Monday)"]
    assert "Monday" in finding.explanation_en and "الاثنين" in finding.explanation_ar


def test_figures_dated_by_one_wrong_weekday_are_one_finding() -> None:
    """Two tolls of one article dated by the same words ("يوم الأحد 6 فبراير 2023", a
    Monday) are one finding listing both claims, on the ID of the claim whose evidence
    holds the words; the same words in another article are a finding of their own."""
    when = "يوم الأحد 6 فبراير 2023"

    def toll(article: str, word: str, count: int, start: int) -> Claim:
        return claim(
            article,
            f"{when} {word} {count}",
            "casualties",
            event_word=word,
            phase="completed",
            location=KAHRAMANMARAS,
            time=day("2023-02-06", weekday=6, text=when),
            quantity=qty(count, unit="people"),
            start=start,
        )

    dead, hurt = toll("A", "killed", 45, 0), toll("A", "injured", 300, 60)
    other = toll("B", "killed", 45, 0)
    findings = [f for f in run(dead, hurt, other) if f.fact.startswith("claim|")]
    assert len(findings) == 2
    shared = next(f for f in findings if len(f.claim_ids) == 2)
    assert shared.fact == f"claim|{dead.id}" and shared.claim_ids[0] == dead.id
    assert shared.self_contradictory
    assert sorted(shared.claim_ids) == sorted([dead.id, hurt.id])
    assert next(f for f in findings if f is not shared).claim_ids == [other.id]


def test_weekday_matching_its_date_or_night_before_does_not_fire() -> None:
    right = attack("A", day("2024-11-14", weekday=3))
    # "ليلة الخميس" said of Wednesday evening 13 November
    night = attack("B", day("2024-11-13", weekday=3, time_of_day="night"))
    assert run(right) == []
    assert run(night) == []


def zoned(
    value: str,
    weekday: int,
    clock: str,
    zone: str,
    *,
    offset: int | None = None,
    utc: str | None = None,
    shift: int | None = None,
) -> TimeValue:
    """A day with a clock time said in a zone, as the time tagger gives it."""
    return day(value, weekday=weekday, time_of_day=clock).model_copy(
        update={"time_zone": zone, "utc_offset": offset, "utc_time": utc, "utc_day_offset": shift}
    )


def test_late_evening_local_time_and_the_next_day_in_another_zone_do_not_conflict() -> None:
    """ "23:40 local time on Thursday" and "00:40 UAE time on Friday" may be one moment
    (here they are: 20:40 UTC on Thursday): the weekdays differ only by the clock. The
    zones widen the days only by what a zone can shift, so mid-morning local time on
    Thursday still conflicts with Friday in UTC, and a local time whose offset the report
    gives is pinned to its UTC day."""
    local = attack("A", zoned("2024-11-14", 3, "23:40", "local"))
    uae = attack("B", zoned("2024-11-15", 4, "00:40", "GST", offset=240, utc="20:40", shift=-1))
    assert run(local, uae) == []
    # Nor against a report that gives the next day with no clock and no zone.
    friday = attack("C", day("2024-11-15", weekday=4))
    assert run(local, friday) == []

    morning = attack("D", zoned("2024-11-14", 3, "10:00", "local"))
    friday_utc = attack("E", zoned("2024-11-15", 4, "00:40", "UTC", offset=0, utc="00:40", shift=0))
    findings = run(morning, friday_utc)
    assert codes(findings) == ["C002"] and findings[0].certainty == "hard"
    pinned = attack("F", zoned("2024-11-14", 3, "23:40", "local", offset=180, utc="20:40", shift=0))
    assert codes(run(pinned, friday_utc)) == ["C002"]
    # A zoned clock time far from midnight against a plain day: compared as stated.
    assert codes(run(attack("G", zoned("2024-11-14", 3, "14:00", "local")), friday)) == ["C002"]
    # No clock moves a date by two days.
    assert codes(run(local, attack("H", day("2024-11-16", weekday=5)))) == ["C002"]


def test_dates_in_two_zones_are_compared_on_the_utc_calendar() -> None:
    """The date rule, without weekdays: 23:40 local time on the 14th and 01:40 Makkah time
    on the 15th allow a common UTC day; 09:00 GMT on the 16th does not."""
    local = attack(
        "A", day("2024-11-14", time_of_day="23:40").model_copy(update={"time_zone": "local"})
    )
    makkah = attack(
        "B",
        day("2024-11-15", time_of_day="01:40").model_copy(
            update={
                "time_zone": "AST",
                "utc_offset": 180,
                "utc_time": "22:40",
                "utc_day_offset": -1,
            }
        ),
    )
    assert run(local, makkah) == []
    later = attack(
        "C",
        day("2024-11-16", time_of_day="09:00").model_copy(
            update={"time_zone": "UTC", "utc_offset": 0, "utc_time": "09:00", "utc_day_offset": 0}
        ),
    )
    findings = run(local, later)
    assert codes(findings) == ["C001"] and findings[0].certainty == "hard"
    # A zoned time near midnight against a plain day two days on: compared as stated.
    assert codes(run(local, attack("D", day("2024-11-16")))) == ["C001"]


# --- C010 clock conflict --------------------------------------------------------------------

BANDRA_STATION = place(
    "bandra_station", "mumbai", "india", label="Bandra station", surface="محطة باندرا"
)


def derailment(article: str, time: TimeValue, **kw: Any) -> Claim:
    """A train that left the rails: an "other" event named by its word."""
    kw.setdefault("phase", "completed")
    return claim(
        article,
        f"خروج القطار عن السكة قرب محطة باندرا {article}",
        "other",
        event_word="derailment",
        location=BANDRA_STATION,
        time=time,
        **kw,
    )


def clock(
    clock_time: str,
    zone: str | None = None,
    *,
    value: str = "2025-03-07",
    offset: int | None = None,
    utc: str | None = None,
    approx: bool = False,
    twelve_hour: bool = False,
    text: str = "",
    relation: str = "on",
) -> TimeValue:
    """A day with a clock time as the time tagger gives it: zone, offset and UTC time when
    the text states them, and how the clock was said."""
    shift = None
    if utc is not None:
        local = int(clock_time[:2]) * 60 + int(clock_time[3:])
        shift = (local - (offset or 0)) // (24 * 60)
    return day(value, time_of_day=clock_time, text=text, relation=relation).model_copy(
        update={
            "time_zone": zone,
            "utc_offset": offset,
            "utc_time": utc,
            "utc_day_offset": shift,
            "clock_approx": True if approx else None,
            "twelve_hour": True if twelve_hour else None,
        }
    )


def test_two_times_of_day_of_one_derailment_in_one_zone_fire() -> None:
    a = derailment("A", clock("10:00", "IST", offset=330, utc="04:30", text="الساعة 10 صباحا"))
    b = derailment("B", clock("13:38", "IST", offset=330, utc="08:08", text="الساعة 1:38 ظهرا"))
    findings = run(a, b)
    assert codes(findings) == ["C010"]
    finding = findings[0]
    assert finding.kind == "date" and finding.certainty == "hard"
    assert {v.quote for v in finding.values} == {"الساعة 10 صباحا", "الساعة 1:38 ظهرا"}
    assert {v.value for v in finding.values} == {"04:30 UTC (10:00 IST)", "08:08 UTC (13:38 IST)"}
    assert "10" in finding.explanation_ar and "محطة باندرا" in finding.explanation_ar


def test_local_times_of_one_place_compare_directly() -> None:
    a = derailment("A", clock("10:00", "local"))
    b = derailment("B", clock("13:38", "local"))
    assert codes(run(a, b)) == ["C010"]


def test_clock_times_a_minute_apart_agree() -> None:
    """Reports round: 13:38 and 13:39 are one moment."""
    a = derailment("A", clock("13:38", "local"))
    b = derailment("B", clock("13:39", "local"))
    assert run(a, b) == []
    assert codes(run(a, derailment("C", clock("13:55", "local")))) == ["C010"]


def test_approximate_times_widen_the_tolerance() -> None:
    """'about 3 pm' and 'around 3:10 pm' agree; 'about 3 pm' and an exact 4:10 pm do not,
    and the finding is soft."""
    about_three = derailment("A", clock("15:00", "local", approx=True))
    around_ten_past = derailment("B", clock("15:10", "local", approx=True))
    assert run(about_three, around_ten_past) == []
    # An exact time half an hour off is within an approximate one's reach.
    assert run(about_three, derailment("C", clock("15:30", "local"))) == []
    findings = run(about_three, derailment("D", clock("16:10", "local")))
    assert codes(findings) == ["C010"] and findings[0].certainty == "soft"


def test_the_same_moment_in_local_time_and_in_gmt_does_not_fire() -> None:
    """ "23:11 local time (20:11 GMT)" against "20:11 GMT": one moment on two clocks."""
    local = derailment("A", clock("23:11", "local", offset=180, utc="20:11"))
    gmt = derailment("B", clock("20:11", "UTC", offset=0, utc="20:11"))
    assert run(local, gmt) == []
    later = derailment("C", clock("21:30", "UTC", offset=0, utc="21:30"))
    assert codes(run(local, later)) == ["C010"]


def test_zones_that_cannot_be_put_on_one_clock_are_refused() -> None:
    """Local time whose offset the text does not give against IST; a zone against none;
    two clocks with no zone in two reports: no common frame, no finding."""
    local = derailment("A", clock("13:38", "local"))
    ist = derailment("B", clock("10:00", "IST", offset=330, utc="04:30"))
    unzoned = derailment("C", clock("10:00"))
    assert run(local, ist) == []
    assert run(local, unzoned) == []
    assert run(unzoned, derailment("D", clock("13:38"))) == []
    # Where the outlets' unzoned times are known to be local, they are compared.
    settings = CheckerSettings(clock_unzoned_is_local=True)
    assert codes(run(local, unzoned, settings=settings)) == ["C010"]


def test_an_hour_without_its_half_of_the_day_may_be_either() -> None:
    """ "الساعة الثالثة" with no part of the day is 03:00 or 15:00."""
    three = derailment("A", clock("03:00", "local", twelve_hour=True))
    assert run(three, derailment("B", clock("15:05", "local"))) == []
    assert codes(run(three, derailment("C", clock("09:00", "local")))) == ["C010"]


def test_clock_times_of_other_phases_days_or_deadlines_do_not_fire() -> None:
    """Take-off and crash are two phases; another day is a date conflict; a deadline ("by
    6 pm") or a time carried from elsewhere is not the moment of the event."""
    began = derailment("A", clock("13:38", "local"), phase="began")
    done = derailment("B", clock("15:00", "local"), phase="completed")
    assert run(began, done) == []
    assert codes(run(derailment("I", clock("13:38", "local")), done)) == ["C010"]
    next_day = derailment("C", clock("15:00", "local", value="2025-03-08"))
    assert codes(run(derailment("D", clock("13:38", "local")), next_day)) == ["C001"]
    deadline = derailment("E", clock("18:00", "local", relation="by"))
    assert run(derailment("F", clock("13:38", "local")), deadline) == []
    carried = derailment("G", clock("18:00", "local"))
    carried.inherited["time"] = "article"
    assert run(derailment("H", clock("13:38", "local")), carried) == []


def test_a_planned_time_against_the_outcome_is_no_clock_conflict() -> None:
    plan = derailment("A", clock("09:00", "local"), phase="completed", modality="planned")
    outcome = derailment("B", clock("13:38", "local"))
    assert "C010" not in codes(run(plan, outcome))
    assert codes(run(derailment("C", clock("09:00", "local")), outcome)) == ["C010"]


def test_two_phases_of_one_timeline_never_fire() -> None:
    """Began on Thursday; completion announced on Saturday: a timeline, not a conflict."""
    began = claim(
        "A",
        "بدأ الانسحاب من قاعدة نجامينا مساء الخميس",
        "withdrawal",
        phase="began",
        location=NDJAMENA_BASE,
        actors=[FRENCH],
        time=day("2025-01-16", weekday=3),
    )
    done = claim(
        "B",
        "أعلنت الوزارة يوم السبت اكتمال الانسحاب",
        "withdrawal",
        phase="completed",
        location=NDJAMENA_BASE,
        actors=[FRENCH],
        time=weekday_only(5),
    )
    done_dated = claim(
        "C",
        "اكتمل الانسحاب يوم السبت 18 يناير",
        "withdrawal",
        phase="completed",
        location=NDJAMENA_BASE,
        actors=[FRENCH],
        time=day("2025-01-18", weekday=5),
    )
    assert run(began, done, done_dated) == []


# --- C003 count conflict -------------------------------------------------------------------


def convoy(article: str, quantity: Any, **kw: Any) -> Claim:
    return claim(
        article,
        f"قافلة عبر معبر القائم {article}",
        "convoy_departure",
        phase="completed",
        location=QAIM_CROSSING,
        actors=[US],
        quantity=quantity,
        **kw,
    )


def test_conflicting_vehicle_counts_fire() -> None:
    a = convoy("A", qty(50, low=50, low_inclusive=False, unit="vehicles", text="أكثر من 50 آلية"))
    b = convoy("B", qty(30, unit="vehicles", text="30 آلية"))
    findings = run(a, b)
    assert codes(findings) == ["C003"]
    assert findings[0].certainty == "hard"
    assert {v.value for v in findings[0].values} == {"(50, ∞) vehicles", "30 vehicles"}
    assert {v.quote for v in findings[0].values} == {"أكثر من 50 آلية", "30 آلية"}


@pytest.mark.parametrize(
    "other",
    [
        qty(60, approximate=True, unit="vehicles"),  # "about 60"
        qty(51, unit="vehicles"),
        qty(None, high=80, high_inclusive=False, unit="vehicles"),  # "fewer than 80"
    ],
)
def test_compatible_bounds_do_not_fire(other: Any) -> None:
    a = convoy("A", qty(50, low=50, low_inclusive=False, unit="vehicles"))
    assert run(a, convoy("B", other)) == []


def test_a_rounded_figure_agrees_with_what_rounds_to_it() -> None:
    """"21.4 مليون" stands for any figure that rounds to it (its precision, the step of
    its last digit): 21,404,291 agrees, 21,041,391 does not."""
    rounded = qty(21_400_000, low=21_400_000, high=21_400_000, unit="vehicles")
    rounded = rounded.model_copy(update={"precision": 100_000})
    a = convoy("A", rounded)
    assert run(a, convoy("B", qty(21_404_291, unit="vehicles"))) == []
    assert codes(run(a, convoy("B", qty(21_041_391, unit="vehicles")))) == ["C003"]


def test_a_finding_names_what_an_other_event_is() -> None:
    """Two lists' seats in one election: the message says "the election", not "the
    event" (labels.yaml `other_words`)."""
    seats = [
        claim(name, f"حزب النهضة {n} مقعدا", "other", event_word="election", phase="completed",
              location=CHAD, quantity=Quantity(value=n, low=n, high=n, unit="seats",
                                               holder="النهضه"))
        for name, n in (("A", 42), ("B", 37))
    ]
    (finding,) = run(*seats)
    assert "election" in finding.explanation_en and "الانتخابات" in finding.explanation_ar


def test_the_figure_of_a_bound_is_the_same_figure_hedged() -> None:
    """"More than 50" and "50" cite one figure: not a disagreement. A figure past the
    bound is."""
    a = convoy("A", qty(50, low=50, low_inclusive=False, unit="vehicles"))
    assert run(a, convoy("B", qty(50, unit="vehicles"))) == []
    assert codes(run(a, convoy("B", qty(49, unit="vehicles")))) == ["C003"]


@pytest.mark.parametrize(
    "hundreds",
    [
        qty(100, vague=True, approximate=True, unit="soldiers"),  # order of magnitude only
        qty(None, low=200, high=999, vague=True, approximate=True, unit="soldiers"),
    ],
)
def test_hundreds_and_about_300_do_not_fire(hundreds: Any) -> None:
    a = claim(
        "A",
        "انسحاب مئات الجنود من قاعدة التنف",
        "withdrawal",
        phase="completed",
        location=TANF,
        actors=[US],
        quantity=hundreds,
    )
    b = claim(
        "B",
        "انسحاب نحو 300 جندي من قاعدة التنف",
        "withdrawal",
        phase="completed",
        location=TANF,
        actors=[US],
        quantity=qty(300, approximate=True, unit="soldiers"),
    )
    assert run(a, b) == []


def test_different_units_unknown_units_and_unresolved_amounts_never_fire() -> None:
    a = convoy("A", qty(50, unit="vehicles"))
    assert run(a, convoy("B", qty(350, unit="km"))) == []
    assert run(convoy("C", qty(50, unit=None)), convoy("D", qty(30, unit=None))) == []
    assert run(a, convoy("E", qty(30, unit="vehicles", resolved=False))) == []


def test_counts_at_different_known_times_do_not_fire() -> None:
    a = convoy("A", qty(50, unit="vehicles"), time=day("2025-03-01"))
    b = convoy("B", qty(30, unit="vehicles"), time=day("2025-03-01"))
    c = convoy("C", qty(30, unit="vehicles"), time=day("2025-06-20"))
    assert codes(run(a, b)) == ["C003"]
    assert run(a, c) == []


def test_earthquake_death_tolls_conflict_softly() -> None:
    """Tolls grow as reports come in: a disagreement is flagged, but soft."""
    a = claim(
        "A",
        "لقي 45 شخصاً حتفهم في زلزال كهرمان مرعش",
        "casualties",
        location=KAHRAMANMARAS,
        time=day("2023-02-06"),
        quantity=qty(45, unit="deaths"),
    )
    b = claim(
        "B",
        "أكثر من 200 قتيل في كهرمان مرعش",
        "casualties",
        location=KAHRAMANMARAS,
        time=day("2023-02-06"),
        quantity=qty(200, low=200, low_inclusive=False, unit="deaths"),
    )
    findings = run(a, b)
    assert codes(findings) == ["C003"] and findings[0].certainty == "soft"


# --- C004 timeline conflict ----------------------------------------------------------------


def evacuation(article: str, phase: Any, time: TimeValue) -> Claim:
    return claim(
        article, f"إجلاء سكان درنة {article}", "relocation", phase=phase, location=DERNA, time=time
    )


def test_completed_before_it_began_fires() -> None:
    began = evacuation("A", "began", day("2023-09-14"))
    done = evacuation("B", "completed", day("2023-09-12"))
    findings = run(began, done)
    assert codes(findings) == ["C004"]
    assert findings[0].kind == "timeline" and findings[0].certainty == "hard"


def test_a_possible_order_does_not_fire() -> None:
    began = evacuation("A", "began", day("2023-09-12"))
    done = evacuation("B", "completed", day("2023-09", relation="by"))
    same_day = evacuation("C", "completed", day("2023-09-12"))
    assert run(began, done) == []
    assert run(began, same_day) == []


# --- C005 presence conflict ----------------------------------------------------------------


def presence(article: str, quantity: Any, **kw: Any) -> Claim:
    kw.setdefault("location", HMEIMIM)
    return claim(
        article,
        f"الوجود الروسي {article}",
        "troop_presence",
        actors=[RUSSIAN],
        quantity=quantity,
        **kw,
    )


def test_empty_against_some_remain_fires_soft() -> None:
    empty = presence(
        "A",
        qty(0, unit="soldiers", text="خالية تماماً من أي وجود روسي"),
        phase="planned",
        modality="expected",
        time=day("2025-03", relation="by"),
    )
    remain = presence(
        "B",
        qty(None, low=1, approximate=True, unit="soldiers", text="عدد من الجنود الروس"),
        phase="ongoing",
    )
    findings = run(empty, remain)
    assert codes(findings) == ["C005"]  # and not C003 or C008 on the same pair
    finding = findings[0]
    assert finding.kind == "presence" and finding.certainty == "soft"
    # the message names the empty side first, as its template reads, whatever the order
    # of the sides (most reports first, then by claim)
    text = finding.explanation_ar
    assert text.index("خالية تماماً من أي وجود روسي") < text.index("عدد من الجنود الروس")


def test_presence_at_another_place_or_an_earlier_time_does_not_fire() -> None:
    empty = presence(
        "A",
        qty(0, unit="soldiers"),
        phase="planned",
        modality="expected",
        time=day("2025-03", relation="by"),
    )
    elsewhere = presence("B", qty(1000, approximate=True, unit="soldiers"), location=TARTUS)
    before = presence(
        "C", qty(1000, approximate=True, unit="soldiers"), phase="ongoing", time=day("2025-01-10")
    )
    assert run(empty, elsewhere) == []
    assert run(empty, before) == []


def test_denied_presence_against_remaining_troops_fires_hard_when_dated() -> None:
    none_left = presence("A", None, modality="negated", time=day("2025-04-01"))
    remain = presence(
        "B", qty(200, unit="soldiers"), phase="ongoing", time=day("2025-04", relation="on")
    )
    findings = run(none_left, remain)
    assert codes(findings) == ["C005"] and findings[0].certainty == "hard"


def test_a_place_a_completed_withdrawal_left_empty_meets_a_force_said_to_remain() -> None:
    """The extractor's `empties`: "Russian forces completed their withdrawal from Hmeimim"
    leaves it empty (a presence of 0 that takes its event from the withdrawal). A force
    said to remain there now conflicts with it; a force said to be there with no day or
    an earlier one may be the force that left, and does not."""
    left = presence("A", qty(0, unit=None), phase="ongoing").model_copy(
        update={"inherited": {"derived_from": "withdrawal"}}
    )
    remain = presence("B", qty(200, unit="soldiers"), phase="ongoing")
    findings = run(left, remain)
    assert codes(findings) == ["C005"] and findings[0].certainty == "soft"
    assert "0 (withdrawal completed)" in findings[0].explanation_en
    was_there = presence("C", qty(1000, approximate=True, unit="soldiers"), phase="completed")
    assert run(left, was_there) == []
    dated = left.model_copy(update={"time": day("2025-02-01", relation="since")})
    earlier = presence("D", qty(1000, unit="soldiers"), phase="completed", time=day("2024-12"))
    assert run(dated, earlier) == []


# --- C006 destination conflict -------------------------------------------------------------


def move(article: str, *destinations: Any, **kw: Any) -> Claim:
    return claim(
        article,
        f"نقل المعدات من قاعدة التنف {article}",
        "relocation",
        phase="completed",
        location=TANF,
        actors=[US],
        destinations=list(destinations),
        **kw,
    )


def test_outside_a_country_against_a_place_inside_it_fires_soft() -> None:
    findings = run(move("A", OUTSIDE_SYRIA), move("B", DEIR_EZZOR))
    assert codes(findings) == ["C006"]
    finding = findings[0]
    assert finding.certainty == "soft"
    assert sorted(side.value for side in finding.sides) == ["Deir ez-Zor", "outside Syria"]
    assert "outside Syria" in finding.explanation_en


def test_compatible_destination_lists_do_not_fire() -> None:
    assert run(move("A", JORDAN), move("B", JORDAN, IRAQ)) == []
    assert run(move("A", OUTSIDE_SYRIA), move("B", JORDAN)) == []
    # two lists without a complement: partial accounts, never a conflict
    assert run(move("A", JORDAN), move("B", DEIR_EZZOR)) == []


def test_destination_conflict_needs_the_same_origin() -> None:
    other_origin = claim(
        "B",
        "نقل المعدات من قاعدة حميميم",
        "relocation",
        phase="completed",
        location=HMEIMIM,
        actors=[US],
        destinations=[DEIR_EZZOR],
    )
    assert run(move("A", OUTSIDE_SYRIA), other_origin) == []


# --- C007 denial against assertion ---------------------------------------------------------


def arrival(article: str, **kw: Any) -> Claim:
    kw.setdefault("phase", "completed")
    return claim(
        article,
        f"وصول قوة إلى مطار أربيل {article}",
        "relocation",
        destinations=[ERBIL_AIRPORT],
        **kw,
    )


def test_denial_against_assertion_fires() -> None:
    denial = arrival("A", modality="negated", phase=None)
    asserted = arrival("B", actors=[US])
    findings = run(denial, asserted)
    assert codes(findings) == ["C007"]
    assert [v.value for v in findings[0].values] == ["negated", "asserted"]
    assert findings[0].certainty == "soft"  # no times: the denial may be about another day


def test_denial_of_a_wider_destination_covers_a_place_inside_it() -> None:
    erbil = place("erbil", "kurdistan_region", "iraq", label="Erbil", surface="أربيل")
    denial = claim(
        "A",
        "لم تتوجه أي قوة إلى أربيل",
        "relocation",
        modality="negated",
        destinations=[erbil],
        time=day("2025-03-02"),
    )
    asserted = arrival("B", time=day("2025-03-02"))
    findings = run(denial, asserted)
    assert codes(findings) == ["C007"] and findings[0].certainty == "hard"


def test_denial_on_another_day_or_of_a_plan_does_not_fire() -> None:
    denial = arrival("A", modality="negated", time=day("2025-03-02"))
    other_day = arrival("B", time=day("2025-03-06"))
    plan = arrival("C", phase="planned", modality="planned")
    assert run(denial, other_day) == []
    assert run(arrival("D", modality="negated"), plan) == []


# --- C008 plan change ----------------------------------------------------------------------


def rafah(article: str, time: TimeValue, **kw: Any) -> Claim:
    return claim(
        article, f"إغلاق معبر رفح {article}", "base_closure", location=RAFAH, time=time, **kw
    )


def test_plan_against_a_different_outcome_is_a_plan_change_not_a_contradiction() -> None:
    plan = rafah("A", day("2025-03-15"), phase="planned", modality="planned")
    outcome = rafah("B", day("2025-04-02"), phase="completed")
    findings = run(plan, outcome)
    assert codes(findings) == ["C008"]
    finding = findings[0]
    assert finding.kind == "plan_change" and finding.severity == "low"
    assert finding.values[0].claim_id == plan.id  # plan first, as the template reads


def test_start_before_the_deadline_is_no_plan_change() -> None:
    plan = claim(
        "A",
        "يكتمل الانسحاب من قاعدة التنف بحلول سبتمبر 2025",
        "withdrawal",
        phase="planned",
        modality="planned",
        location=TANF,
        actors=[US],
        time=day("2025-09", relation="by"),
    )
    began = claim(
        "B",
        "بدأ الانسحاب من قاعدة التنف يوم 21 أغسطس 2025",
        "withdrawal",
        phase="began",
        location=TANF,
        actors=[US],
        time=day("2025-08-21"),
    )
    began_late = claim(
        "C",
        "بدأ الانسحاب من قاعدة التنف في 3 أكتوبر 2025",
        "withdrawal",
        phase="began",
        location=TANF,
        actors=[US],
        time=day("2025-10-03"),
    )
    assert run(plan, began) == []
    assert codes(run(plan, began_late)) == ["C008"]


def test_planned_count_against_reported_count_is_a_plan_change() -> None:
    plan = convoy("A", qty(500, unit="vehicles"), modality="expected")
    done = convoy("B", qty(120, unit="vehicles"))
    assert codes(run(plan, done)) == ["C008"]


# --- finding IDs, explanations -------------------------------------------------------------


def _all_scenarios() -> list[Claim]:
    return [
        closure("A", day("2025-01-30", text="يوم 30 يناير 2025")),
        closure("B", day("2025-02-12", text="في 12 فبراير 2025")),
        attack("A", weekday_only(6)),
        attack("B", day("2024-11-14", weekday=3)),
        convoy("A", qty(50, low=50, low_inclusive=False, unit="vehicles")),
        convoy("B", qty(30, unit="vehicles")),
        evacuation("A", "began", day("2023-09-14")),
        evacuation("B", "completed", day("2023-09-12")),
        presence("A", qty(0, unit="soldiers"), phase="planned", modality="expected"),
        presence("B", qty(None, low=1, unit="soldiers")),
        move("A", OUTSIDE_SYRIA),
        move("B", DEIR_EZZOR),
        arrival("C", modality="negated", phase=None),
        arrival("D"),
        rafah("A", day("2025-03-15"), phase="planned", modality="planned"),
        rafah("B", day("2025-04-02"), phase="completed"),
        claim(
            "Q",
            "يوم الأحد 6 فبراير 2023",
            "other",
            event_word="زلزال",
            location=KAHRAMANMARAS,
            time=day("2023-02-06", weekday=6),
        ),
        derailment("A", clock("10:00", "local")),
        derailment("B", clock("13:38", "local")),
    ]


def test_every_rule_fires_once_on_the_combined_scenarios() -> None:
    assert codes(run(*_all_scenarios())) == [
        "C001",
        "C002",
        "C002",
        "C003",
        "C004",
        "C005",
        "C006",
        "C007",
        "C008",
        "C010",
    ]


def test_finding_ids_are_stable_across_runs_and_claim_order() -> None:
    claims = _all_scenarios()
    first = run(*claims)
    shuffled = list(claims)
    random.Random(7).shuffle(shuffled)
    second = run(*shuffled)
    rebuilt = run(*_all_scenarios())  # fresh objects, same content
    assert [f.model_dump() for f in first] == [f.model_dump() for f in second]
    assert [f.id for f in first] == [f.id for f in rebuilt]
    for finding in first:
        # The ID is the rule's and the fact's (with its first claim), or the claim's own
        # for a claim that contradicts itself.
        key = (
            finding.claim_ids[0]
            if finding.fact.startswith("claim|")
            else f"{finding.fact}|{finding.claim_ids[0]}"
        )
        assert finding.id == Finding.compute_id(finding.rule, key)


def test_explanations_are_filled_in_both_languages() -> None:
    for finding in run(*_all_scenarios()):
        for text in (finding.explanation_en, finding.explanation_ar):
            assert text and "{" not in text and "}" not in text
        assert re.search(r"[\u0600-\u06FF]", finding.explanation_ar)
        assert finding.values, finding.code


def test_settings_can_disable_a_rule_and_override_a_severity() -> None:
    claims = _all_scenarios()
    settings = CheckerSettings(
        disabled_rules=["C003", "plan_change"], severity_overrides={"C006": "high"}
    )
    findings = run(*claims, settings=settings)
    assert "C003" not in codes(findings) and "C008" not in codes(findings)
    assert next(f for f in findings if f.code == "C006").severity == "high"


# --- registry ------------------------------------------------------------------------------


def test_builtin_registry_has_the_documented_codes() -> None:
    specs = default_registry().specs
    assert [s.code for s in specs] == [f"C{i:03d}" for i in range(1, 13)]
    assert all(re.match(r"^[a-z_]+\.v\d+$", s.name) for s in specs)


def test_field_paths_are_checked_against_the_claim_model() -> None:
    assert field_path_exists("time.earliest")
    assert field_path_exists("destinations.ancestors")
    assert not field_path_exists("time.earliest_day")
    assert not field_path_exists("place.key")


def _spec(**changes: Any) -> RuleSpec:
    base: dict[str, Any] = dict(
        name="odd_rule.v1",
        code="C101",
        kind="other",
        severity="low",
        summary="test rule",
        scopes=("pair",),
        reads=("event",),
        messages=MessageTemplates(en="{event} differs", ar="يختلف {event_ar}"),
    )
    base.update(changes)
    return RuleSpec(**base)


def _rule(spec: RuleSpec) -> BaseRule:
    class Rule(BaseRule):
        def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
            return None

    Rule.spec = spec
    return Rule()


def test_registry_reports_every_problem_at_once() -> None:
    registry = RuleRegistry()
    register_builtin_rules(registry)
    registry.register(_rule(_spec(name="unversioned", reads=("event", "place.key"))))
    registry.register(_rule(_spec(code="C001", name="other_rule.v1")))
    registry.register(
        _rule(
            _spec(
                code="C102",
                name="third_rule.v1",
                messages=MessageTemplates(en="{nonsense}", ar="no arabic here"),
            )
        )
    )
    with pytest.raises(RegistryError) as caught:
        registry.build()
    problems = " | ".join(caught.value.problems)
    assert "place.key" in problems
    assert "versioned" in problems
    assert "C001: code used by" in problems
    assert "nonsense" in problems
    assert "no Arabic" in problems


def test_an_outside_rule_registers_through_the_same_door() -> None:
    class OtherWords(BaseRule):
        """Flags two reports telling one event in other words (a toy outside rule)."""

        spec = _spec(
            name="other_words.v1",
            code="C900",
            reads=("quote",),
            messages=MessageTemplates(en="other words: {value_a}", ar="كلمات أخرى: {quote_a}"),
        )

        def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
            if a.quote == b.quote:
                return None
            from checker.rules.base import claim_value

            return Hit(
                (a.id, b.id),
                (claim_value(a, "quote", a.quote), claim_value(b, "quote", b.quote)),
                "soft",
            )

    registry = RuleRegistry()
    register_builtin_rules(registry)
    registry.register(OtherWords())
    registry.build()
    a = claim("A", "عبور القافلة", "convoy_departure", location=QAIM_CROSSING)
    b = claim("B", "مرور القافلة", "convoy_departure", location=QAIM_CROSSING)
    graph = link([a, b])
    assert codes(check(graph, [a, b], registry=registry)) == ["C900"]
    with pytest.raises(RegistryError):
        registry.register(OtherWords())  # built registries are closed


# --- declared reads are the real reads ------------------------------------------------------

IDENTITY_FIELDS = {"id", "article_id", "quote", "evidence", "sentence"}
_LEAVES = (Span,)


class _Recorder:
    """Wraps a model and records every dotted field path read through it."""

    def __init__(self, model: BaseModel, seen: set[str], prefix: str = "") -> None:
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_seen", seen)
        object.__setattr__(self, "_prefix", prefix)

    def __getattr__(self, name: str) -> Any:
        model = object.__getattribute__(self, "_model")
        seen = object.__getattribute__(self, "_seen")
        path = object.__getattribute__(self, "_prefix") + name
        seen.add(path)
        value = getattr(model, name)
        if isinstance(value, BaseModel) and not isinstance(value, _LEAVES):
            return _Recorder(value, seen, path + ".")
        if isinstance(value, list):
            return [
                _Recorder(v, seen, path + ".")
                if isinstance(v, BaseModel) and not isinstance(v, _LEAVES)
                else v
                for v in value
            ]
        return value


def _parents(path: str) -> set[str]:
    parts = path.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def test_rules_read_only_the_fields_they_declare() -> None:
    """A rule's declared ``reads`` must cover what it really reads (checked on every pair
    of the scenarios, in both orders)."""
    claims = _all_scenarios()
    ctx = RuleContext(settings=CheckerSettings(), labels=load_labels())
    for rule in default_registry():
        declared: set[str] = set(IDENTITY_FIELDS)
        for path in rule.spec.reads:
            declared |= _parents(path)
        seen: set[str] = set()
        for a in claims:
            if "claim" in rule.spec.scopes:
                rule.check_claim(_Recorder(a, seen), ctx)  # type: ignore[arg-type]
            if "pair" in rule.spec.scopes:
                for b in claims:
                    if a is not b:
                        rule.check_pair(_Recorder(a, seen), _Recorder(b, seen), ctx)  # type: ignore[arg-type]
        undeclared = {p for p in seen if p not in declared}
        assert not undeclared, f"{rule.spec.code} reads undeclared {sorted(undeclared)}"
        assert seen, rule.spec.code


def test_rules_only_see_pairs_inside_event_clusters() -> None:
    """50 unrelated events of 3 reports each, each report with its own value: at most the
    3 pairs of each event reach the rules (150), never one across events, and not the
    11,175 pairs of all 150 claims."""
    seen: list[tuple[str, str]] = []

    class Counter(BaseRule):
        spec = _spec(name="pair_counter.v1", code="C901", reads=("event", "time.value"))

        def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
            seen.append((a.id, b.id))
            return None

    registry = RuleRegistry()
    registry.register(Counter())
    registry.build()
    claims = [
        claim(
            f"art_{e}_{r}",
            f"إغلاق الموقع {e}",
            "base_closure",
            location=place(f"site_{e}", "region_x", "country_x"),
            phase="completed",
            time=day(f"2025-0{r + 1}-01"),
        )
        for e in range(50)
        for r in range(3)
    ]
    graph = link(claims)
    check(graph, claims, registry=registry)
    assert len(graph.events) == 50
    event_of = graph.event_of
    assert all(event_of[a] == event_of[b] for a, b in seen)
    # each class meets the one side formed before it: 0 + 1 + 2 judge calls per event
    assert len(seen) == len(set(seen)) == 150


def test_claims_joined_only_through_an_undated_report_are_not_compared() -> None:
    """An undated toll links to two attacks on one checkpoint five months apart, so the
    three form one cluster; the two attacks themselves cannot be one event (a recurring
    event far apart), so their dates and tolls are never set against each other, while
    the undated report is still compared with each."""
    may = claim(
        "A",
        "هجوم على حاجز كركوك في 1 مايو",
        "attack",
        location=KIRKUK_CHECKPOINT,
        time=day("2025-05-01"),
        quantity=qty(10, unit="person"),
    )
    october = claim(
        "B",
        "هجوم على حاجز كركوك في 1 اكتوبر",
        "attack",
        location=KIRKUK_CHECKPOINT,
        time=day("2025-10-01"),
        quantity=qty(50, unit="person"),
    )
    undated = claim(
        "C",
        "هجوم على حاجز كركوك",
        "attack",
        location=KIRKUK_CHECKPOINT,
        quantity=qty(10, unit="person"),
        published=date(2025, 10, 1),  # a toll with no day at all is never compared
    )
    graph = link([may, october, undated])
    assert len(graph.events) == 1  # the undated report bridges the two
    findings = check(graph, [may, october, undated])
    assert not [f for f in findings if set(f.claim_ids) == {may.id, october.id}]
    # The undated toll against the October one is still a count conflict.
    assert [f.code for f in findings if set(f.claim_ids) == {undated.id, october.id}] == ["C003"]


def test_the_dead_are_not_counted_against_the_injured() -> None:
    """67 killed in one report and 127 injured in another are two numbers of one quake;
    67 killed against 40 killed, or against a toll of 40 "victims", is a conflict."""

    def toll(article: str, word: str, value: int) -> Claim:
        return claim(
            article,
            f"{value} {word}",
            "casualties",
            location=KIRKUK_CHECKPOINT,
            phase="completed",
            event_word=word,
            quantity=qty(value, unit="people"),
            published=date(2025, 3, 4),
        )

    killed, injured = toll("A", "killed", 67), toll("B", "injured", 127)
    assert codes(run(killed, injured)) == []
    assert codes(run(killed, toll("C", "killed", 40))) == ["C003"]
    assert codes(run(killed, toll("D", "casualties", 40))) == ["C003"]


# --- C003 on amounts of different things in one unit ---------------------------------------
# Stories of our own: a Moroccan vote, a Turkish earthquake.

MOROCCO = place("morocco", label="Morocco", surface="المغرب")


def vote(article: str, value: float, unit: str, **what: Any) -> Claim:
    """An election claim whose amount says what it is of or who holds it."""
    return claim(
        article,
        f"الانتخابات التشريعية {value:g} {unit} {article}",
        "other",
        event_word="election",
        phase="completed",
        location=what.pop("location", MOROCCO),
        time=day("2021-09-08"),
        quantity=qty(value, unit=unit).model_copy(update=what),
        published=date(2021, 9, 10),
    )


def test_a_lists_seats_never_meet_the_parliaments_total() -> None:
    """ "حصل حزب X على 102 مقعد من أصل 395": X's seats and the total are two facts; two
    reports of X's seats that differ disagree; a count of seats that says neither whose
    they are nor that it is the whole is not compared at all."""
    rni = vote("A", 102, "seats", holder="التجمع الوطني للاحرار")
    total = vote("B", 395, "seats", of="total")
    assert run(rni, total) == []
    other_party = vote("C", 87, "seats", holder="الاصاله والمعاصره")
    assert run(rni, other_party) == []
    bare = vote("D", 81, "seats")
    assert run(rni, bare) == [] and run(total, bare) == []
    rni_again = vote("E", 97, "seats", holder="التجمع الوطني للاحرار")
    findings = run(rni, rni_again)
    assert codes(findings) == ["C003"] and findings[0].certainty == "hard"


def test_a_list_named_only_by_its_leader_is_the_list_others_name_with_him() -> None:
    """ "وجاءت قائمة بزعامة عزيز أخنوش ثانيا بـ97 مقعدا": a report that names the list only
    by its leader meets the reports that name the list and its leader; the finding is
    soft, since one side's list is inferred. A leader-only count is compared with another
    leader-only count of that leader, and never with another leader's."""
    named = vote("A", 102, "seats", holder="التجمع الوطني للاحرار", leader="اخنوش")
    by_leader = vote("B", 97, "seats", leader="اخنوش")
    findings = run(named, by_leader)
    assert codes(findings) == ["C003"] and findings[0].certainty == "soft"
    assert run(named, vote("C", 97, "seats", leader="بركه")) == []
    assert codes(run(by_leader, vote("D", 90, "seats", leader="اخنوش"))) == ["C003"]


def test_a_leader_of_two_lists_names_neither() -> None:
    """When the event's reports give one leader two lists, a count named only by that
    leader is not taken for either of them."""
    first = vote("A", 102, "seats", holder="التجمع الوطني للاحرار", leader="اخنوش")
    second = vote("B", 12, "seats", holder="الاحرار الجدد", leader="اخنوش")
    by_leader = vote("C", 97, "seats", leader="اخنوش")
    assert [f for f in run(first, second, by_leader) if f.rule.startswith("count")] == []


def test_passengers_and_crew_are_compared_with_those_on_board_as_their_sum() -> None:
    """ "312 راكبا و18 من أفراد الطاقم" are 330 people on board: a report of 330 on board
    agrees, one of 312 on board disagrees with the sum (not with the passengers)."""
    from claims.model import Article
    from claims.pipeline import extract_claims

    def report(name: str, on_board: str) -> list[Claim]:
        text = f"غرقت العبارة قرب الموصل يوم الخميس وعلى متنها {on_board}."
        return extract_claims(Article.from_text(name, text, published=date(2025, 6, 13)))

    parts = report("a", "312 راكبا و18 من أفراد الطاقم")
    same = report("b", "330 شخصا")
    fewer = report("c", "312 شخصا")
    assert [f for f in run(*parts, *same) if f.code == "C003"] == []
    findings = [f for f in run(*parts, *fewer) if f.code == "C003"]
    assert len(findings) == 1
    assert sorted(v.value for v in findings[0].values) == ["312 people", "330 people"]


def test_a_total_is_compared_only_at_a_stated_place() -> None:
    """A province's 71 seats and the country's 329 are both "out of" totals: without a
    place on the claims, which whole each is cannot be told."""
    a = vote("A", 71, "seats", of="total", location=None)
    b = vote("B", 329, "seats", of="total", location=None)
    assert run(a, b) == []


def test_turnout_never_meets_a_vote_share_nor_the_registered_the_voters() -> None:
    turnout = vote("A", 50.35, "percent", of="turnout")
    share = vote("B", 27.6, "percent", holder="التجمع الوطني للاحرار")
    assert run(turnout, share) == []
    registered = vote("C", 17_983_490, "voters", of="registered")
    cast = vote("D", 8_789_676, "voters", of="cast")
    assert run(registered, cast) == []
    other_turnout = vote("E", 42.3, "percent", of="turnout")
    assert codes(run(turnout, other_turnout)) == ["C003"]


def quake(article: str, value: float, unit: str, source: str | None = None, **what: Any) -> Claim:
    made = claim(
        article,
        f"زلزال كهرمان مرعش {value:g} {unit} {article}",
        "other",
        event_word="earthquake",
        phase="completed",
        location=KAHRAMANMARAS,
        time=day("2023-02-06"),
        quantity=qty(value, unit=unit).model_copy(update=what),
    )
    if source is None:
        return made
    return made.model_copy(update={"attribution": Attribution(source=source, cue="بحسب")})


def test_magnitudes_nobody_is_named_for_disagree_only_softly() -> None:
    """7.8 and 7.5 with no agency named may be two agencies' figures: soft; the same
    agency with two figures is hard; two agencies are two facts."""
    findings = run(quake("A", 7.8, "magnitude"), quake("B", 7.5, "magnitude"))
    assert codes(findings) == ["C003"] and findings[0].certainty == "soft"
    assert "agenc" in findings[0].certainty_reason
    usgs = quake("C", 7.8, "magnitude", "هيئة المسح الجيولوجي الامريكيه")
    afad = quake("D", 7.7, "magnitude", "افاد")
    assert run(usgs, afad) == []
    also_usgs = quake("E", 7.5, "magnitude", "هيئة المسح الجيولوجي الامريكيه")
    findings = run(usgs, also_usgs)
    assert codes(findings) == ["C003"] and findings[0].certainty == "hard"


def test_depth_distance_and_their_reference_places_are_different_facts() -> None:
    depth = quake("A", 17.9, "km", of="depth")
    distance = quake("B", 37, "km", of="distance", reference="غازي عنتاب", bearing="E")
    assert run(depth, distance) == []
    from_another_town = quake("C", 60, "km", of="distance", reference="كهرمان مرعش")
    assert run(distance, from_another_town) == []
    same_town = quake("D", 90, "km", of="distance", reference="غازي عنتاب", bearing="E")
    assert codes(run(distance, same_town)) == ["C003"]
    # a depth is measured by each agency: unnamed, it is soft
    other_depth = quake("E", 10, "km", of="depth")
    findings = run(depth, other_depth)
    assert codes(findings) == ["C003"] and findings[0].certainty == "soft"


def test_a_part_of_the_vote_is_not_the_whole_vote() -> None:
    """The special vote's turnout (security forces) against the overall turnout, a runoff's
    against the first round's: different facts. Two reports of the special vote's turnout
    that differ disagree."""
    overall = vote("A", 50.35, "percent", of="turnout")
    special = vote("B", 82.5, "percent", of="turnout", scope="special")
    assert run(overall, special) == []
    runoff = vote("C", 30.1, "percent", of="turnout", scope="second_round")
    assert run(overall, runoff) == []
    special_again = vote("D", 86.2, "percent", of="turnout", scope="special")
    assert codes(run(special, special_again)) == ["C003"]


# --- C011 bearing conflict -----------------------------------------------------------------


def situated(
    entity: Entity, direction: str, reference: str | None, label: str | None, words: str
) -> Entity:
    """``entity`` with the bearing the text says of it ("في شمال تشاد")."""
    bearing = Bearing(
        direction=direction,  # type: ignore[arg-type]
        reference=reference,
        reference_label=label,
        span=Span(start=0, end=len(words), text=words),
    )
    return entity.model_copy(update={"bearing": bearing})


KASSALA = place("kassala", "sudan", label="Kassala", surface="كسلا")
SUDAN = place("sudan", label="Sudan", surface="السودان")
MALATYA = place("malatya", "turkey", label="Malatya", surface="ملاطية")
TURKEY = place("turkey", label="Turkey", surface="تركيا")


def flood(article: str, where: Entity, **kw: Any) -> Claim:
    kw.setdefault("phase", "completed")
    kw.setdefault("event_word", "flood")
    quote = f"اجتاحت الفيضانات {where.surface} {article}"
    return claim(article, quote, "other", location=where, **kw)


def lies(article: str, where: Entity) -> Claim:
    """A claim of where a place lies ("كسلا، التي تقع في شرق السودان")."""
    quote = f"{where.surface} {article}"
    return claim(article, quote, "other", event_word=PLACE_FACT_WORD, location=where)


def test_a_named_place_is_situated_through_its_place_facts_only() -> None:
    """Two floods at one province, each report situating it differently: the finding comes
    from the claims of where the province lies, once, not from the floods too."""
    east = flood("A", situated(KASSALA, "E", "sudan", "Sudan", "شرقي السودان"))
    west = flood("B", situated(KASSALA, "W", "sudan", "Sudan", "غرب البلاد"))
    assert "C011" not in codes(run(east, west))
    assert east.location is not None and west.location is not None
    facts = [lies("A", east.location), lies("B", west.location)]
    assert codes([f for f in run(east, west, *facts) if f.code == "C011"]) == ["C011"]


def test_bearing_conflict_fires_on_opposite_sides_of_one_country() -> None:
    """A province put in the east of its country by one report, the west by another."""
    east = lies("A", situated(KASSALA, "E", "sudan", "Sudan", "شرقي السودان"))
    west = lies("B", situated(KASSALA, "W", "sudan", "Sudan", "غرب البلاد"))
    findings = run(east, west)
    assert codes(findings) == ["C011"]
    finding = findings[0]
    assert finding.kind == "location" and finding.certainty == "hard"
    assert sorted(v.value for v in finding.values) == ["east of Sudan", "west of Sudan"]
    assert finding.fact == "bearing|place:kassala|of:sudan"


def test_bearing_conflict_right_angle_and_centre_are_soft() -> None:
    """North against east, or the middle against a side: a place near the corner may be
    called either, so the finding is soft."""
    north = flood("A", situated(SUDAN, "N", "sudan", "Sudan", "شمال السودان"))
    east = flood("B", situated(SUDAN, "E", "sudan", "Sudan", "شرق السودان"))
    centre = flood("C", situated(SUDAN, "centre", "sudan", "Sudan", "وسط السودان"))
    for a, b in ((north, east), (north, centre)):
        findings = run(a, b)
        assert codes(findings) == ["C011"]
        assert findings[0].certainty == "soft"


def test_bearing_conflict_quake_epicentre_from_one_city() -> None:
    """An epicentre 40 km south-west of a city against one east of it (135° apart)."""
    quake = {"phase": "completed", "event_word": "earthquake"}
    sw = flood("A", situated(MALATYA, "SW", "malatya", "Malatya", "جنوب غرب ملاطية"), **quake)
    e = flood("B", situated(MALATYA, "E", "malatya", "Malatya", "شرق ملاطية"), **quake)
    findings = run(sw, e)
    assert codes(findings) == ["C011"]
    assert findings[0].fact == "bearing|place:*|of:malatya"


def test_bearing_conflict_distances_from_one_place() -> None:
    """ "على بعد 40 كيلومترا جنوب غرب ملاطية" against "على بعد 35 كيلومترا شرق ملاطية": the
    distance's direction from one place is compared among the reports of the event, even
    when the claims' own place is not situated; a neighbouring direction, or a distance
    from another place, is no finding."""

    def epicentre(article: str, km: float, bearing: str, reference: str = "ملاطيه") -> Claim:
        distance = qty(km, unit="km", text=f"{km:g} كيلومترا").model_copy(
            update={"of": "distance", "bearing": bearing, "reference": reference}
        )
        return flood(article, TURKEY, event_word="earthquake", quantity=distance)

    south_west, east = epicentre("A", 40, "SW"), epicentre("B", 35, "E")
    findings = [f for f in run(south_west, east) if f.code == "C011"]
    assert len(findings) == 1 and findings[0].certainty == "hard"
    assert sorted(v.value for v in findings[0].values) == ["east of ملاطيه", "south-west of ملاطيه"]
    assert [f for f in run(south_west, epicentre("C", 38, "W")) if f.code == "C011"] == []
    other_city = epicentre("D", 60, "E", reference="غازي عنتاب")
    assert [f for f in run(south_west, other_city) if f.code == "C011"] == []


def test_bearing_conflict_neighbouring_points_agree() -> None:
    north = lies("A", situated(KASSALA, "N", "sudan", "Sudan", "شمال السودان"))
    north_east = lies("B", situated(KASSALA, "NE", "sudan", "Sudan", "شمال شرق السودان"))
    south = lies("C", situated(KASSALA, "S", "sudan", "Sudan", "جنوب السودان"))
    assert run(north, north_east) == []
    assert codes(run(north, south)) == ["C011"]


def test_bearing_conflict_needs_one_reference() -> None:
    """East of a city and west of the country say different things: no finding; and an
    unresolved "the country" is never compared."""
    of_country = lies("A", situated(KASSALA, "E", "sudan", "Sudan", "شرق السودان"))
    of_city = lies("B", situated(KASSALA, "W", "khartoum", "Khartoum", "غرب الخرطوم"))
    unresolved = lies("C", situated(KASSALA, "W", None, None, "غرب البلاد"))
    same_reference = lies("D", situated(KASSALA, "W", "sudan", "Sudan", "غرب السودان"))
    assert run(of_country, of_city) == []
    assert run(of_country, unresolved) == []
    assert codes(run(of_country, same_reference)) == ["C011"]


def test_bearing_conflict_needs_the_same_place() -> None:
    """A town in the north of a country and the event's unnamed place in its south are
    different places: no finding."""
    town = lies("A", situated(KASSALA, "N", "sudan", "Sudan", "شمال السودان"))
    country = flood("B", situated(SUDAN, "S", "sudan", "Sudan", "جنوب السودان"))
    town_south = lies("C", situated(KASSALA, "S", "sudan", "Sudan", "جنوب السودان"))
    assert "C011" not in codes(run(town, country))
    assert codes(run(town, town_south)) == ["C011"]


def test_bearing_conflict_from_the_words_of_two_reports() -> None:
    """From extraction to finding: one province at two sides of its country is one
    finding quoting both directions; neighbouring sides are none."""
    from claims.model import Article
    from claims.pipeline import extract_claims

    def reports(*texts: str) -> list[Claim]:
        return [
            c
            for i, text in enumerate(texts)
            for c in extract_claims(Article.from_text(f"r{i}", text, published=date(2025, 3, 4)))
        ]

    east = "اجتاحت السيول ولاية كسلا شرقي السودان يوم الاثنين 3 مارس 2025."
    west = "اجتاحت السيول ولاية كسلا الواقعة في غرب البلاد يوم الاثنين 3 مارس 2025."
    north_east = "اجتاحت السيول ولاية كسلا في شمال شرق السودان يوم الاثنين 3 مارس 2025."
    findings = [f for f in run(*reports(east, west)) if f.code == "C011"]
    assert len(findings) == 1
    assert sorted(v.quote for v in findings[0].values) == ["شرقي السودان", "غرب البلاد"]
    assert [f for f in run(*reports(east, north_east)) if f.code == "C011"] == []


# --- C012 trip destination conflict --------------------------------------------------------

DOHA = place("doha", "qatar", label="Doha", surface="الدوحة")
LONDON = place("london", "uk", label="London", surface="لندن")
MANCHESTER = place("manchester", "uk", label="Manchester", surface="مانشستر")
UK = place("uk", label="United Kingdom", surface="بريطانيا")
GATWICK = place(None, surface="مطار غاتويك")  # a name the gazetteer does not know


def flight(article: str, *to: Any, **kw: Any) -> Claim:
    """A plane that crashed near Doha (a story of our own), bound somewhere."""
    kw.setdefault("event_word", "crash")
    return claim(
        article, f"تحطمت الطائرة قرب الدوحة ({article})", "other", phase="completed",
        location=DOHA, destinations=list(to), time=day("2024-11-03"), **kw,
    )


def test_two_destinations_of_one_flight_conflict() -> None:
    findings = run(flight("A", MANCHESTER), flight("B", LONDON))
    assert codes(findings) == ["C012"] and findings[0].certainty == "hard"
    assert "Manchester" in findings[0].explanation_en and "London" in findings[0].explanation_en


def test_a_destination_inside_the_other_or_unknown_agrees() -> None:
    assert run(flight("A", GATWICK, LONDON), flight("B", UK)) == []
    assert run(flight("A", GATWICK), flight("B", LONDON)) == []  # Gatwick is no known place
    # another day, another trip; a movement of forces may go to several places (C006)
    other_day = flight("B", LONDON).model_copy(update={"time": day("2024-11-20")})
    assert run(flight("A", MANCHESTER), other_day) == []
    moves = [
        claim(n, f"نقل الجنود من الدوحة ({n})", "relocation", phase="completed",
              location=DOHA, destinations=[to])
        for n, to in (("C", MANCHESTER), ("D", LONDON))
    ]
    assert "C012" not in codes(run(*moves))
