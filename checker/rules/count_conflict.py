"""C003 count conflict: two reports give one event (same type, place and unit) amounts
whose intervals do not overlap.

"More than 50 vehicles" is (50, ∞) and conflicts with "30 vehicles" but not with "about
60"; "hundreds" is a wide range that "about 300" falls in. Different units, different
places, times that do not overlap, a plan against an outcome (C008) and unresolved or
bare-number amounts are not compared, nor are counts of different things (the dead
against the injured).

Look-alikes left alone:
- counts that grow as reports come in (death tolls) are compared only between reports of
  the same day (the day the report gives for its figure, else its publication day); a
  figure whose day is unknown is not compared (it may be any bulletin's); a later lower
  figure from the same named source is a correction. Such counts are at most a soft
  conflict;
- a measurement (a unit the lexicon marks as a measure: magnitude, km, percent) attributed
  to a named source is right about that source: agency A's 6.8 and agency B's 7.0 are
  compatible values of the one magnitude (one finding shows every value with who gave
  it); two values from the same source conflict. Of a
  measure each agency gives its own (a magnitude, a depth: `per_source` in the units
  lexicon), two values with no named source are at most a soft disagreement: each report
  may quote another agency;
- amounts of different things in one unit are different facts: what an amount is of
  (`Quantity.of`: a depth against a distance, turnout against a vote share, the registered
  against those who voted, a total "out of 329" against a part), who holds it
  (`Quantity.holder`: one list's seats against another's or the parliament's), the part
  of the whole it is about (`Quantity.scope`: the special vote's turnout against the
  overall one) and the place a distance is measured from. An amount in a unit that is
  shared out (`qualified`: seats, votes, voters, percent) that says neither what it is of
  nor who holds it is not compared at all, and a total is compared only at a stated place.
"""

from __future__ import annotations

from functools import lru_cache

from checker.rules import semantics as sem
from checker.rules.base import (
    SOFT_HEDGED,
    SOFT_PLAN,
    SOFT_UNSOURCED,
    SOFT_VAGUE,
    BaseRule,
    Hit,
    MessageTemplates,
    RuleContext,
    RuleSpec,
    certainty,
    comparable,
    place_ref,
    quantity_value,
    reason_of,
    same_event_scope,
)
from checker.rules.registry import RuleRegistry
from claims.lexicon.schemas import UnitsLexicon, en_units_lexicon, units_lexicon
from claims.model import Claim, Quantity
from claims.normalize import normalize

TOTAL = "total"  # Quantity.of of a whole ("out of 329 seats")


def _lexicons() -> tuple[UnitsLexicon, ...]:
    return (units_lexicon(), en_units_lexicon())


@lru_cache(maxsize=1)
def _measures() -> frozenset[str]:
    return frozenset(u.unit for lex in _lexicons() for u in lex.units if u.measure)


@lru_cache(maxsize=1)
def _qualified() -> frozenset[str]:
    return frozenset(u.unit for lex in _lexicons() for u in lex.units if u.qualified)


@lru_cache(maxsize=1)
def _per_source() -> tuple[frozenset[str], frozenset[str]]:
    """The units and the aspects (``Quantity.of``) that each agency measures its own way."""
    units = frozenset(u.unit for lex in _lexicons() for u in lex.units if u.per_source)
    aspects = frozenset(a.of for lex in _lexicons() for a in lex.aspects if a.per_source)
    return units, aspects


def _per_source_measure(q: Quantity) -> bool:
    units, aspects = _per_source()
    return q.unit in units or q.of in aspects


def _what(q: Quantity) -> tuple[str | None, str | None, str | None, str | None]:
    """What an amount counts beyond its unit: what it is of, its holder, the part of the
    whole it is about, the place a distance is measured from."""
    holder = q.holder or (f"~{q.leader}" if q.leader else None)  # a list named by its leader
    return q.of, holder, q.scope, q.reference


def _source(claim: Claim) -> str:
    """The named source of a claim's figure, normalised ("" when none is named)."""
    source = claim.attribution.source if claim.attribution else None
    return " ".join(normalize(source).split()) if source else ""


def _as_of(claim: Claim, ctx: RuleContext) -> sem.DayRange | None:
    """The days a growing count is given for: its stated days, else its report's day."""
    days = sem.as_of_days(claim.time, ctx.settings)
    if days is not None:
        return days
    if claim.published is not None:
        return sem.DayRange(claim.published, claim.published)
    return None


SPEC = RuleSpec(
    name="count_conflict.v3",
    code="C003",
    kind="count",
    severity="medium",
    summary="One event, one place, one unit: two reports give amounts that cannot both hold.",
    scopes=("pair",),
    reads=(
        "event",
        "event_word",
        "phase",
        "modality",
        "location.key",
        "location.ancestors",
        "location.complement",
        "location.surface",
        "actors.key",
        "actors.surface",
        "actors.ancestors",
        "quantity.resolved",
        "quantity.value",
        "quantity.low",
        "quantity.high",
        "quantity.low_inclusive",
        "quantity.high_inclusive",
        "quantity.unit",
        "quantity.approximate",
        "quantity.precision",
        "quantity.vague",
        "quantity.span",
        "quantity.of",
        "quantity.holder",
        "quantity.leader",
        "quantity.scope",
        "quantity.reference",
        "attribution.source",
        "time.resolved",
        "time.earliest",
        "time.latest",
        "time.value",
        "time.modifier",
        "time.relation",
        "time.time_of_day",
    ),
    messages=MessageTemplates(
        en="The reports give different amounts for the {event} at {place}: "
        "{value_a} versus {value_b}; the ranges do not overlap.",
        ar="تختلف التقارير في الأعداد المذكورة عن {event_ar} في {place_ar}: "
        "«{quote_a}» مقابل «{quote_b}»، ولا يتداخل النطاقان.",
    ),
)


class CountConflict(BaseRule):
    spec = SPEC
    compares = ("quantity",)

    def fact(self, claim: Claim, ctx: RuleContext) -> str | None:
        """The amount of one thing at one place: the unit, the count word when it names
        one of several counts of an event (the dead, the injured), what the amount is of,
        its holder, its part of the whole and its reference place. A measure's source is no
        part of it: what each agency gave is a value of the one magnitude, and two named
        agencies' values are compatible (see ``check_pair``), so one finding lists them all."""
        q = claim.quantity
        if q is None or q.unit is None:
            return None
        if q.unit in _qualified() and q.of is None and q.holder is None and q.leader is None:
            return None  # a list's seats or the parliament's: refused, not guessed
        if q.of == TOTAL and place_ref(claim) == "-":
            return None  # the whole of which place?
        word = claim.event_word if claim.event_word in ctx.settings.distinct_count_words else ""
        fact = f"{claim.event}|{q.unit}|{word}|at:{place_ref(claim)}"
        for key, value in zip(("of", "held", "in", "from"), _what(q), strict=True):
            if value:
                fact += f"|{key}:{value}"
        return fact

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        settings = ctx.settings
        if a.quantity is None or b.quantity is None:
            return None
        if not (comparable(a, ctx) and comparable(b, ctx) and same_event_scope(a, b)):
            return None
        if a.phase is not None and b.phase is not None and a.phase != b.phase:
            return None
        if sem.plan_vs_outcome(a, b, settings):
            return None
        if a.quantity.unit is None or a.quantity.unit != b.quantity.unit:
            return None
        if _what(a.quantity) != _what(b.quantity):
            return None  # a depth and a distance, one list's seats and another's
        source_a, source_b = _source(a), _source(b)
        if a.quantity.unit in _measures() and source_a and source_b and source_a != source_b:
            return None  # agency A's 6.8 and agency B's 7.0: each right about its agency
        words = settings.distinct_count_words
        if a.event_word in words and b.event_word in words and a.event_word != b.event_word:
            return None  # the dead against the injured: two different numbers
        interval_a = sem.quantity_interval(a.quantity, settings)
        interval_b = sem.quantity_interval(b.quantity, settings)
        if interval_a is None or interval_b is None or not interval_a.disjoint(interval_b):
            return None
        # Amounts at different known times may both be right (a garrison shrinks).
        days_a = sem.allowed_days(a.time, settings)
        days_b = sem.allowed_days(b.time, settings)
        if days_a is not None and days_b is not None and not days_a.intersects(days_b):
            return None
        growing = a.event in settings.evolving_count_events
        if growing and self._growth(a, b, ctx):
            return None
        # A magnitude nobody is named for may be any agency's.
        unsourced = _per_source_measure(a.quantity) and not (_source(a) and _source(b))
        hard = (
            all(sem.is_factual(c, settings) and not sem.is_plan(c, settings) for c in (a, b))
            and sem.quantity_is_precise(a.quantity)
            and sem.quantity_is_precise(b.quantity)
            and not growing
            and not unsourced
        )
        growing_reason = (
            "Soft: a toll can grow as reports come in; these are reports of the same day.",
            "غير قاطع: قد ترتفع الحصيلة مع توالي التقارير؛ التقريران عن اليوم نفسه.",
        )
        return Hit(
            claim_ids=(a.id, b.id),
            values=(quantity_value(a, ctx), quantity_value(b, ctx)),
            certainty=certainty(hard),
            **reason_of(
                hard,
                (growing, growing_reason),
                (unsourced, SOFT_UNSOURCED),
                (sem.is_plan(a, settings) or sem.is_plan(b, settings), SOFT_PLAN),
                (
                    not (
                        sem.quantity_is_precise(a.quantity) and sem.quantity_is_precise(b.quantity)
                    ),
                    SOFT_VAGUE,
                ),
                (True, SOFT_HEDGED),
            ),
        )

    @staticmethod
    def _growth(a: Claim, b: Claim, ctx: RuleContext) -> bool:
        """Two figures of a growing count that may both be right: given for different
        days or different hours of one day, or for a day one of them does not tell
        (refused: two bulletins of unknown days cannot be said to disagree), or one "as
        of" an hour ("حصيلة حتى الثانية صباحا") and the other at an unknown hour of that
        day, or a later lower figure from the same source (a correction)."""
        as_of_a, as_of_b = _as_of(a, ctx), _as_of(b, ctx)
        if as_of_a is None or as_of_b is None or not as_of_a.intersects(as_of_b):
            return True
        if sem.different_hours(a.time, b.time, ctx.settings):
            return True
        if sem.as_of_hour(a.time) != sem.as_of_hour(b.time):
            return True  # one is a bulletin as of an hour, the other of any hour that day
        source = _source(a)
        if source and source == _source(b) and a.published and b.published:
            return a.published != b.published  # the later figure replaces the earlier
        return False


def register(registry: RuleRegistry) -> None:
    registry.register(CountConflict())
