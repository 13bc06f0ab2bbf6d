"""The data model of claimcheck: articles, claims, findings and their value types.

Every other module speaks these types. Offsets are always character offsets into the
*original* article text (``Article.text``), never into a normalised copy.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SCHEMA_VERSION = 2

EventType = Literal[
    "withdrawal",
    "convoy_departure",
    "base_closure",
    "handover",
    "relocation",
    "attack",
    "agreement",
    "troop_presence",
    "casualties",
    "other",
]
Phase = Literal["planned", "began", "ongoing", "completed"]
Modality = Literal["asserted", "reported", "expected", "planned", "negated", "hypothetical"]
Granularity = Literal["day", "month", "year", "weekday", "unknown"]
TimeModifier = Literal["start", "mid", "end", "approx"]
TimeRelation = Literal["on", "by", "before", "after", "since", "until", "within"]
EntityKind = Literal["actor", "place"]
# A point of the compass (8 points) or the middle of the reference place.
CompassPoint = Literal["N", "NE", "E", "SE", "S", "SW", "W", "NW", "centre"]
EntitySource = Literal["gazetteer", "pattern", "ner"]
FindingKind = Literal[
    "date", "weekday", "count", "timeline", "presence", "location", "plan_change", "other"
]
Severity = Literal["high", "medium", "low"]
Certainty = Literal["hard", "soft"]
# "needs_info": the editor cannot decide yet and has asked for more information.
ReviewStatus = Literal["open", "confirmed", "dismissed", "needs_info"]


def stable_hash(*parts: object, length: int = 16) -> str:
    """A short, stable hex digest of JSON-serialisable parts (content-addressed IDs)."""
    payload = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:length]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Span(_Model):
    """A character range [start, end) of the original article text, with the text itself."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.end < self.start:
            raise ValueError(f"span end {self.end} before start {self.start}")
        return self

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


class Article(_Model):
    """One report as ingested. ``id`` is derived from the text, so identical content is one
    article however many files carry it."""

    id: str
    name: str
    title: str = ""
    outlet: str | None = None
    url: str | None = None
    published: date | None = None
    language: str = "ar"
    text: str
    source_path: str | None = None

    @staticmethod
    def content_id(text: str) -> str:
        return "a_" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    @classmethod
    def from_text(cls, name: str, text: str, **metadata: object) -> Article:
        return cls(id=cls.content_id(text), name=name, text=text, **metadata)


class TimeValue(_Model):
    """When something happens: a set of candidate calendar days with how it was said.

    ``earliest``/``latest`` bound the days the expression allows (inclusive); both are None
    when the expression could not be anchored (``resolved`` is then False and ``reason``
    says why). ``value`` is the TIMEX-like normal form at its granularity ("2025-09-15",
    "2025-09", "2026"); ``relation`` is how the event relates to that value ("by end of
    2026" is relation "by", modifier "end", value "2026").
    """

    span: Span | None = None
    value: str | None = None
    granularity: Granularity = "unknown"
    earliest: date | None = None
    latest: date | None = None
    modifier: TimeModifier | None = None
    relation: TimeRelation | None = None
    weekday: int | None = Field(default=None, ge=0, le=6, description="0 = Monday")
    time_of_day: str | None = None
    within_days: int | None = None
    relative: bool = False
    anchor: Literal["absolute", "publication", "context"] | None = Field(
        default=None,
        description="what a partial or relative expression was resolved against: nothing "
        "needed (absolute), the article's publication date, or a full date in the same sentence",
    )
    resolved: bool = False
    reason: str | None = None
    time_zone: str | None = Field(
        default=None,
        description='the zone a clock time is said in: "local" (the place\'s own time, offset '
        'unknown unless the text also gives it in another zone), "UTC", or a named zone '
        '("IST", "AST"); None when no zone is written',
    )
    utc_offset: int | None = Field(
        default=None,
        description="minutes east of UTC of that zone, when the zone or the text tells it "
        '("23:11 local time (22:11 GMT)" is 60)',
    )
    utc_time: str | None = Field(
        default=None,
        description='the clock time in UTC ("22:11") when the offset is known: two reports '
        "of one instant in different zones agree on it",
    )
    utc_day_offset: int | None = Field(
        default=None,
        ge=-1,
        le=1,
        description="days to add to the stated date to get the UTC date (late in the evening "
        "east of Greenwich: -1; the stated day stays the one the text gives)",
    )
    clock_approx: bool | None = Field(
        default=None,
        description='True when the clock time is said approximately ("حوالي الساعه الثالثه", '
        '"around 3 pm"); None otherwise',
    )
    twelve_hour: bool | None = Field(
        default=None,
        description="True when the clock time is an hour from 1 to 12 with nothing that says "
        'which half of the day ("الساعه الثالثه", "at 2:30"): it may also be 12 hours later; '
        "None otherwise",
    )


class Quantity(_Model):
    """An amount with a unit, as an interval: "more than 50 vehicles" is (50, inf)."""

    span: Span | None = None
    value: float | None = None
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    unit: str | None = None
    approximate: bool = False
    vague: bool = False
    precision: float | None = Field(
        default=None,
        description='the step of the last written digit of a figure given with a scale word '
        '("21.4 مليون": 100000): it stands for any value that rounds to it',
    )
    resolved: bool = True
    reason: str | None = None
    of: str | None = Field(
        default=None,
        description="what the amount is of when the unit alone does not say: turnout "
        "(a percent), registered or cast (voters), total (the whole a part is out of: "
        '"46 seats out of 329"), depth or distance (km), on_board (passengers, crew), '
        "elapsed (minutes after an event)",
    )
    holder: str | None = Field(
        default=None,
        description="who the amount belongs to, normalised: the list, party or candidate "
        'that won the seats or votes ("حصل تحالف X علي 45 مقعدا" is X\'s 45 seats)',
    )
    leader: str | None = Field(
        default=None,
        description="the last name of the holder's leader, normalised, when the text names "
        'one ("بزعامه نوري المالكي", "(محمد شياع السوداني)", "تحالف X للسوداني"): a list '
        "named only by its leader is the list another report names with that leader",
    )
    scope: str | None = Field(
        default=None,
        description="the part of the whole the amount is about, when the text names one: "
        '"special" (the special vote of the security forces), "displaced", "abroad", '
        '"second_round"...; turnout of the special vote is not the overall turnout',
    )
    reference: str | None = Field(
        default=None,
        description="the place a distance is measured from, normalised, as written",
    )
    bearing: str | None = Field(
        default=None,
        description='the compass direction from the reference ("SW"), for a distance',
    )


class Bearing(_Model):
    """Where the text situates a place by the compass, from a reference place: "في شمال
    تشاد", "شرقي البلاد", "north-eastern Nigeria", "72 km east of Marrakesh".

    The place situated is the entity that carries the bearing; when the entity *is* the
    reference ("in northern Chad", with no nearer place named), it is the claim's own
    place, somewhere in that part of the reference. ``reference`` is a gazetteer key, or
    None when the text names no place the gazetteer can resolve ("the north of the
    country" said of a place whose country is unknown): such a bearing is never compared.
    """

    direction: CompassPoint
    reference: str | None = Field(
        default=None, description="gazetteer key of the place the direction is taken from"
    )
    reference_label: str | None = Field(default=None, description="its English name")
    span: Span | None = Field(default=None, description="the words that say it")


class Entity(_Model):
    """An actor or place mention. ``key`` is the gazetteer ID when the name is known; a name
    found only by a pattern or the NER model has no key and no place in the hierarchy."""

    span: Span | None = None
    kind: EntityKind
    key: str | None = None
    label: str | None = Field(default=None, description="English display name")
    surface: str = ""
    source: EntitySource = "gazetteer"
    complement: bool = Field(default=False, description='"outside X": every place not in X')
    ancestors: list[str] = Field(default_factory=list, description="gazetteer keys, nearest first")
    bearing: Bearing | None = Field(
        default=None, description="where the text situates this place by the compass"
    )


class Attribution(_Model):
    """Who says so: the source named in the text and the cue that introduced it."""

    span: Span | None = None
    source: str | None = None
    cue: str | None = None
    kind: Literal["official", "anonymous", "media", "unknown"] = "unknown"


# The event word of a claim of where a place lies ("مدينة ابيشي، التي تقع في شمال تشاد"):
# an "other" event, one per place the text situates by the compass.
PLACE_FACT_WORD = "location"
# The key of ``Claim.inherited`` naming the event whose words a derived claim stands on
# ("withdrawal": the place a completed withdrawal left empty).
DERIVED_FROM = "derived_from"

# Optional fields of the value types added after claim IDs were first stored.
_LATER_FIELDS: dict[str, tuple[str, ...]] = {
    "time": (
        "time_zone",
        "utc_offset",
        "utc_time",
        "utc_day_offset",
        "clock_approx",
        "twelve_hour",
    ),
    "quantity": ("of", "holder", "leader", "scope", "reference", "bearing"),
    "location": ("bearing",),
}


class Claim(_Model):
    """One event mention with its slots. The ID is a hash of the article ID, the evidence
    span and the normalised slots, so a re-run gives the same ID."""

    id: str = ""
    article_id: str
    sentence: Span
    evidence: Span
    quote: str
    event: EventType
    event_word: str | None = None
    phase: Phase | None = None
    actors: list[Entity] = Field(default_factory=list)
    location: Entity | None = None
    destinations: list[Entity] = Field(default_factory=list)
    time: TimeValue | None = None
    quantity: Quantity | None = None
    attribution: Attribution | None = None
    modality: Modality = "asserted"
    extractor: str = "rules"
    published: date | None = Field(
        default=None,
        description="the article's publication date: context for linking reports that "
        "state no date, never read as the date of the event",
    )
    inherited: dict[str, str] = Field(
        default_factory=dict,
        description="slots the claim's own words do not state, taken from elsewhere in "
        "its article, and from where: clause, coordinated, sentence, previous_sentence, "
        "headline, section, or article (an earlier claim of the same event further off); "
        'a quantity "sum" is the count of a whole that counts of its kinds said together '
        'add up to ("242 passengers and 12 crew": 254 people on board); a quantity "all" '
        'is the 0 survivors of a count of the dead that is all of its noun ("all '
        'passengers were killed"); "derived_from" names the event whose words a derived '
        'claim stands on ("withdrawal": the place a completed withdrawal left empty)',
    )

    @model_validator(mode="after")
    def _fill_id(self) -> Claim:
        if not self.id:
            self.id = self.compute_id()
        return self

    def compute_id(self) -> str:
        slots = self.model_dump(
            mode="json", include={"event", "phase", "time", "quantity", "location", "modality"}
        )
        # Fields added after IDs were first stored count only when they are set, so that a
        # claim that does not use them keeps the ID an editor saved.
        for slot, names in _LATER_FIELDS.items():
            value = slots.get(slot)
            if isinstance(value, dict):
                for name in names:
                    if value.get(name) is None:
                        value.pop(name, None)
        return "c_" + stable_hash(self.article_id, self.evidence.start, self.evidence.end, slots)


class ComparedValue(_Model):
    """One side of a comparison: which claim, which field, its normalised value and quote."""

    claim_id: str
    field: str
    value: str
    quote: str = ""
    span: Span | None = None


class FindingSide(_Model):
    """One side of a disagreement: a value group of a fact, with every claim (and so
    every report) that states a value of the group.

    ``value`` describes the group's value once, in the language-neutral form of
    ``checker.rules.semantics`` ("2025-08-21", "(50, ∞) vehicles"); ``quotes`` hold the
    compared words of each claim, with offsets into its article. ``inferred`` lists the
    claims that joined the fact only because their event's other reports fixed a phase
    or place they do not state themselves.
    """

    value: str
    claim_ids: list[str] = Field(min_length=1)
    article_ids: list[str] = Field(default_factory=list, description="distinct, the tally")
    quotes: list[ComparedValue] = Field(default_factory=list)
    inferred: list[str] = Field(default_factory=list)

    @property
    def tally(self) -> int:
        """How many distinct reports (articles) state this side."""
        return len(self.article_ids) or len(self.claim_ids)


# The fact of a finding about one report's own words: "claim|<the claim's ID>".
SELF_FACT_PREFIX = "claim|"


class Finding(_Model):
    """One disagreement: a fact of one event with two or more incompatible value groups
    (``sides``), or one claim that contradicts itself (a weekday that is not its date's).

    ``fact`` names the fact ("date|withdrawal|began|at:ain_al_asad"); the ID comes from
    the rule and the fact, not from a pair of claims, so a new report that repeats a value
    joins a side of the same finding and the editor's decision stays attached.
    """

    id: str = ""
    rule: str = Field(description='versioned rule name, e.g. "date_conflict.v1"')
    code: str = Field(pattern=r"^C\d{3}$")
    kind: FindingKind
    severity: Severity
    certainty: Certainty
    fact: str = ""
    claim_ids: list[str] = Field(min_length=1)
    event_id: str | None = None
    sides: list[FindingSide] = Field(min_length=1)
    certainty_reason: str = Field(
        default="", description="why the finding is hard or soft, in one English sentence"
    )
    certainty_reason_ar: str = ""
    explanation_ar: str = ""
    explanation_en: str = ""
    review_status: ReviewStatus = "open"
    review_note: str | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None

    @model_validator(mode="after")
    def _fill_id(self) -> Finding:
        if not self.id:
            self.id = self.compute_id(self.rule, self.fact or ",".join(sorted(self.claim_ids)))
        return self

    @property
    def self_contradictory(self) -> bool:
        """A report at odds with itself (a weekday its own date does not fall on): one
        claim, or several of one report dated by the same faulty words, the first of
        which is the one whose words they are."""
        return self.fact.startswith(SELF_FACT_PREFIX) or len(self.claim_ids) == 1

    @property
    def values(self) -> list[ComparedValue]:
        """Every compared value of every side, side by side."""
        return [quote for side in self.sides for quote in side.quotes]

    @staticmethod
    def compute_id(rule: str, key: str) -> str:
        """Same rule and same fact (or claim) give the same ID on every run."""
        return "f_" + stable_hash(rule.split(".")[0], key)


class Review(_Model):
    """One editor's decision on a finding. Decisions are never overwritten: a finding's
    history is every decision made on it, and its current review is the latest."""

    finding_id: str
    status: ReviewStatus
    note: str | None = None
    by: str = Field(description="name of the user who decided")
    at: datetime


class EventCluster(_Model):
    """Claims that the linker judged to be about one event, with a readable label."""

    id: str
    label: str
    label_ar: str = ""
    event: EventType
    location_key: str | None = None
    claim_ids: list[str] = Field(default_factory=list)

    @staticmethod
    def compute_id(claim_ids: list[str]) -> str:
        return "e_" + stable_hash(sorted(claim_ids))
