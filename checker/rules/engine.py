"""Running the registered rules over a linked claim graph: one finding per disagreement.

Rules only ever see claims of one event cluster. For each event the engine builds its
**facts**: each rule names, per claim, the fact of the event the claim states a value of
(``BaseRule.fact``: the date of the start of the withdrawal at one base, the death toll at
one place). Inside a fact, claims whose slots read by the rule are identical are one
*value class* (a hundred reports of "more than 50 vehicles" are one class), and classes are
put into **value groups** (sides): a class joins the first side none of whose
representatives it contradicts, according to the rule's ``check_pair`` (the judge of two
values). A fact with two or more sides that contradict each other is **one finding**,
listing every side with every claim and report that states it. A class that contradicts no
other side (a vague "more than 20" beside 30 and 50) stays out of the finding: it supports
no side.

Each class is compared with at most ``settings.fact_side_representatives`` claims of each
side, so an event of n claims costs O(n x sides) judge calls, never all pairs.

A slot the extractor carried from an earlier claim of the article sentences away (the
lead's date, for a later sentence) is inferred too, for the rules that compare it
(``BaseRule.compares``); a contradiction whose every side is inferred is not shown.

A claim dated years before its story ("it left the base in 2011") is background
(``background``) and joins no fact. A claim whose phase or place is unknown takes the one
its event's other reports give (``infer_slots``); such a claim is listed in its side's
``inferred`` and can make a finding soft at most.

A finding's ID comes from the rule and the fact. When the previous findings of the same
claims are given, a new finding of the same rule and fact that shares claims with an old
one keeps the old ID, so a report that joins a side keeps the finding (and the editor's
decision on it); otherwise the ID is the fact's with its smallest claim ID.

Findings are reduced by the rules' declared ``suppresses``: a weekday conflict replaces
the date conflict it implies, when every claim of the date finding is in it.

Checking an event again after new reports joined it (incremental runs) judges only the
facts that changed: given the old events the new one was made of (``unchanged``: their
claims as they were when they were last checked) and every finding that check made
(``previous``), a fact whose claims, as the rule reads them, are exactly those of the same
fact of one old event has the old outcome, found again without a judge call: its stored
finding (now under the new event), or none. A fact whose finding may have been suppressed
then (a suppressing finding shares claims with it) is judged again, as is every fact of a
rule whose facts span events. The findings are the same as checking everything again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from checker.rules import semantics as sem
from checker.rules.base import BaseRule, Hit, RuleContext, default_fact, place_ref
from checker.rules.registry import RuleRegistry
from checker.settings import CheckerSettings, LabelData
from claims.model import (
    DERIVED_FROM,
    SELF_FACT_PREFIX,
    Certainty,
    Claim,
    ComparedValue,
    Finding,
    FindingSide,
)

if TYPE_CHECKING:  # the linker imports this package's semantics; avoid an import cycle
    from checker.linking import ClaimGraph

_SEVERITY_RANK = {"high": 0, "medium": 1, "low": 2}

INFERRED_REASON = (
    "Soft: a report on one side does not state this phase, place or list itself; it is "
    "inferred from the other reports of its event."
)
INFERRED_REASON_AR = (
    "غير قاطع: أحد التقارير لا يذكر هذه المرحلة أو هذا المكان أو هذه القائمة صراحة، بل "
    "استُنتج من التقارير الأخرى عن الحدث نفسه."
)


# --- facts --------------------------------------------------------------------------------


def infer_slots(
    members: Sequence[Claim], settings: CheckerSettings
) -> tuple[list[Claim], set[str]]:
    """The claims of one event as facts read them: a claim with no phase takes the one
    phase the event's other reports of the same event type state (if they state exactly
    one), a claim with no place the one gazetteer place they state, a count of "victims"
    the one kind of count (the dead, the injured) they give, and seats of a list named
    only by its leader the one list other reports name with that leader. Returns the
    claims (copies where something was inferred) and the IDs of the inferred ones."""
    phases: dict[str, set[str]] = defaultdict(set)
    places: dict[str, dict[str, Claim]] = defaultdict(dict)
    words: dict[str, set[str]] = defaultdict(set)
    lists: dict[str, set[str]] = defaultdict(set)  # a leader's lists, where both are named
    distinct = set(settings.distinct_count_words)
    for claim in members:
        q = claim.quantity
        if q is not None and q.holder is not None and q.leader is not None:
            lists[q.leader].add(q.holder)
        if claim.event_word in distinct and claim.quantity is not None:
            words[claim.event].add(claim.event_word)
        if claim.phase is not None and claim.modality != "negated":
            phases[claim.event].add(claim.phase)
        location = claim.location
        if location is not None and location.key and not location.complement:
            places[claim.event].setdefault(location.key, claim)
    views: list[Claim] = []
    inferred: set[str] = set()
    for claim in members:
        update: dict[str, object] = {}
        if claim.phase is None and len(phases[claim.event]) == 1:
            update["phase"] = next(iter(phases[claim.event]))
        if claim.location is None and len(places[claim.event]) == 1:
            source = next(iter(places[claim.event].values()))
            assert source.location is not None
            update["location"] = source.location.model_copy(update={"span": None})
        if (
            claim.quantity is not None
            and claim.event_word not in distinct
            and len(words[claim.event]) == 1
        ):
            update["event_word"] = next(iter(words[claim.event]))
        q = claim.quantity
        if q is not None and q.holder is None and q.leader is not None:
            named = lists.get(q.leader, set())
            if len(named) == 1:
                update["quantity"] = q.model_copy(update={"holder": next(iter(named))})
        if update:
            views.append(claim.model_copy(update=update))
            inferred.add(claim.id)
        else:
            views.append(claim)
    return views, inferred


def background(members: Sequence[Claim], settings: CheckerSettings) -> set[str]:
    """Claims of an event told as background: dated more than ``background_gap_days``
    before their report's publication day (or, with none, before the middle of the days
    the event's other claims give). A plan or a state "since" then is never background."""
    stated = {c.id: sem.allowed_days(c.time, settings) for c in members}
    middles = sorted(
        d.lo + (d.hi - d.lo) / 2
        for d in stated.values()
        if d is not None and d.lo is not None and d.hi is not None
    )
    story_day = middles[len(middles) // 2] if middles else None
    gap = timedelta(days=settings.background_gap_days)
    found: set[str] = set()
    for claim in members:
        days = stated[claim.id]
        if days is None or days.hi is None or sem.is_plan(claim, settings):
            continue
        reference = claim.published or story_day
        if reference is not None and days.hi < reference - gap:
            found.add(claim.id)
    return found


def _read(value: object, parts: Sequence[str]) -> object:
    """The value at a dotted path of a claim (a tuple for list fields)."""
    for index, part in enumerate(parts):
        if isinstance(value, list):
            rest = parts[index:]
            return tuple(_read(item, rest) for item in value)
        if value is None:
            return None
        value = getattr(value, part, None)
    return value


@lru_cache(maxsize=256)
def _read_paths(reads: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """A rule's read paths, split, without the words' positions (``span``)."""
    split = (tuple(path.split(".")) for path in reads)
    return tuple(parts for parts in split if parts[-1] != "span")


def value_signature(rule: BaseRule, claim: Claim) -> tuple[object, ...]:
    """What the rule reads of a claim, without the words' positions: two claims with the
    same signature get the same verdict from the rule against any other claim."""
    values: list[object] = [
        repr(_read(claim, parts)) for parts in _read_paths(tuple(rule.spec.reads))
    ]
    # The engine's own vetoes read these too (recurring events far apart in time).
    values.append((claim.published, claim.event_word))
    return tuple(values)


@dataclass
class _Side:
    classes: list[int] = field(default_factory=list)
    representatives: list[Claim] = field(default_factory=list)


@dataclass
class _Conflict:
    """A contradiction between a class (by index) and a side (by index)."""

    hit: Hit
    class_index: int
    side_index: int
    first: Claim  # the class's claim, as judged
    second: Claim  # the side's claim


class _Judge:
    """A rule's verdict on two claims of one fact, with the engine's own vetoes."""

    def __init__(self, rule: BaseRule, ctx: RuleContext):
        self.rule = rule
        self.ctx = ctx
        self.calls = 0

    def __call__(self, a: Claim, b: Claim) -> Hit | None:
        if a.id == b.id:
            return None
        settings = self.ctx.settings
        if a.article_id == b.article_id and not settings.compare_within_article:
            return None
        # Claims joined only through others (an undated report between two attacks
        # months apart) are never compared if they cannot be one event themselves.
        if sem.one_event_veto(a, b, settings) is not None:
            return None
        self.calls += 1
        return self.rule.check_pair(a, b, self.ctx)


@dataclass
class FactGroups:
    """The value classes of one fact, the side of each class, and the contradictions
    found between a class and a side."""

    classes: list[list[Claim]]
    side_of: list[int]
    sides: list[_Side]
    conflicts: list[_Conflict]


def group_fact(claims: Sequence[Claim], judge: _Judge, representatives: int) -> FactGroups:
    """Value classes of one fact put into sides; the contradictions found between them."""
    by_signature: dict[tuple[object, ...], list[Claim]] = {}
    for claim in sorted(claims, key=lambda c: c.id):
        by_signature.setdefault(value_signature(judge.rule, claim), []).append(claim)
    # Classes with a value the rule compares first (a side's representatives are judged
    # against every later class: an undated claim cannot stand for a side's dates), then
    # the most reported values, so the big sides form first; ties by claim ID.
    compares = judge.rule.compares
    classes = sorted(
        by_signature.values(),
        key=lambda members: (
            bool(compares) and not any(getattr(members[0], slot) for slot in compares),
            -len({c.article_id for c in members}),
            members[0].id,
        ),
    )
    side_of: list[int] = []
    sides: list[_Side] = []
    conflicts: list[_Conflict] = []
    for index, members in enumerate(classes):
        claim = members[0]
        joined: int | None = None
        for side_index, side in enumerate(sides):
            found = None
            for other in side.representatives:
                found = judge(claim, other)
                if found is not None:
                    conflicts.append(_Conflict(found, index, side_index, claim, other))
                    break
            if found is None and joined is None:
                joined = side_index
        if joined is None:
            joined = len(sides)
            sides.append(_Side())
        side = sides[joined]
        side.classes.append(index)
        side_of.append(joined)
        if len(side.representatives) < representatives:
            side.representatives.append(claim)
    return FactGroups(classes, side_of, sides, conflicts)


# --- findings -----------------------------------------------------------------------------


def _side_values(hit: Hit, claim_id: str) -> list[ComparedValue]:
    return [v for v in hit.values if v.claim_id == claim_id]


def _params(
    hit: Hit,
    first: Claim,
    first_values: list[ComparedValue],
    second_values: list[ComparedValue],
    labels: LabelData,
) -> dict[str, str]:
    event = labels.events[first.event]
    noun_en, noun_ar = event.noun_en, event.noun_ar
    word = labels.other_words.get(first.event_word or "") if first.event == "other" else None
    if word is not None:  # "the election", not "the event"
        noun_en, noun_ar = word.en, word.ar
    place = first.location
    params = {
        "event": noun_en,
        "event_ar": noun_ar,
        "place": (place.label or place.key or place.surface) if place else labels.unknown_place_en,
        "place_ar": (place.surface or place.label or place.key or labels.unknown_place_ar)
        if place
        else labels.unknown_place_ar,
        "phase": labels.phases_en[first.phase] if first.phase else "",
        "phase_ar": labels.phases_ar[first.phase] if first.phase else "",
        "phase_event": f"{labels.phases_en[first.phase]} of the {noun_en}"
        if first.phase
        else noun_en,
        "phase_event_ar": f"{labels.phases_ar[first.phase]} {noun_ar}"
        if first.phase
        else noun_ar,
        "value_a": "; ".join(v.value for v in first_values),
        "value_b": "; ".join(v.value for v in second_values),
        "quote_a": " … ".join(v.quote for v in first_values),
        "quote_b": " … ".join(v.quote for v in second_values),
    }
    params.update(hit.params)
    return params


def _ordered_values(hit: Hit) -> tuple[list[ComparedValue], list[ComparedValue]]:
    """The hit's values split by claim, in the order the rule gave them (the templates
    read the first claim's values as value_a / quote_a)."""
    if len({v.claim_id for v in hit.values}) < 2:
        return list(hit.values[:1]), list(hit.values[1:2])
    first = hit.values[0].claim_id
    return (
        [v for v in hit.values if v.claim_id == first],
        [v for v in hit.values if v.claim_id != first],
    )


def _texts(rule: BaseRule, hit: Hit, claims: dict[str, Claim], ctx: RuleContext) -> tuple[str, str]:
    spec = rule.spec
    templates = spec.messages if len(set(hit.claim_ids)) == 2 else spec.claim_messages
    assert templates is not None  # checked when the registry was built
    first_values, second_values = _ordered_values(hit)
    first = claims.get(first_values[0].claim_id) if first_values else None
    first = first or claims[hit.claim_ids[0]]
    params = _params(hit, first, first_values, second_values, ctx.labels)
    return templates.en.format(**params), templates.ar.format(**params)


def _reason(hit: Hit, inferred: bool) -> tuple[str, str]:
    if inferred:
        return INFERRED_REASON, INFERRED_REASON_AR
    if hit.reason:
        return hit.reason, hit.reason_ar
    if hit.certainty == "hard":
        return (
            "Hard: both sides state the fact as having happened, at the same precision.",
            "قاطع: الطرفان يذكران الواقعة على أنها حدثت، وبالدقة نفسها.",
        )
    return (
        "Soft: the values may still both be right.",
        "غير قاطع: قد تصح القيمتان معاً.",
    )


def _states(claim: Claim, hit: Hit) -> bool:
    """Whether the claim's evidence holds the words the hit is about."""
    spans = [v.span for v in hit.values if v.span is not None]
    return bool(spans) and all(
        claim.evidence.start <= span.start and span.end <= claim.evidence.end for span in spans
    )


def _one_claim_finding(
    rule: BaseRule,
    hit: Hit,
    claim: Claim,
    ctx: RuleContext,
    event_id: str | None,
    also: Sequence[str] = (),
) -> Finding:
    """The finding of a claim at odds with itself; ``also``: claims of the same article
    whose same words are at fault (listed on the finding, which keeps ``claim``'s ID)."""
    en, ar = _texts(rule, hit, {claim.id: claim}, ctx)
    reason, reason_ar = _reason(hit, False)
    claim_ids = [claim.id, *also]
    sides = [
        FindingSide(
            value=value.value, claim_ids=claim_ids, article_ids=[claim.article_id], quotes=[value]
        )
        for value in hit.values
    ]
    return Finding(
        id=Finding.compute_id(rule.spec.name, claim.id),
        rule=rule.spec.name,
        code=rule.spec.code,
        kind=rule.spec.kind,
        severity=ctx.settings.severity_overrides.get(rule.spec.code, rule.spec.severity),
        certainty=hit.certainty,
        fact=f"{SELF_FACT_PREFIX}{claim.id}",
        claim_ids=claim_ids,
        event_id=event_id,
        sides=sides,
        certainty_reason=reason,
        certainty_reason_ar=reason_ar,
        explanation_en=en,
        explanation_ar=ar,
    )


def _member_values(
    member: Claim, conflict: _Conflict, representative: Claim, rule: BaseRule, ctx: RuleContext
) -> list[ComparedValue]:
    """The compared words of one claim of a class: its own, judged against the claim its
    class's representative contradicted (the verdict is the same: same signature)."""
    if member.id in (conflict.first.id, conflict.second.id):
        return _side_values(conflict.hit, member.id)
    counterpart = conflict.second if conflict.first.id == representative.id else conflict.first
    hit = rule.check_pair(member, counterpart, ctx)
    if hit is not None and _side_values(hit, member.id):
        return _side_values(hit, member.id)
    # Same value, other words: the representative's value with this claim's quote.
    return [
        value.model_copy(
            update={"claim_id": member.id, "quote": member.quote, "span": member.evidence}
        )
        for value in _side_values(conflict.hit, representative.id)
    ]


def _fact_finding(
    rule: BaseRule,
    fact: str,
    groups: FactGroups,
    judge: _Judge,
    inferred: set[str],
    by_id: dict[str, Claim],
    event_id: str | None,
    ctx: RuleContext,
) -> Finding | None:
    """One finding for a fact whose sides contradict each other, or None."""
    classes, side_of, sides, conflicts = (
        groups.classes,
        groups.side_of,
        groups.sides,
        groups.conflicts,
    )
    if not conflicts:
        return None
    class_of = {claim.id: index for index, members in enumerate(classes) for claim in members}
    # Which classes take part: a class that contradicts another side, found while
    # grouping (both the class and the side's claim it was judged against), or now,
    # against the sides formed after it. Every other class supports no side.
    opposed: dict[int, _Conflict] = {}
    for conflict in conflicts:
        opposed.setdefault(conflict.class_index, conflict)
        opposed.setdefault(class_of[conflict.second.id], conflict)
    for index, members in enumerate(classes):
        if index in opposed:
            continue
        for side_index, side in enumerate(sides):
            if side_index == side_of[index] or index in opposed:
                continue
            for other in side.representatives:
                found = judge(members[0], other)
                if found is not None:
                    conflict = _Conflict(found, index, side_index, members[0], other)
                    conflicts.append(conflict)
                    opposed[index] = conflict
                    break
    rows: dict[int, list[tuple[Claim, list[ComparedValue]]]] = defaultdict(list)
    for index in sorted(opposed):
        members = classes[index]
        for member in members:
            values = _member_values(member, opposed[index], members[0], rule, ctx)
            rows[side_of[index]].append((member, values))
    if len(rows) < 2:
        return None
    tally = {s: len({c.article_id for c, _ in found}) for s, found in rows.items()}

    def rank(conflict: _Conflict) -> tuple[int, int, str]:
        sides_of = (side_of[conflict.class_index], conflict.side_index)
        return (
            0 if conflict.hit.certainty == "hard" else 1,
            -sum(tally.get(s, 0) for s in sides_of),
            conflict.first.id,
        )

    main = min(conflicts, key=rank)
    finding_sides: list[FindingSide] = []
    for side_index in sorted(rows, key=lambda s: (-tally[s], s)):
        side_rows = rows[side_index]
        values = [v for _, vs in side_rows for v in vs]
        distinct = list(dict.fromkeys(v.value for v in values))
        finding_sides.append(
            FindingSide(
                value="; ".join(distinct[:3]) + (" …" if len(distinct) > 3 else ""),
                claim_ids=[c.id for c, _ in side_rows],
                article_ids=list(dict.fromkeys(c.article_id for c, _ in side_rows)),
                quotes=values,
                inferred=[c.id for c, _ in side_rows if c.id in inferred],
            )
        )
    # A contradiction no report states in its own words (every side inferred or carried
    # from elsewhere) is not shown: refuse rather than guess.
    if all(set(side.inferred) >= set(side.claim_ids) for side in finding_sides):
        return None
    claim_ids = sorted({c for side in finding_sides for c in side.claim_ids})
    any_inferred = any(side.inferred for side in finding_sides)
    certainty: Certainty = "soft" if any_inferred else main.hit.certainty
    # The claims as judged: one that took its place from its event names that place.
    judged = {**by_id, main.first.id: main.first, main.second.id: main.second}
    en, ar = _texts(rule, main.hit, judged, ctx)
    reason, reason_ar = _reason(main.hit, any_inferred)
    return Finding(
        id=Finding.compute_id(rule.spec.name, f"{fact}|{claim_ids[0]}"),
        rule=rule.spec.name,
        code=rule.spec.code,
        kind=rule.spec.kind,
        severity=ctx.settings.severity_overrides.get(rule.spec.code, rule.spec.severity),
        certainty=certainty,
        fact=fact,
        claim_ids=claim_ids,
        event_id=event_id,
        sides=finding_sides,
        certainty_reason=reason,
        certainty_reason_ar=reason_ar,
        explanation_en=en,
        explanation_ar=ar,
    )


# --- the run ------------------------------------------------------------------------------


def _enabled(registry: RuleRegistry, ctx: RuleContext) -> list[BaseRule]:
    off = set(ctx.settings.disabled_rules)
    return [
        rule
        for rule in registry
        if not off & {rule.spec.code, rule.spec.name, rule.spec.name.split(".")[0]}
    ]


def _suppress(findings: list[Finding], rules: dict[str, BaseRule]) -> list[Finding]:
    """Drop a finding whose rule another finding's rule suppresses, when all its claims
    are in that other finding (the weekday conflict that implies a date conflict)."""
    kept: list[Finding] = []
    by_claim: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        for claim_id in finding.claim_ids:
            by_claim[claim_id].append(finding)
    for finding in findings:
        claims = set(finding.claim_ids)
        others = {o.id: o for c in finding.claim_ids for o in by_claim[c] if o.id != finding.id}
        if any(
            finding.code in rules[o.rule].spec.suppresses and claims <= set(o.claim_ids)
            for o in others.values()
        ):
            continue
        kept.append(finding)
    return kept


def _same_words(findings: list[Finding], by_id: Mapping[str, Claim]) -> list[Finding]:
    """Drop a finding of one rule and event whose every quoted value another of them
    quotes: the same words disagree there (an attack and its toll dated by "يوم الإثنين"
    against "يوم الثلاثاء"), and are shown once, by the finding that quotes more. That
    one takes the dropped one's certainty when that is harder: those words disagree as
    it says."""

    def word(q: ComparedValue) -> tuple[str, str, object]:
        article = by_id[q.claim_id].article_id if q.claim_id in by_id else q.claim_id
        return article, q.value, (q.span.start, q.span.end) if q.span else q.quote

    said = {f.id: frozenset(word(q) for s in f.sides for q in s.quotes) for f in findings}
    by_event: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sides and finding.event_id is not None:
            by_event[finding.rule, finding.event_id].append(finding)
    dropped: set[str] = set()
    harder: dict[str, Finding] = {}
    for group in by_event.values():
        group.sort(key=lambda f: (-len(said[f.id]), f.id))  # the widest first
        for index, narrow in enumerate(group):
            wide = next(
                (w for w in group[:index] if w.id not in dropped and said[narrow.id] <= said[w.id]),
                None,
            )
            if wide is None:
                continue
            dropped.add(narrow.id)
            if narrow.certainty == "hard" and wide.certainty != "hard":
                harder[wide.id] = narrow
    out: list[Finding] = []
    for finding in findings:
        if finding.id in dropped:
            continue
        hard = harder.get(finding.id)
        if hard is not None:
            finding = finding.model_copy(update={
                "certainty": hard.certainty,
                "certainty_reason": hard.certainty_reason,
                "certainty_reason_ar": hard.certainty_reason_ar,
            })
        out.append(finding)
    return out


def _keep_ids(findings: list[Finding], previous: Iterable[Finding]) -> list[Finding]:
    """A new finding of the same rule and fact as a previous one that shares claims with
    it keeps the previous ID (most shared claims first; each old ID used once)."""
    old: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in previous:
        old[(finding.code, finding.fact)].append(finding)
    if not old:
        return findings
    used: set[str] = set()
    taken: set[str] = {f.id for f in findings}
    result: list[Finding] = []
    for finding in findings:
        candidates = [
            (len(set(o.claim_ids) & set(finding.claim_ids)), o.id)
            for o in old.get((finding.code, finding.fact), [])
            if o.id not in used
        ]
        candidates = [c for c in candidates if c[0] > 0]
        if candidates:
            _, old_id = min(candidates, key=lambda c: (-c[0], c[1]))
            if old_id != finding.id and old_id not in taken:
                used.add(old_id)
                taken.add(old_id)
                finding = finding.model_copy(update={"id": old_id})
            else:
                used.add(old_id)
        result.append(finding)
    return result


def _facts(
    rule: BaseRule, members: Sequence[Claim], views: Sequence[Claim], ctx: RuleContext
) -> tuple[dict[str, list[Claim]], set[str]]:
    """The claims of each fact the rule reads. A claim takes its inferred phase or place
    (``views``) only where that puts it in a fact its own slots do not: it is then
    "inferred" for this rule's finding."""
    facts: dict[str, list[Claim]] = defaultdict(list)
    inferred: set[str] = set()
    for claim, view in zip(members, views, strict=True):
        if DERIVED_FROM in claim.inherited and not rule.reads_derived:
            continue  # derived from another event's words, for the rule made for it
        key = rule.fact(claim, ctx)
        if view is not claim:
            guessed = rule.fact(view, ctx)
            if guessed is not None and guessed != key:
                key, claim = guessed, view
                inferred.add(claim.id)
        if key is None:
            continue
        carried = carried_slots(claim)
        if "location" in carried or carried & set(rule.compares):
            inferred.add(claim.id)
        facts[key].append(claim)
    return facts, inferred


def carried_slots(claim: Claim) -> set[str]:
    """Slots the extractor carried to the claim from an earlier claim of its article about
    the same event, sentences away (``Claim.inherited`` "article"): the lead's date or
    place for a later sentence. A slot taken from the claim's own clause, sentence, the
    one before or the headline counts as stated."""
    return {slot for slot, source in claim.inherited.items() if source == "article"}


@dataclass
class EngineStats:
    """What one check did: facts built and judge calls made (pairs compared), and the
    facts whose outcome was known from the previous check of their event (``reused``)."""

    facts: int = 0
    judged: int = 0
    reused: int = 0
    reused_findings: set[str] = field(default_factory=set)  # their IDs


def _prepare(
    member_ids: Iterable[str], by_id: Mapping[str, Claim], ctx: RuleContext
) -> tuple[list[Claim], list[Claim]]:
    """An event's claims as facts read them (background left out) and their views (slots
    inferred)."""
    members = [
        by_id[i] for i in member_ids if i in by_id and not sem.is_ignored(by_id[i], ctx.settings)
    ]
    told_before = background(members, ctx.settings)
    members = [c for c in members if c.id not in told_before]
    if not members:
        return [], []
    views, _ = infer_slots(members, ctx.settings)
    return members, views


FactSignature = tuple[tuple[object, ...], ...]


def _fact_signature(
    entries: Sequence[Claim], by_id: Mapping[str, Claim], inferred: set[str]
) -> FactSignature:
    """A fact's claims as the rules see them: each claim, whether it is the claim as
    stated or a view with inferred slots (and which), and whether it counts as inferred.
    Claims are immutable under their ID; a view differs only in the inferred slots."""
    out: list[tuple[object, ...]] = []
    for entry in entries:
        place = entry.location
        where = None if place is None else (
            place.key, tuple(place.ancestors), place.complement, place.surface, place.label,
            place.kind, place.source, place.span is None,
        )
        out.append((
            entry.id, entry is by_id.get(entry.id), entry.phase, entry.event_word, where,
            entry.id in inferred,
        ))
    return tuple(out)


@dataclass
class _OldFacts:
    """The facts of the old events a check may take outcomes from: for each rule, fact and
    signature, the old event that had it; the old findings by rule, fact and event."""

    events: dict[str, tuple[list[Claim], list[Claim]]]
    findings: dict[tuple[str, str, str | None], Finding]
    by_code: dict[str, list[Finding]]
    # rule code -> (fact, signature) -> the old event
    signatures: dict[str, dict[tuple[str, FactSignature], str]] = field(default_factory=dict)

    def outcome(
        self,
        rule: BaseRule,
        key: str,
        signature: FactSignature,
        fact_ids: set[str],
        suppressors: Mapping[str, set[str]],
        ctx: RuleContext,
        by_id: Mapping[str, Claim],
    ) -> tuple[bool, Finding | None]:
        """(known, finding): whether the fact's outcome is that of an old event's same
        fact, and that outcome (its stored finding, or None)."""
        code = rule.spec.code
        table = self.signatures.get(code)
        if table is None:
            table = self.signatures[code] = {}
            for event_id, (members, views) in self.events.items():
                if len(members) < 2:
                    continue
                facts, inferred = _facts(rule, members, views, ctx)
                for fact, entries in facts.items():
                    table[(fact, _fact_signature(entries, by_id, inferred))] = event_id
        old_event = table.get((key, signature))
        if old_event is None:
            return False, None
        stored = self.findings.get((code, key, old_event))
        if stored is not None:
            return True, stored
        # No finding then: none, unless a suppressing finding hid it (judge it again).
        for other_code in suppressors.get(code, ()):
            for finding in self.by_code.get(other_code, ()):
                if fact_ids & set(finding.claim_ids):
                    return False, None
        return True, None


def run_rules(
    graph: ClaimGraph,
    claims: Iterable[Claim],
    registry: RuleRegistry,
    ctx: RuleContext,
    *,
    previous: Iterable[Finding] = (),
    stats: EngineStats | None = None,
    unchanged: Mapping[str, Sequence[str]] | None = None,
) -> list[Finding]:
    """The findings of ``graph``'s events over ``claims`` (see the module docstring).

    ``unchanged``: old events (ID -> claim IDs) that the events of ``graph`` were made of,
    whose claims are those of their last check, with ``previous`` holding every finding
    of that check: a fact identical to one of theirs keeps its outcome unjudged."""
    by_id = {claim.id: claim for claim in claims}
    previous = list(previous)
    rules = _enabled(registry, ctx)
    claim_rules = [r for r in rules if "claim" in r.spec.scopes]
    pair_rules = [r for r in rules if "pair" in r.spec.scopes]
    stats = stats if stats is not None else EngineStats()
    found: list[Finding] = []
    representatives = ctx.settings.fact_side_representatives

    # A claim at odds with itself (a weekday its own date does not fall on). Claims of one
    # article and one event that share the words at fault ("يوم السبت 9 نوفمبر" dating
    # three figures) are one finding, on the first of them.
    selfs: dict[tuple[str, str, str, tuple[object, ...]], list[tuple[Claim, Hit]]] = {}
    for claim_id in sorted(by_id):
        claim = by_id[claim_id]
        for rule in claim_rules:
            hit = rule.check_claim(claim, ctx)
            if hit is not None:
                words = tuple(
                    (v.field, v.value, v.span.start if v.span else v.quote) for v in hit.values
                )
                where = graph.event_of.get(claim.id) or claim.id
                selfs.setdefault((rule.spec.name, claim.article_id, where, words), []).append(
                    (claim, hit)
                )
    names = {rule.spec.name: rule for rule in claim_rules}
    for (name, _, _, _), hits in selfs.items():
        # On the claim whose own words are at fault (not one that took them from it).
        hits.sort(key=lambda h: (not _states(h[0], h[1]), h[0].id))
        claim, hit = hits[0]
        found.append(
            _one_claim_finding(
                names[name], hit, claim, ctx, graph.event_of.get(claim.id),
                also=[other.id for other, _ in hits[1:]],
            )
        )

    # Per event: its claims as facts read them (background left out, slots inferred).
    prepared: list[tuple[str, list[Claim], list[Claim]]] = []
    for event in sorted(graph.events, key=lambda e: e.id):
        members, views = _prepare(event.claim_ids, by_id, ctx)
        if members:
            prepared.append((event.id, members, views))

    old: _OldFacts | None = None
    if unchanged:
        old = _OldFacts(
            events={e: _prepare(ids, by_id, ctx) for e, ids in sorted(unchanged.items())},
            findings={(f.code, f.fact, f.event_id): f for f in previous},
            by_code={},
        )
        for stored in previous:
            old.by_code.setdefault(stored.code, []).append(stored)
    suppressors: dict[str, set[str]] = defaultdict(set)
    for rule in rules:
        for code in rule.spec.suppresses:
            suppressors[code].add(rule.spec.code)

    for rule in pair_rules:
        judge = _Judge(rule, ctx)
        if rule.across_events:
            # A part and its whole (a province and its country) are two events: such a
            # rule's facts gather the claims of every event of this check.
            scopes = [
                (
                    [c for _, members, _ in prepared for c in members],
                    [v for _, _, views in prepared for v in views],
                )
            ]
        else:
            scopes = [(members, views) for _, members, views in prepared]
        for members, views in scopes:
            if len(members) < 2:
                continue
            facts, inferred = _facts(rule, members, views, ctx)
            for key in sorted(facts):
                fact_claims = facts[key]
                if (
                    len({c.article_id for c in fact_claims}) < 2
                    and not ctx.settings.compare_within_article
                ):
                    continue
                stats.facts += 1
                first_event = graph.event_of.get(min(c.id for c in fact_claims))
                if old is not None and not rule.across_events:
                    known, before = old.outcome(
                        rule, key, _fact_signature(fact_claims, by_id, inferred),
                        {c.id for c in fact_claims}, suppressors, ctx, by_id,
                    )
                    if known:
                        stats.reused += 1
                        if before is not None:
                            stats.reused_findings.add(before.id)
                            # As the rule made it: the review lives in the reviews table.
                            found.append(before.model_copy(update={
                                "event_id": first_event, "review_status": "open",
                                "review_note": None, "reviewed_by": None, "reviewed_at": None,
                            }))
                        continue
                groups = group_fact(fact_claims, judge, representatives)
                finding = _fact_finding(
                    rule, key, groups, judge, inferred, by_id, first_event, ctx
                )
                if finding is not None:
                    found.append(finding)
        stats.judged += judge.calls

    by_name = {rule.spec.name: rule for rule in rules}
    findings = _keep_ids(_same_words(_suppress(found, by_name), by_id), previous)
    unique = {f.id: f for f in findings}
    return sorted(unique.values(), key=lambda f: (_SEVERITY_RANK[f.severity], f.code, f.id))


__all__ = [
    "EngineStats",
    "default_fact",
    "group_fact",
    "infer_slots",
    "place_ref",
    "run_rules",
    "value_signature",
]
