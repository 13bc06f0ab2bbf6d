"""An outside rule, as another package would ship it: flags every claim of a withdrawal.

The tests install it as a distribution with an entry point in group ``claimcheck.rules``;
it uses only the public rule types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.rules.base import BaseRule, Hit, MessageTemplates, RuleSpec
from claims.model import Claim, ComparedValue

if TYPE_CHECKING:
    from checker.rules.base import RuleContext
    from checker.rules.registry import RuleRegistry

SPEC = RuleSpec(
    name="withdrawal_watch.v1",
    code="C950",
    kind="other",
    severity="low",
    summary="Every reported withdrawal, for an editor who follows them.",
    scopes=("claim",),
    reads=("event",),
    messages=MessageTemplates(en="{event}: {value_a}", ar="{event_ar}: {value_a}"),
    claim_messages=MessageTemplates(
        en="A report of a {event}: {quote_a}", ar="خبر عن {event_ar}: «{quote_a}»"
    ),
)


class WithdrawalWatch(BaseRule):
    spec = SPEC

    def check_claim(self, claim: Claim, ctx: RuleContext) -> Hit | None:
        if claim.event != "withdrawal":
            return None
        value = ComparedValue(
            claim_id=claim.id,
            field="event",
            value=claim.event,
            quote=claim.quote,
            span=claim.evidence,
        )
        return Hit((claim.id,), (value,), "soft")


def register(registry: RuleRegistry) -> None:
    registry.register(WithdrawalWatch())
