"""One table of weekday names per language: the time lexicon's. The time grammar reads it,
the document context compares its numbers with the calendar's, and whatever renders a
weekday must name it as the table does (until the renderers read the table themselves,
these tests keep their own lists from drifting away from it)."""

from __future__ import annotations

import datetime as dt

from claims.lexicon.schemas import en_time_lexicon, time_lexicon, weekday_names
from claims.normalize import normalize
from claims.time import find_times


def test_the_table_runs_from_monday_as_the_calendar_does() -> None:
    monday = dt.date(2025, 1, 6)
    assert monday.weekday() == 0
    assert weekday_names("en")[0] == "Monday" and len(weekday_names("ar")) == 7
    for number, name in enumerate(weekday_names("ar")):
        (value,) = find_times(f"يوم {name}", monday + dt.timedelta(days=6))
        assert value.weekday == number


def test_each_name_is_its_entry_first_name() -> None:
    for lexicon, language in ((time_lexicon(), "ar"), (en_time_lexicon(), "en")):
        entries = sorted(lexicon.weekdays, key=lambda w: w.number)
        assert weekday_names(language) == tuple(e.names[0] for e in entries)


def test_the_report_and_the_evaluation_name_weekdays_as_the_table_does() -> None:
    from checker.evaluate import WEEKDAYS as EVALUATION
    from checker.report import WEEKDAYS as REPORT
    from checker.settings import load_labels

    assert tuple(REPORT) == tuple(EVALUATION) == weekday_names("en")
    shown = [normalize(name) for name in load_labels().weekdays_ar]
    assert tuple(shown) == weekday_names("ar")
