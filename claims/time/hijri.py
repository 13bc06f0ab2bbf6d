"""The tabular (civil) Islamic calendar: where a Hijri month starts and how long it is,
in ordinals of the Gregorian calendar (``date.toordinal()``). Sighted months may begin a
day or two apart from these (``TimeSettings.hijri_slack_days``)."""

from __future__ import annotations

from datetime import date

_HIJRI_EPOCH = date(622, 7, 19).toordinal()  # 1 Muharram 1 AH, tabular (civil) calendar


def _hijri_month_start(year: int, month: int) -> int:
    """Ordinal of the first day of a Hijri month in the tabular Islamic calendar."""
    return (
        1
        + (59 * (month - 1) + 1) // 2
        + (year - 1) * 354
        + (3 + 11 * year) // 30
        + _HIJRI_EPOCH
        - 1
    )


def _hijri_month_length(year: int, month: int) -> int:
    if month == 12:
        return 30 if (14 + 11 * year) % 30 < 11 else 29
    return 30 if month % 2 == 1 else 29


def _hijri_year_of(day: date) -> int:
    return int((day.toordinal() - _HIJRI_EPOCH) / 354.36667) + 1


def _nearest_hijri_year(month: int, anchor: date, direction: int | None) -> int:
    hy = _hijri_year_of(anchor)
    options = [hy - 1, hy, hy + 1]
    starts = {y: _hijri_month_start(y, month) for y in options}
    a = anchor.toordinal()
    if direction == 1:
        return min((y for y in options if starts[y] > a), key=lambda y: starts[y], default=hy + 1)
    if direction == -1:
        return max(
            (y for y in options if starts[y] + 29 < a), key=lambda y: starts[y], default=hy - 1
        )
    return min(options, key=lambda y: (abs(starts[y] + 14 - a), -y))
