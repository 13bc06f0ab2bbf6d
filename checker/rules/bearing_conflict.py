"""C011 bearing conflict: reports of one event put the same place on sides of the same
reference place that cannot both be right ("في شمال تشاد" against "شرقي البلاد", said of
one town; "72 km east of Marrakesh" against "77 km south-west of Marrakesh", said of one
epicentre).

A bearing is said of a place (the town) from a reference (the country, a city); when the
place *is* the reference ("in northern Niger") it is the event's own place in that part
of it, compared among the reports of the event. Where a named place lies is a fact of
the story, whatever event its sentence tells: it is compared through the claims of where
a place lies (event "other", word `location`, one per place the text situates), which
link by the place across reports. Two bearings are compared only when they situate the
same place from the same reference. Neighbouring points of the compass agree (north and
north-east: a place can be called either); points a right angle or more apart disagree,
and the middle of a place disagrees with any of its sides. A right angle (north against
east) or the middle against a side is soft: a place near the corner between them, or
between the middle and a side, may fairly be called either; wider gaps are hard when
both reports state them as fact. An unresolved reference ("the north of the country"
when the country is not known) or two different references never fire.
"""

from __future__ import annotations

from checker.rules import semantics as sem
from checker.rules.base import (
    SOFT_HEDGED,
    SOFT_PLAN,
    BaseRule,
    Hit,
    MessageTemplates,
    RuleContext,
    RuleSpec,
    certainty,
    comparable,
    reason_of,
)
from checker.rules.registry import RuleRegistry
from claims.model import PLACE_FACT_WORD, Claim, ComparedValue
from claims.quantity import DISTANCE

SPEC = RuleSpec(
    name="bearing_conflict.v1",
    code="C011",
    kind="location",
    severity="medium",
    summary="One place, one reference: two reports put it on sides a right angle or more apart.",
    scopes=("pair",),
    reads=(
        "modality",
        "phase",
        "location.key",
        "location.complement",
        "location.bearing",
        "quantity.of",
        "quantity.unit",
        "quantity.bearing",
        "quantity.reference",
        "event",
        "event_word",
    ),
    messages=MessageTemplates(
        en="The reports put {subject} on different sides of {reference}: {value_a} "
        "versus {value_b} ({gap}).",
        ar="تختلف التقارير في موقع {place_ar}: «{quote_a}» مقابل «{quote_b}»، "
        "والجهتان لا تتفقان.",
    ),
    params=("subject", "reference", "gap"),
)

# The widest gap between two points that both describe one place (neighbours).
_AGREE = 45
# A right angle, or the middle against a side: far apart, yet a place near the corner
# between them may fairly be called either.
_NEAR_CORNER = 90

SOFT_CORNER = (
    "Soft: the two sides are a right angle apart (or the middle against a side); a place "
    "near the corner between them may be called either.",
    "غير قاطع: الجهتان متعامدتان (أو الوسط مقابل طرف)، وقد يوصف مكان قريب من الزاوية "
    "بينهما بأي منهما.",
)


def _value(claim: Claim, ctx: RuleContext) -> ComparedValue:
    location = claim.location
    if location is not None and location.bearing is not None:
        span = location.bearing.span
        value = sem.describe_bearing(location, ctx.labels)
        field = "location.bearing"
    else:
        q = claim.quantity
        assert q is not None and q.bearing is not None
        span = q.span
        value = sem.describe_direction(q.bearing, q.reference, ctx.labels)
        field = "quantity.bearing"
    return ComparedValue(
        claim_id=claim.id,
        field=field,
        value=value,
        quote=span.text if span is not None and span.text else claim.quote,
        span=span if span is not None else claim.evidence,
    )


class BearingConflict(BaseRule):
    spec = SPEC
    compares = ("location",)

    def fact(self, claim: Claim, ctx: RuleContext) -> str | None:
        """Where one place lies from one reference place; or, for a distance measured from
        a place with its direction ("72 كم شرقي مراكش"), where the event lies from it."""
        situated = _situated(claim)
        if situated is None:
            return None
        subject, _, reference, _ = situated
        if subject.startswith("distance|"):
            return f"bearing|{subject}|{claim.event}|{claim.event_word or ''}|from:{reference}"
        if subject != "*" and claim.event_word != PLACE_FACT_WORD:
            return None  # a named place is compared once, through its place facts
        return f"bearing|place:{subject}|of:{reference}"

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        if not (comparable(a, ctx) and comparable(b, ctx)):
            return None
        situated_a, situated_b = _situated(a), _situated(b)
        if situated_a is None or situated_b is None:
            return None
        subject, direction_a, reference, reference_label = situated_a
        if (subject, reference) != (situated_b[0], situated_b[2]):
            return None
        gap = sem.compass_gap(direction_a, situated_b[1])
        if gap is not None and gap <= _AGREE:
            return None
        settings = ctx.settings
        plan = sem.is_plan(a, settings) or sem.is_plan(b, settings)
        factual = sem.is_factual(a, settings) and sem.is_factual(b, settings)
        corner = gap is None or gap <= _NEAR_CORNER
        hard = factual and not plan and not corner
        if subject == "*" or subject.startswith("distance|"):
            named = "the event's place"
        else:
            assert a.location is not None
            named = a.location.label or a.location.key or a.location.surface
        return Hit(
            claim_ids=(a.id, b.id),
            values=(_value(a, ctx), _value(b, ctx)),
            certainty=certainty(hard),
            params={
                "subject": named,
                "reference": reference_label,
                "gap": "the middle against a side" if gap is None else f"{gap}° apart",
            },
            **reason_of(
                hard,
                (plan, SOFT_PLAN),
                (not factual, SOFT_HEDGED),
                (True, SOFT_CORNER),
            ),
        )


def _situated(claim: Claim) -> tuple[str, str, str, str] | None:
    """(subject, direction, reference, reference's name) of a claim's bearing: the place
    its location situates (its key, "*" for the event's own place), else a distance it
    gives from a place with a direction ("distance|<unit>"); None when it has neither."""
    location = claim.location
    if location is not None and location.bearing is not None:
        subject = sem.bearing_subject(location)
        bearing = location.bearing
        if subject is not None and bearing.reference is not None:
            label = bearing.reference_label or bearing.reference
            return subject, bearing.direction, bearing.reference, label
        return None
    q = claim.quantity
    if q is not None and q.of == DISTANCE and q.bearing is not None and q.reference:
        return f"distance|{q.unit}", q.bearing, q.reference, q.reference
    return None


def register(registry: RuleRegistry) -> None:
    registry.register(BearingConflict())
