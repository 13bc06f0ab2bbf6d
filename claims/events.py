"""Event triggers with their type and phase cues.

``cc_events`` reads ``lexicon/ar/events.yaml`` (trigger groups, phase cues, slot roles) and
``patterns/presence.jsonl`` ("خالية تماماً من أي وجود": a presence of zero). It finds:

- triggers: a verb in any listed conjugation (with و/ف and object pronouns; an imperfect
  with the future prefix سـ counts as planned), a verbal noun or participle (with the
  article, clitics and pronoun suffixes), or a multi-word noun ("إنهاء وجودها");
  a trigger whose group ``requires`` a force, a base or a quantity nearby is dropped (or
  turned into its ``fallback`` event) when the sentence has none;
- merges: two triggers of one type next to each other are one mention ("شنت ... 70
  هجوما"); a convoy noun absorbs the movement verb next to it ("رتل ... يغادر");
- size words: "تضم"، "مؤلف من"، "قوامها" after a convoy (or a force that a withdrawal or
  relocation moves) say what it is made of: no presence claim of their own, and the count
  after them is linked to the convoy or the movement ("قافلة تضم 50 آلية");
- light verbs: "قام الجنود باخلاء القاعده": the verbal noun after "قام/يقوم/سيقوم ب"
  takes the verb's tense;
- phase cues ("تخطط", "سيتم", "بدأت", "في طريقها", "أكملت"...), past-tense markers that
  date a verbal noun ("الهجوم الذي وقع"), and role words before places ("من", "إلى",
  "في", "خارج"...), for the claim assembler.

Everything goes to the layers of :mod:`claims.layers` (offsets in normalised text):
triggers (also as token spans), phase cues, past-tense markers, force and base nouns,
role words and the quantities linked to a trigger.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from claims import layers
from claims.layers import Contract
from claims.model import EventType, Phase
from claims.resources import load_yaml
from claims.sentences import AnchoredMatcher, load_patterns
from claims.tokenizer import (
    MorphologyFile,
    Variant,
    VariantLexicon,
    future_forms,
    load_morphology,
    noun_variants,
    token_table,
    token_words,
    verb_variants,
    without_conjunction,
)

EVENTS_FILE = "lexicon/ar/events.yaml"
PRESENCE_PATTERNS_FILE = "patterns/presence.jsonl"

Tense = Literal["noun", "past", "present", "future", "participle"]
Requirement = Literal["force", "base", "quantity"]
Role = Literal[
    "origin", "destination", "at", "target", "agent", "between", "outside", "breaker", "none"
]
SlotRole = Literal["origin", "destination", "at", "target", "object", "subject"]

_REQUIRE_WINDOW = 8  # tokens around a trigger searched for a required quantity
_NOUN_ABSORB_WINDOW = 3  # a verbal noun this close after a convoy noun is its movement


# --------------------------------------------------------------------------- schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TriggerGroup(_Strict):
    event: EventType
    word: str
    nouns: list[str] = Field(default_factory=list)
    past: list[str] = Field(default_factory=list)
    present: list[str] = Field(default_factory=list)
    participles: list[str] = Field(default_factory=list)
    requires: list[Requirement] = Field(default_factory=list)
    phase: Phase | None = None
    object_role: Literal["origin", "destination", "location"] = "location"
    at_is_destination: bool = False
    transitive: bool = True
    fallback: EventType | None = None


class PhaseCueGroup(_Strict):
    words: list[str] = Field(min_length=1)
    events: list[EventType] | None = None
    position: Literal["before", "after", "any"] = "before"
    window: int = Field(0, ge=0)


class LightVerbs(_Strict):
    """ "قام ب" + verbal noun: the verbs that lend the noun their tense."""

    past: list[str] = Field(default_factory=list)
    present: list[str] = Field(default_factory=list)


class Refinement(_Strict):
    event: EventType
    quantity_unit: str
    becomes: EventType


class UnitEvent(_Strict):
    """Units whose count is a fact of one event: "حصلت القوائم الشيعية على 187 مقعدا" is
    a result of the election the article reports, with no election word of its own."""

    units: list[str] = Field(min_length=1)
    event: EventType
    word: str


class CountSum(_Strict):
    """Units of disjoint kinds whose counts, said together of one whole (`of`), add up to
    a count of that whole in ``whole`` ("242 passengers and 12 crew": 254 people on
    board)."""

    parts: list[str] = Field(min_length=2)
    whole: str
    of: list[str] = Field(min_length=1)


class AllOf(_Strict):
    """Words that make a count all of its noun ("جميع ركاب الطائرة", "all passengers"):
    said with a trigger whose word is in ``after`` (the dead), they also say that none of
    that noun survived: a claim of the trigger group (casualties, ``gives``) counting 0
    of the noun's unit. ``reach``: tokens between the trigger and the word."""

    words: list[str] = Field(min_length=1)
    after: list[str] = Field(min_length=1)
    gives: str
    reach: int = Field(default=3, ge=0)
    # Words that may stand between it and its noun, besides a figure ("all of the").
    between: list[str] = Field(default_factory=list)


class Empties(_Strict):
    """A completed event of ``events`` (a withdrawal) that counts nothing and names no
    part of the force (``partial``: "معظم قواتها", "most of its troops") also says that
    none of the force remains at its place: a denied presence of the trigger group
    (troop_presence, ``gives``) beside it. ``reach``: tokens before the trigger that may
    hold a part word."""

    events: list[EventType] = Field(min_length=1)
    partial: list[str] = Field(default_factory=list)
    gives: str
    reach: int = Field(default=4, ge=0)


class KindUnits(_Strict):
    """Units that name what happened to the people counted ("260 قتيلا" is 260 people
    killed): a claim of ``events`` counts them in ``counts``, and its word is the unit."""

    events: list[EventType] = Field(min_length=1)
    units: list[str] = Field(min_length=1)
    counts: str


class EventsFile(_Strict):
    """Schema of ``lexicon/ar/events.yaml``."""

    version: int
    triggers: list[TriggerGroup]
    phase_cues: dict[Phase, list[PhaseCueGroup]]
    phase_priority: list[Phase]
    past_markers: list[str]
    force_nouns: list[str]
    base_nouns: list[str]
    roles: dict[
        Literal["origin", "destination", "at", "target", "agent", "between", "outside"], list[str]
    ]
    clitic_roles: dict[str, Literal["origin", "destination", "at", "target", "none"]]
    role_breakers: list[str]
    location_roles: dict[EventType, list[SlotRole]]
    motion_events: list[EventType]
    # Units that count a force (soldiers, vehicles, aircraft...). A trigger of
    # `force_count_events` that ``requires`` a quantity needs a count of one of these:
    # "متجهة الى لندن وعلى متنها 242 راكبا" is a flight, "leaving 40 people dead" no
    # departure.
    force_units: list[str] = Field(default_factory=list)
    force_count_events: list[EventType] = Field(default_factory=list)
    refinements: list[Refinement]
    # A count of these units in a clause with no trigger is a claim of the event (a trigger
    # of `event` and `word`) when the article reports that event elsewhere.
    unit_events: list[UnitEvent] = Field(default_factory=list)
    default_phase: dict[EventType, Phase]
    merge_gap: int = Field(ge=0)
    # Trigger words that are never merged with a different word of their type: a count
    # of the dead and a count of the injured are two claims ("قتل 4 وأصيب 7").
    unmerged_words: list[str] = Field(default_factory=list)
    ignored_quantity_units: list[str]
    # Units that count casualties: only a casualties claim takes such a quantity.
    casualty_units: list[str] = Field(default_factory=list)
    kind_units: KindUnits | None = None
    # "مصرع جميع ركاب الطائرة": none of the passengers survived (a count of 0 survivors).
    all_of: AllOf | None = None
    # "اكتمل انسحاب القوات من البلاد": none of the force remains there.
    empties: Empties | None = None
    # Counts of kinds that together make up a whole ("242 راكبا و12 من افراد الطاقم" are
    # 254 people on board): a sum claim beside the parts, compared with reports of the whole.
    count_sums: list[CountSum] = Field(default_factory=list)
    # Words that open a part of the count before them ("26 قتيلا، بينهم أجنبيان", "265
    # people, including 241 of the 242 on board"): a count right after one is not the
    # event's own count when the event has another.
    part_markers: list[str] = Field(default_factory=list)
    # Words right before a trigger that make its event the cause of a count said in the
    # same sentence ("قتل 5 اشخاص، امس، في هجوم على سوق في كركوك", "killed in a crash
    # near X"): a claim of `caused_events` with no place of its own takes its cause's.
    cause_words: list[str] = Field(default_factory=list)
    caused_events: list[EventType] = Field(default_factory=list)
    # Events that happen at one place (an attack): when an article's claims of one state
    # places that all lie on one line of containment ("في كشمير", later "في بلدة
    # باهالجام"), the innermost is where it happened, for those claims and for the
    # `caused_events` counts that took their place from them.
    one_place_events: list[EventType] = Field(default_factory=list)
    # Words right before a trigger of `caused_events` that make it the result of the event
    # before it in the sentence ("انفجرت سيارة مفخخة صباح الاحد، ما اسفر عن مقتل 12"):
    # such a count with no time of its own takes its cause's.
    result_words: list[str] = Field(default_factory=list)
    # Words that open a coordinated clause ("و", "and", a comma): a count or name right
    # after one and right before a verb trigger is that verb's subject ("and 42 others
    # were wounded").
    coordinators: list[str] = Field(default_factory=list)
    convoy_absorbs: list[EventType]
    convoy_window: int = Field(ge=1)
    size_words: list[str]
    size_events: list[EventType]
    size_window: int = Field(ge=1)
    size_count_gap: int = Field(ge=0)
    plan_complement_events: list[EventType]
    no_location_inheritance: list[EventType]
    plan_complement_joiners: list[str]
    plan_complement_clitics: list[str] = Field(default_factory=list)
    plan_complement_window: int = Field(0, ge=0)
    light_verbs: LightVerbs = Field(default_factory=lambda: LightVerbs())
    light_verb_clitic: str = ""
    light_verb_window: int = Field(0, ge=0)
    # A verb and its fixed object ("فتح النار") with the subject between them ("فتح
    # ارهابيون النار"): at most this many words between, no punctuation among them.
    split_verb_gap: int = Field(0, ge=0)
    # Verbs of deciding, agreeing or demanding: the place right after one is its subject,
    # a government ("وافقت واشنطن على سحبهم"), never an event's place.
    agent_verbs: list[str] = Field(default_factory=list)
    # Words between a name the gazetteer does not know and a known place that say the first
    # lies in the second ("قريه الخربه في محافظه ادلب", "the X area of Lahore"); a bearing
    # ("جنوب الموصل") says it lies outside.
    containment_links: list[str] = Field(default_factory=list)
    # Words that may stand between a verb's subject and the force it acts on: "سحبت
    # فرنسا معظم قواتها" (France is who withdrew, not where).
    force_quantifiers: list[str] = Field(default_factory=list)
    # Verb-subject-object order (Arabic): a bare place right after a verb trigger and
    # before the force or base it acts on is the verb's subject, not a place.
    subject_after_verb: bool = False

    @model_validator(mode="after")
    def _complete(self) -> EventsFile:
        problems = []
        if sorted(self.phase_priority) != sorted(["planned", "began", "ongoing", "completed"]):
            problems.append("phase_priority must list each phase once")
        for event in get_args(EventType):
            if event not in self.location_roles:
                problems.append(f"location_roles: no entry for {event}")
        words = {(g.event, g.word) for g in self.triggers}
        for u in self.unit_events:
            if (u.event, u.word) not in words:
                problems.append(f"unit_events: no trigger group {u.event}/{u.word}")
        if self.all_of is not None and ("casualties", self.all_of.gives) not in words:
            problems.append(f"all_of: no trigger group casualties/{self.all_of.gives}")
        if self.empties is not None and ("troop_presence", self.empties.gives) not in words:
            problems.append(f"empties: no trigger group troop_presence/{self.empties.gives}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


def load_events() -> EventsFile:
    return load_yaml(EVENTS_FILE, EventsFile)


# --------------------------------------------------------------------------- mentions


@dataclass(frozen=True)
class TriggerMention:
    tok_start: int
    tok_end: int
    start: int
    end: int
    event: EventType
    word: str
    tense: Tense
    clitic: str
    group: int
    phase: Phase | None = None  # a phase the trigger word itself carries
    zero_presence: bool = False

    @property
    def is_verb(self) -> bool:
        return self.tense in ("past", "present", "future")


@dataclass(frozen=True)
class PhaseCue:
    """A phase cue and how far it reaches before/after itself (None: not on that side,
    0: anywhere in the clause)."""

    tok_start: int
    tok_end: int
    phase: Phase
    events: tuple[EventType, ...] | None
    reach_forward: int | None = 0  # the cue stands before the trigger ("بدأت الانسحاب")
    reach_back: int | None = None  # the cue stands after the trigger ("الانسحاب الجاري")

    def reaches(self, trig: TriggerMention, clause_end: int) -> bool:
        """Whether this cue stands where it can speak about ``trig``."""
        if trig.tok_start <= self.tok_start and self.tok_end <= trig.tok_end:
            return True  # "أولى خطوات" inside a merged trigger
        if self.tok_end <= trig.tok_start:
            w = self.reach_forward
            return w is not None and (w == 0 or trig.tok_start - self.tok_end <= w)
        if trig.tok_end <= self.tok_start < clause_end:
            w = self.reach_back
            return w is not None and (w == 0 or self.tok_start - trig.tok_end <= w)
        return False


@dataclass(frozen=True)
class RoleWord:
    tok_start: int
    tok_end: int
    role: Role
    clitic: str


@dataclass(frozen=True)
class _TriggerKey:
    group: int
    tense: Tense


@dataclass(frozen=True)
class _SplitKey:
    """A verb phrase whose object may come after the subject: the trigger it makes and
    the forms of its verb (with their proclitic)."""

    key: _TriggerKey
    heads: frozenset[tuple[str, str]]


@dataclass(frozen=True)
class _CueKey:
    phase: Phase
    events: tuple[EventType, ...] | None
    reach_forward: int | None = 0
    reach_back: int | None = None


def _cue_key(phase: Phase, group: PhaseCueGroup) -> _CueKey:
    events = tuple(group.events) if group.events else None
    forward = group.window if group.position in ("before", "any") else None
    back = group.window if group.position in ("after", "any") else None
    return _CueKey(phase, events, forward, back)


def _wider(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return a if b is None else b
    return 0 if 0 in (a, b) else max(a, b)


# --------------------------------------------------------------------------- lexicon


def _tail_variants(word: str, morph: MorphologyFile, *, suffixes: bool) -> list[str]:
    """Forms of the last word of a phrase: as written, with the article, with a pronoun."""
    out = [word]
    if not word.startswith(morph.article):
        out.append(morph.article + word)
        if suffixes:
            stem = word[:-1] + morph.ta_before_suffix if word.endswith(morph.ta_marbuta) else word
            out.extend(stem + s for s in morph.pronoun_suffixes)
    return out


def _phrase_variants(
    text: str, morph: MorphologyFile, first: list[Variant]
) -> list[tuple[tuple[str, ...], str]]:
    tokens = text.split()
    if len(tokens) == 1:
        return [((v.text,), v.clitic) for v in first]
    tails = _tail_variants(tokens[-1], morph, suffixes=True)
    middle = tuple(tokens[1:-1])
    return [((v.text, *middle, tail), v.clitic) for v in first for tail in tails]


class EventLexicon:
    """events.yaml compiled into token lexicons (built once per vocab)."""

    def __init__(self, data: EventsFile, morph: MorphologyFile) -> None:
        self.data = data
        self.morph = morph
        self.triggers: VariantLexicon[_TriggerKey] = VariantLexicon("event_triggers")
        self.cues: VariantLexicon[_CueKey] = VariantLexicon("phase_cues")
        self.past: VariantLexicon[str] = VariantLexicon("past_markers")
        self.support: VariantLexicon[str] = VariantLexicon("force_base_nouns")
        self.roles: VariantLexicon[str] = VariantLexicon("role_words")
        self.size: VariantLexicon[str] = VariantLexicon("size_words")
        self.light: VariantLexicon[Tense] = VariantLexicon("light_verbs")
        # the object of a verb phrase -> the phrases it ends (see ``split_verb_gap``)
        self.split: VariantLexicon[tuple[_SplitKey, ...]] = VariantLexicon("split_verbs")
        self._split: dict[tuple[str, ...], list[_SplitKey]] = {}
        for gi, group in enumerate(data.triggers):
            self._add_group(gi, group)
        for tail, keys in self._split.items():
            self.split.add(tail, tuple(keys))
        for phase, groups in data.phase_cues.items():
            for cg in groups:
                for word in cg.words:
                    self._add_cue(word, _cue_key(phase, cg))
        for word in data.past_markers:
            first = word.split()[0]
            for tokens, clitic in _phrase_variants(word, morph, verb_variants(first, morph)):
                self.past.add(tokens, "past", clitic)
        for kind, words in (("force", data.force_nouns), ("base", data.base_nouns)):
            for word in words:
                first = word.split()[0]
                # "اغلقت قاعدتها": a base noun with a possessive pronoun is still a base.
                variants = noun_variants(first, morph, definite=True, suffixes=kind == "base")
                for tokens, clitic in _phrase_variants(word, morph, variants):
                    self.support.add(tokens, kind, clitic)
                if kind == "force":
                    # "سحبت روسيا قواتها": an owned force opens the object of a verb
                    # (see layers.SUPPORT_NOUNS), though it meets no requirement.
                    owned = noun_variants(first, morph, definite=True, suffixes=True)
                    for tokens, clitic in _phrase_variants(word, morph, owned):
                        if self.support.lookup(tokens) is None:
                            self.support.add(tokens, "owned_force", clitic)
        for role, words in data.roles.items():
            for word in words:
                tokens = tuple(word.split())
                self.roles.add(tokens, role)
                for pro in morph.conjunctions:
                    self.roles.add((pro + tokens[0], *tokens[1:]), role, pro)
        for word in data.role_breakers:
            tokens = tuple(word.split())
            self.roles.add(tokens, "breaker")
            for pro in morph.conjunctions:
                self.roles.add((pro + tokens[0], *tokens[1:]), "breaker", pro)
        for word in data.size_words:
            tokens = tuple(word.split())
            self.size.add(tokens, "size")
            for pro in morph.conjunctions:
                self.size.add((pro + tokens[0], *tokens[1:]), "size", pro)
        light: list[tuple[str, Tense]] = [(w, "past") for w in data.light_verbs.past]
        for word in data.light_verbs.present:
            light.append((word, "present"))
            light += [(f, "future") for f in future_forms(word, morph)]
        for word, tense in light:
            for v in verb_variants(word, morph, object_suffixes=False):
                self.light.add((v.text,), tense, v.clitic)

    def _add_group(self, gi: int, group: TriggerGroup) -> None:
        morph = self.morph
        for text in group.nouns:
            first = text.split()[0]
            variants = noun_variants(first, morph, definite=True, suffixes=len(text.split()) == 1)
            for tokens, clitic in _phrase_variants(text, morph, variants):
                self.triggers.add(tokens, _TriggerKey(gi, "noun"), clitic)
        for text in group.participles:
            variants = noun_variants(text, morph, definite=True, suffixes=False)
            for tokens, clitic in _phrase_variants(text, morph, variants):
                self.triggers.add(tokens, _TriggerKey(gi, "participle"), clitic)
        for tense, forms in (("past", group.past), ("present", group.present)):
            for text in forms:
                first = text.split()[0]
                firsts = verb_variants(first, morph, object_suffixes=group.transitive)
                for tokens, clitic in _phrase_variants(text, morph, firsts):
                    self.triggers.add(tokens, _TriggerKey(gi, tense), clitic)  # type: ignore[arg-type]
                if len(text.split()) > 1 and self.data.split_verb_gap:
                    heads = frozenset((v.text, v.clitic) for v in firsts)
                    split = _SplitKey(_TriggerKey(gi, tense), heads)  # type: ignore[arg-type]
                    for tokens, _ in _phrase_variants(text, morph, firsts[:1]):
                        self._split.setdefault(tokens[1:], []).append(split)
                if tense == "present":
                    for future in future_forms(first, morph):
                        rest = text.split()[1:]
                        fut_text = " ".join([future, *rest])
                        fut_first = verb_variants(future, morph, object_suffixes=group.transitive)
                        for tokens, clitic in _phrase_variants(fut_text, morph, fut_first):
                            self.triggers.add(tokens, _TriggerKey(gi, "future"), clitic)

    def _add_cue(self, word: str, key: _CueKey) -> None:
        morph = self.morph
        tokens = word.split()
        first = tokens[0]
        variants = noun_variants(first, morph, definite=False, suffixes=len(tokens) == 1)
        for toks, clitic in _phrase_variants(word, morph, variants):
            self._put_cue(toks, key, clitic)
        if len(tokens) == 1 and first[:1] in morph.imperfect_prefixes:
            planned = _CueKey("planned", key.events, key.reach_forward, key.reach_back)
            for future in future_forms(first, morph):
                for v in verb_variants(future, morph, object_suffixes=False):
                    self._put_cue((v.text,), planned, v.clitic)

    def _put_cue(self, toks: tuple[str, ...], key: _CueKey, clitic: str) -> None:
        known = self.cues.lookup(toks)
        if known is not None and known[0].phase == key.phase and known[1] == clitic:
            # The same word in two groups of one phase ("بدأ" before or right after the
            # trigger): it reaches as far as either group allows.
            old = known[0]
            merged = _CueKey(
                key.phase,
                key.events if key.events == old.events else None,
                _wider(old.reach_forward, key.reach_forward),
                _wider(old.reach_back, key.reach_back),
            )
            self.cues.replace(toks, merged, clitic)
        else:
            self.cues.add(toks, key, clitic)

    def build(self, vocab: Vocab) -> None:
        for lex in (
            self.triggers,
            self.cues,
            self.past,
            self.support,
            self.roles,
            self.size,
            self.light,
            self.split,
        ):
            lex.build(vocab)


# --------------------------------------------------------------------------- component


class EventsComponent:
    # Entity names and multi-word reporting cues are never triggers; a count is linked to
    # the trigger it counts.
    contract: ClassVar[Contract] = Contract(
        provides=frozenset({"event", "event_word", "phase"}),
        reads=(layers.SENTENCES, layers.ENTITIES, layers.REPORTING_CUES),
        reads_if_present=(layers.QUANTITY_SPANS, layers.QUANTITIES),
        writes=(
            layers.TRIGGERS,
            layers.TRIGGER_SPANS,
            layers.PHASE_CUES,
            layers.PAST_MARKERS,
            layers.SUPPORT_NOUNS,
            layers.ROLE_WORDS,
            layers.QUANTITY_LINKS,
        ),
    )

    def __init__(self, lex: EventLexicon, vocab: Vocab) -> None:
        self.lex = lex
        self.data = lex.data
        self.presence = AnchoredMatcher(vocab, load_patterns(PRESENCE_PATTERNS_FILE))
        self._presence_group = next(
            (i for i, g in enumerate(self.data.triggers) if g.event == "troop_presence"), 0
        )

    def __call__(self, doc: Doc) -> Doc:
        triggers = self._triggers(doc)
        layers.TRIGGERS.set(doc, triggers)
        cues = [
            PhaseCue(
                m.start,
                m.end,
                m.payload.phase,
                m.payload.events,
                m.payload.reach_forward,
                m.payload.reach_back,
            )
            for m in self.lex.cues(doc)
        ]
        layers.PHASE_CUES.set(doc, cues)
        layers.PAST_MARKERS.set(doc, [m.start for m in self.lex.past(doc)])
        layers.SUPPORT_NOUNS.set(doc, sorted({m.start for m in self.lex.support(doc)}))
        roles = [
            RoleWord(m.start, m.end, m.payload, m.clitic)  # type: ignore[arg-type]
            for m in self.lex.roles(doc)
        ]
        layers.ROLE_WORDS.set(doc, roles)
        layers.TRIGGER_SPANS.set(
            doc, [Span(doc, t.tok_start, t.tok_end, label=t.event) for t in triggers]
        )
        return doc

    def _triggers(self, doc: Doc) -> list[TriggerMention]:
        data = self.data
        found: list[TriggerMention] = []
        zero_spans: list[tuple[int, int]] = []
        for _, start, end in self.presence(doc):
            zero_spans.append((start, end))
        zero_spans = _longest(zero_spans)
        for start, end in zero_spans:
            found.append(
                TriggerMention(
                    start,
                    end,
                    doc[start].idx,
                    _end_char(doc, end),
                    "troop_presence",
                    "presence",
                    "noun",
                    "",
                    self._presence_group,
                    zero_presence=True,
                )
            )
        blocked = _blocked_tokens(doc)
        named = _fronted_sources(doc)
        for m in self.lex.triggers(doc):
            if any(s < m.end and m.start < e for s, e in zero_spans):
                continue
            if all(i in blocked for i in range(m.start, m.end)):
                continue  # a word inside a name ("هيئة الحشد") or a reporting cue
            if m.payload.tense in ("noun", "participle") and all(
                i in named for i in range(m.start, m.end)
            ):
                continue  # "وفقا لمركز رصد الزلازل، ...": the centre is no earthquake
            group = data.triggers[m.payload.group]
            found.append(
                TriggerMention(
                    m.start,
                    m.end,
                    doc[m.start].idx + len(m.clitic),
                    _end_char(doc, m.end),
                    group.event,
                    group.word,
                    m.payload.tense,
                    m.clitic,
                    m.payload.group,
                    phase=group.phase,
                )
            )
        found = self._split_verbs(doc, found, blocked)
        found.sort(key=lambda t: t.tok_start)
        found, sized = self._size_words(doc, found)
        found = self._merge_same(doc, found)
        found = self._absorb_into_convoys(doc, found)
        found = self._check_requirements(doc, found)
        found = self._lend_tense(doc, found)
        found = self._link_unit_triggers(doc, found)
        self._link_sizes(doc, found, sized)
        return found

    def _split_verbs(
        self, doc: Doc, found: list[TriggerMention], blocked: set[int]
    ) -> list[TriggerMention]:
        """A verb phrase with its subject between the verb and its object ("فتح ارهابيون
        النار بعد ظهر الثلاثاء"): one trigger over the three, replacing the triggers
        inside it (at most ``split_verb_gap`` words between, none a punctuation mark, a
        preposition or a trigger: "فتح تحقيقا في اطلاق النار" is no shooting's verb)."""
        gap = self.data.split_verb_gap
        if not gap:
            return found
        words = token_words(doc)
        stops: set[int] | None = None
        for m in self.lex.split(doc):
            if stops is None:  # a preposition or a trigger parts a verb from its object
                stops = {i for r in self.lex.roles(doc) for i in range(r.start, r.end)}
                stops |= {i for t in found for i in range(t.tok_start, t.tok_end)}
            heads = {head: (key, clitic) for key in m.payload for head, clitic in key.heads}
            hit: tuple[_SplitKey, str] | None = None
            between = 0
            k = m.start - 1
            while k >= 0:
                word = words[k]
                if word.strip():
                    hit = heads.get(word)
                    if hit is not None or between == gap or k in stops:
                        break
                    if not any(c.isalnum() for c in word):
                        break
                    between += 1
                k -= 1
            if hit is None or between == 0 or k in blocked:
                continue
            key, clitic = hit
            group = self.data.triggers[key.key.group]
            found = [t for t in found if not (k <= t.tok_start and t.tok_end <= m.end)]
            found.append(
                TriggerMention(
                    k,
                    m.end,
                    doc[k].idx + len(clitic),
                    _end_char(doc, m.end),
                    group.event,
                    group.word,
                    key.key.tense,
                    clitic,
                    key.key.group,
                    phase=group.phase,
                )
            )
        return found

    def _lend_tense(self, doc: Doc, triggers: list[TriggerMention]) -> list[TriggerMention]:
        """ "قام الجنود، الاحد، باخلاء القاعده": the verbal noun after a light verb (with
        its proclitic, the next trigger in the sentence, close enough) takes the verb's
        tense, so its phase and modality read as the verb's would."""
        data = self.data
        matches = self.lex.light(doc) if data.light_verb_clitic else []
        if not matches:
            return triggers
        sentence_of = _sentence_of_tokens(doc)
        out = list(triggers)
        for m in matches:
            k = next((i for i, t in enumerate(out) if t.tok_start >= m.end), None)
            if k is None:
                continue
            t = out[k]
            if (
                t.tense == "noun"
                and t.tok_start - m.end <= data.light_verb_window
                and sentence_of(t.tok_start) == sentence_of(m.start)
                and without_conjunction(t.clitic, self.lex.morph) == data.light_verb_clitic
            ):
                out[k] = replace(t, tense=m.payload)
        return out

    def _size_words(
        self, doc: Doc, triggers: list[TriggerMention]
    ) -> tuple[list[TriggerMention], list[tuple[int, int]]]:
        """Size words whose head is a convoy or a moved force ("قافلة تضم", "أرسلت قوة
        قوامها"): triggers read from them are dropped (no presence claim); returns the
        rest and, per such word, (a token of the head trigger, the word's end)."""
        matches = self.lex.size(doc)
        if not matches:
            return triggers, []
        data = self.data
        sentence_of = _sentence_of_tokens(doc)
        moving = set(data.size_events)
        # Heads a size word can describe, by their last token: convoys, forces, places.
        heads: list[tuple[int, str, int]] = []
        for t in triggers:
            if t.event == "convoy_departure":
                heads.append((t.tok_end - 1, "convoy", t.tok_start))
        for m in self.lex.support(doc):
            heads.append((m.end - 1, "force" if m.payload == "force" else "place", m.start))
        for e in layers.ENTITIES.get(doc):
            if e.kind == "place":
                heads.append((e.tok_end - 1, "place", e.tok_start))
            elif e.category == "military":
                heads.append((e.tok_end - 1, "force", e.tok_start))
        rank = {"convoy": 2, "force": 1, "place": 0}
        dropped: set[int] = set()
        sized: list[tuple[int, int]] = []
        for m in matches:
            sent = sentence_of(m.start)
            near = [
                h
                for h in heads
                if h[0] < m.start
                and m.start - h[0] <= data.size_window
                and sentence_of(h[0]) == sent
            ]
            if not near:
                continue
            # The nearest head; at one token a convoy noun beats the force noun it also is.
            pos, kind, start = max(near, key=lambda h: (h[0], rank[h[1]]))
            if kind == "place":
                continue  # "القاعدة التي تضم 2500 جندي": a presence, as the lexicon says
            inside = [
                i for i, t in enumerate(triggers) if m.start <= t.tok_start and t.tok_end <= m.end
            ]
            head: int | None = None
            if kind == "convoy":
                head = start
            else:
                # "أرسلت قوة تضم": the movement whose object the force is.
                for i in range(len(triggers) - 1, -1, -1):
                    t = triggers[i]
                    if i in inside or t.tok_start >= start:
                        continue
                    if (
                        t.event in moving
                        and start - t.tok_end <= data.size_window
                        and sentence_of(t.tok_start) == sent
                    ):
                        head = t.tok_start
                    break
            if head is None:
                continue
            dropped.update(inside)
            sized.append((head, m.end))
        return [t for i, t in enumerate(triggers) if i not in dropped], sized

    def _link_sizes(
        self, doc: Doc, triggers: list[TriggerMention], sized: list[tuple[int, int]]
    ) -> None:
        """Link the count right after each size word to the trigger that now holds its
        head (a convoy may have absorbed a verb since)."""
        if not sized or not layers.QUANTITY_SPANS.has(doc):
            return
        links = layers.QUANTITY_LINKS.setdefault(doc, {})
        gap = self.data.size_count_gap
        for head, word_end in sized:
            owner = next((t for t in triggers if t.tok_start <= head < t.tok_end), None)
            if owner is None:
                continue
            for span in layers.QUANTITY_SPANS.spans(doc):
                if word_end <= span.start <= word_end + gap:
                    links[span.start] = owner.tok_start
                    break

    def _link_unit_triggers(self, doc: Doc, triggers: list[TriggerMention]) -> list[TriggerMention]:
        """A trigger that is the counted noun of a quantity ("50 ألف قتيل") is not a new
        event when the sentence already named one of its type before ("حصيلة الضحايا"):
        it is dropped and its quantity linked to that trigger. That trigger takes one count:
        in a list of counts ("290 وفاة بإقليم الحوز، و190 وفاة بإقليم تارودانت", "10 قتلى
        و20 جريحا"), a counted noun after a counted noun, or after the head's own count, is
        an event of its own, with the place said after it."""
        if not layers.QUANTITY_SPANS.has(doc):
            return triggers
        sentence_of = _sentence_of_tokens(doc)
        spans = layers.QUANTITY_SPANS.spans(doc)
        counted = {  # triggers that hold a count of their own ("حصيلة الضحايا إلى 50 قتيلا")
            ti
            for ti, t in enumerate(triggers)
            if any(s.start < t.tok_end and t.tok_start < s.end for s in spans)
        }
        links: dict[int, int] = {}
        dropped: set[int] = set()
        taken: set[int] = set()
        for span in spans:
            for ti, t in enumerate(triggers):
                if not (span.start <= t.tok_start and t.tok_end <= span.end):
                    continue
                earlier = [
                    oi
                    for oi, o in enumerate(triggers[:ti])
                    if o.event == t.event and sentence_of(o.tok_start) == sentence_of(t.tok_start)
                ]
                distinct = self.data.unmerged_words
                if (
                    earlier
                    and earlier[-1] not in counted
                    and earlier[-1] not in taken
                    # "قتلى ... و329 مصابا": the injured are not the dead's count
                    and not (
                        triggers[earlier[-1]].word != t.word
                        and triggers[earlier[-1]].word in distinct
                        and t.word in distinct
                    )
                ):
                    links[span.start] = triggers[earlier[-1]].tok_start
                    taken.add(earlier[-1])
                    dropped.add(ti)
        layers.QUANTITY_LINKS.set(doc, links)
        return [t for i, t in enumerate(triggers) if i not in dropped]

    def _merge_same(self, doc: Doc, triggers: list[TriggerMention]) -> list[TriggerMention]:
        quantity_tokens = _quantity_tokens(doc)
        out: list[TriggerMention] = []
        for t in triggers:
            if out and _mergeable(doc, out[-1], t, self.data, quantity_tokens):
                out[-1] = _merged(out[-1], t, out[-1].event)
            else:
                out.append(t)
        return out

    def _absorb_into_convoys(
        self, doc: Doc, triggers: list[TriggerMention]
    ) -> list[TriggerMention]:
        absorbs = set(self.data.convoy_absorbs)
        window = self.data.convoy_window
        used: set[int] = set()
        out = list(triggers)
        for ci, c in enumerate(triggers):
            if c.event != "convoy_departure":
                continue
            best: int | None = None
            for ti, t in enumerate(triggers):
                if ti == ci or ti in used or t.event not in absorbs:
                    continue
                before = c.tok_start - t.tok_end
                after = t.tok_start - c.tok_end
                reach = _NOUN_ABSORB_WINDOW if t.tense == "noun" else window
                if not (0 <= after <= reach or (t.tense != "noun" and 0 <= before <= 3)):
                    continue
                lo, hi = min(c.tok_start, t.tok_start), max(c.tok_end, t.tok_end)
                if any(
                    k not in (ci, ti) and lo <= o.tok_start < hi for k, o in enumerate(triggers)
                ) or _crosses_sentence(doc, lo, hi):
                    continue
                best = ti
                break
            if best is not None:
                used.add(best)
                out[ci] = _merged(c, triggers[best], "convoy_departure", tense=triggers[best].tense)
        return [t for i, t in enumerate(out) if i not in used]

    def _check_requirements(self, doc: Doc, triggers: list[TriggerMention]) -> list[TriggerMention]:
        data = self.data
        sentence_of = _sentence_of_tokens(doc)
        force_toks: list[int] = []
        base_by_sentence: set[int] = set()
        for m in self.lex.support(doc):
            if m.payload == "force":
                force_toks.append(m.start)
            elif m.payload == "base":
                base_by_sentence.add(sentence_of(m.start))
        for e in layers.ENTITIES.get(doc):
            if e.kind == "actor" and e.category == "military":
                force_toks.append(e.tok_start)
            if e.kind == "place" and e.type == "base":
                base_by_sentence.add(sentence_of(e.tok_start))
        force_toks.sort()
        quantity_tokens = sorted(_quantity_tokens(doc))
        force_units = set(data.force_units)
        force_counts = sorted(
            i
            for q in layers.QUANTITIES.get(doc)
            if q.unit in force_units and q.span is not None
            and (span := doc.char_span(q.span.start, q.span.end, alignment_mode="expand"))
            for i in range(span.start, span.end)
        )
        force_count_events = set(data.force_count_events)

        table = token_table(doc)

        def near(positions: list[int], t: TriggerMention) -> bool:
            """A position within the window, with no punctuation in between."""
            lo = bisect_left(positions, t.tok_start - _REQUIRE_WINDOW)
            for p in positions[lo:]:
                if p >= t.tok_end + _REQUIRE_WINDOW:
                    break
                a, b = (p, t.tok_start) if p < t.tok_start else (t.tok_end, p)
                if not any(table.punct[i] for i in range(a, b)):
                    return True
            return False

        out: list[TriggerMention] = []
        for t in triggers:
            group = data.triggers[t.group]
            needs = group.requires
            if not needs or t.zero_presence or t.event == "convoy_departure":
                out.append(t)
                continue
            ok = False
            for need in needs:
                if need == "force":
                    ok = near(force_toks, t)
                elif need == "base":
                    ok = sentence_of(t.tok_start) in base_by_sentence
                elif t.event in force_count_events:
                    ok = near(force_counts, t)
                else:
                    ok = near(quantity_tokens, t)
                if ok:
                    break
            if ok:
                out.append(t)
            elif group.fallback is not None:
                out.append(replace(t, event=group.fallback))
        return out


def _end_char(doc: Doc, tok_end: int) -> int:
    last = doc[tok_end - 1]
    return last.idx + len(last.text)


def _longest(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]))):
        if out and s < out[-1][1]:
            continue
        out.append((s, e))
    return out


def _blocked_tokens(doc: Doc) -> set[int]:
    """Tokens inside an entity name or a reporting cue cannot be triggers ("نقلت وكالة",
    "هيئة المسح")."""
    blocked: set[int] = set()
    for e in layers.ENTITIES.get(doc):
        blocked.update(range(e.tok_start, e.tok_end))
    for r in layers.REPORTING_CUES.get(doc):
        if r.tok_end - r.tok_start > 1:
            blocked.update(range(r.tok_start, r.tok_end))
    return blocked


def _fronted_sources(doc: Doc) -> set[int]:
    """Tokens of a source that a preposition at the head of its sentence names up to its
    comma ("وفقا لمركز رصد الزلازل الاوروبي، ..."): a noun there is part of the name, not
    an event. (After the figure, "وفق حصيله غير نهائيه" may well be a toll.)"""
    named: set[int] = set()
    heads = {s.tok_start for s in layers.SENTENCES.get(doc)}
    for r in layers.REPORTING_CUES.get(doc):
        if r.kind_of_cue == "preposition" and r.source_closed and r.tok_start in heads:
            name = doc.char_span(r.source_start, r.source_end, alignment_mode="expand")
            if name is not None:
                named.update(range(name.start, name.end))
    return named


def _quantity_tokens(doc: Doc) -> set[int]:
    out: set[int] = set()
    for span in layers.QUANTITY_SPANS.spans(doc):
        out.update(range(span.start, span.end))
    return out


def _mergeable(
    doc: Doc, a: TriggerMention, b: TriggerMention, data: EventsFile, quantity_tokens: set[int]
) -> bool:
    if a.event != b.event or a.zero_presence or b.zero_presence:
        return False
    distinct = data.unmerged_words
    if a.word != b.word and a.word in distinct and b.word in distinct:
        return False  # "قتل 4 وأصيب 7": the dead and the injured are two counts
    gap = [i for i in range(a.tok_end, b.tok_start) if i not in quantity_tokens]
    if len(gap) > data.merge_gap:
        return False
    if b.tok_start in quantity_tokens and any(
        a.tok_start <= s.start and s.end <= b.tok_start for s in layers.QUANTITY_SPANS.spans(doc)
    ):
        return False  # "50 قتيلا و120 جريحا": a second count is a second mention
    return not any(doc[i].is_punct or doc[i].is_space for i in range(a.tok_end, b.tok_start))


def _merged(
    a: TriggerMention, b: TriggerMention, event: EventType, tense: Tense | None = None
) -> TriggerMention:
    first, second = (a, b) if a.tok_start <= b.tok_start else (b, a)
    if tense is None:
        verbs = [t for t in (a, b) if t.is_verb]
        tense = verbs[0].tense if verbs else a.tense
    return TriggerMention(
        first.tok_start,
        max(a.tok_end, b.tok_end),
        first.start,
        max(a.end, b.end),
        event,
        a.word,
        tense,
        first.clitic,
        a.group,
        phase=a.phase or b.phase,
    )


def _crosses_sentence(doc: Doc, lo: int, hi: int) -> bool:
    sentence_of = _sentence_of_tokens(doc)
    return sentence_of(lo) != sentence_of(hi - 1)


def _sentence_of_tokens(doc: Doc) -> Callable[[int], int]:
    starts = [s.tok_start for s in layers.SENTENCES.get(doc)] or [0]

    def sentence_of(i: int) -> int:
        return bisect_left(starts, i + 1) - 1

    return sentence_of


@Language.factory("cc_events")
def make_events(nlp: Language, name: str) -> EventsComponent:
    lex = EventLexicon(load_events(), load_morphology())
    lex.build(nlp.vocab)
    return EventsComponent(lex, nlp.vocab)
