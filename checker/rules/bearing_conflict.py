"""C011 bearing conflict: reports of one event put the same place on sides of the same
reference place that cannot both be right ("في شمال تشاد" against "شرقي البلاد", said of
one town; "72 km east of Marrakesh" against "77 km south-west of Marrakesh", said of one
epicentre).

A bearing is said of a place (the town) from a reference (the country, a city); when the
place *is* the reference ("in northern Niger") it is the event's own place in that part of
it. Two bearings are compared only when they situate the same place from the same
reference. Neighbouring points of the compass agree (north and north-east: a place can be
called either); points a right angle or more apart disagree, and the middle of a place
disagrees with any of its sides. A right angle (north against east) or the middle against
a side is soft: a place near the corner between them, or between the middle and a side,
may fairly be called either; wider gaps are hard when both reports state them as fact. An
unresolved reference ("the north of the country" when the country is not known) or two
different references never fire.
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
from claims.model import Claim, ComparedValue

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
    assert claim.location is not None and claim.location.bearing is not None
    span = claim.location.bearing.span
    return ComparedValue(
        claim_id=claim.id,
        field="location.bearing",
        value=sem.describe_bearing(claim.location, ctx.labels),
        quote=span.text if span is not None and span.text else claim.quote,
        span=span if span is not None else claim.evidence,
    )


class BearingConflict(BaseRule):
    spec = SPEC
    compares = ("location",)

    def fact(self, claim: Claim, ctx: RuleContext) -> str | None:
        """Where one place lies from one reference place."""
        if claim.location is None or claim.location.bearing is None:
            return None
        subject = sem.bearing_subject(claim.location)
        if subject is None:
            return None
        return f"bearing|place:{subject}|of:{claim.location.bearing.reference}"

    def check_pair(self, a: Claim, b: Claim, ctx: RuleContext) -> Hit | None:
        if not (comparable(a, ctx) and comparable(b, ctx)):
            return None
        if a.location is None or b.location is None:
            return None
        bearing_a, bearing_b = a.location.bearing, b.location.bearing
        if bearing_a is None or bearing_b is None:
            return None
        subject = sem.bearing_subject(a.location)
        if subject is None or subject != sem.bearing_subject(b.location):
            return None
        if bearing_a.reference != bearing_b.reference:
            return None
        gap = sem.compass_gap(bearing_a.direction, bearing_b.direction)
        if gap is not None and gap <= _AGREE:
            return None
        settings = ctx.settings
        plan = sem.is_plan(a, settings) or sem.is_plan(b, settings)
        factual = sem.is_factual(a, settings) and sem.is_factual(b, settings)
        corner = gap is None or gap <= _NEAR_CORNER
        hard = factual and not plan and not corner
        place = a.location
        reference = bearing_a.reference_label or bearing_a.reference or ""
        return Hit(
            claim_ids=(a.id, b.id),
            values=(_value(a, ctx), _value(b, ctx)),
            certainty=certainty(hard),
            params={
                "subject": "the event's place" if subject == "*" else (
                    place.label or place.key or place.surface
                ),
                "reference": reference,
                "gap": "the middle against a side" if gap is None else f"{gap}° apart",
            },
            **reason_of(
                hard,
                (plan, SOFT_PLAN),
                (not factual, SOFT_HEDGED),
                (True, SOFT_CORNER),
            ),
        )


def register(registry: RuleRegistry) -> None:
    registry.register(BearingConflict())
