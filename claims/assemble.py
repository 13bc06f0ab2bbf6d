"""Claim assembly: one claim per event mention, with the slots found around it.

Inside a clause each slot mention (place, actor, time, quantity) belongs to the trigger
before it (Arabic puts the slots after the verb or verbal noun); mentions shortly before
the first trigger belong to the first, and nothing belongs to a trigger across a
connector ("، حيث", "، بينما"...). A place's role comes from the word that opens its
phrase: "من" origin, "إلى/نحو/باتجاه" destination, "في/بـ/داخل" at, "على" target, "خارج"
outside (complement), "بقيادة/المدعومة من" agent; a bare place is the subject before its
trigger and the object right after it. Each event type ranks the roles that give its
location (``location_roles`` in events.yaml); several unrelated places in the best role
leave the location unresolved rather than picking one.

A slot the clause does not give its trigger is taken, in this order and only when exactly
one candidate exists: the place named before it in the clause, or the clause's only place
that fits; the claims of earlier clauses of the sentence; the previous sentence of the
paragraph (same event type); the headline (same event type); and for the location the
last claim of the same event type a few sentences back in the section ("the withdrawal"
refers to the last withdrawal named). Across sentences only a place the text gave for
that claim is passed on. Of two counts of one event joined by "و" (the dead, then the
injured), the first takes the place and time said after the second when it has none.
Destinations and quantities are never inherited; a slot that cannot be resolved stays
None.

Last, the lead carries: a claim still without a time takes the one day (or weekday) that
every earlier claim of its event in the article states, headline and a title outside the
text included, and a claim without a place their one gazetteer place (see ``_carry`` for
what is never carried). A carried time has anchor "context" and says so in its reason.

A short sentence with a figure but no trigger, right after a sentence with one kind of
event (a table row under another), continues that event.

Every span is mapped back to the original article text before the claim is built.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date
from typing import ClassVar, TypeVar

from spacy.tokens import Doc

from claims import layers
from claims.attribution import ModalityCue, ReportCue
from claims.context import SETTINGS as CONTEXT_SETTINGS
from claims.context import ContextSettings, ReferenceDate
from claims.entities import EntityMention
from claims.events import EventsFile, PhaseCue, RoleWord, TriggerMention, load_events
from claims.layers import Contract
from claims.lexicon.schemas import en_units_lexicon, units_lexicon
from claims.model import (
    DERIVED_FROM,
    PLACE_FACT_WORD,
    Article,
    Attribution,
    Claim,
    Entity,
    EventType,
    Modality,
    Phase,
    Quantity,
    Span,
    TimeValue,
)
from claims.normalize import Normalized
from claims.quantity import TOTAL, since_event
from claims.sentences import ClauseInfo, SentenceInfo
from claims.tokenizer import (
    MorphologyFile,
    TokenTable,
    doc_text,
    load_morphology,
    starts_with_conjunction,
    token_table,
    without_conjunction,
)

_IDLE_LIMIT = 3  # tokens a role phrase survives without a place
# Places inherited from outside the sentence: a cause named in the sentence comes first.
_LOOSE_PLACE = frozenset({"previous_sentence", "headline", "section"})
_BEFORE_LIMIT = 8  # tokens before the first trigger a place or quantity may stand
_SINCE_REACH = 4  # tokens from an elapsed time to the event it counts from
_OBJECT_GAP = 3  # words (outside names) between a trigger and its bare object
_AUXILIARIES = 2  # words between a subject and its verb trigger ("others were wounded")
_OTHER_COUNTS = 3  # figures of other kinds a trigger may give beside its own
_RESULT_REACH = 2  # words between "ما اسفر عن" and its count's trigger ("سقوط 260")
_EVIDENCE_REACH = 12  # tokens from the trigger a slot may be to widen the evidence
_CHAIN_SENTENCES = 5  # how far back "the withdrawal" may refer
_CONTINUATION_MAX_TOKENS = 16
_CARRIED_MODALITIES = ("expected", "planned", "hypothetical", "reported")
_NOT_LOCATION_ROLES = ("destination", "agent", "between", "outside", "other")

TokRange = tuple[int, int]
V = TypeVar("V", TimeValue, Quantity)


@dataclass
class _Slot:
    """A mention placed in a clause: which trigger owns it (-1: none) and its role."""

    tok_start: int
    tok_end: int
    owner: int
    role: str | None = None
    entity: EntityMention | None = None
    time: TimeValue | None = None
    quantity: Quantity | None = None

    def chars(self) -> TokRange | None:
        if self.entity is not None:
            return self.entity.start, self.entity.end
        value = self.time or self.quantity
        if value is not None and value.span is not None:
            return value.span.start, value.span.end
        return None


@dataclass
class _Draft:
    """A claim under construction, offsets still normalised."""

    trigger: TriggerMention
    sentence: SentenceInfo
    clause: ClauseInfo
    event: EventType
    phase: Phase | None
    phase_weak: bool
    modality: Modality
    modality_own: bool
    location: EntityMention | None
    location_ambiguous: bool
    destinations: list[EntityMention]
    actors: list[EntityMention]
    time: TimeValue | None
    quantity: Quantity | None
    attribution: ReportCue | None
    evidence: TokRange
    continuation: bool = False
    own_location: bool = True
    nearby_place: EntityMention | None = None  # the last fitting place before the trigger
    clause_place: EntityMention | None = None  # the clause's only fitting place
    inherited: dict[str, str] = field(default_factory=dict)
    external: bool = False  # a headline outside the text, read only as context
    cause_frame: bool = False  # "في هجوم": the event a count of the sentence comes from
    result_frame: bool = False  # "ما اسفر عن مقتل": a count the event before it caused


@dataclass
class _Layers:
    """What the pipeline left on one doc, read once."""

    doc: Doc
    text: str
    table: TokenTable
    sentences: list[SentenceInfo]
    clauses: list[ClauseInfo]
    triggers: list[TriggerMention]
    entities: list[EntityMention]
    times: list[tuple[TokRange, TimeValue]]
    quantities: list[tuple[TokRange, Quantity]]
    cues: list[PhaseCue]
    past: list[int]
    role_at: dict[int, RoleWord]
    frames: list[TokRange]
    reports: list[ReportCue]
    modal: list[ModalityCue]
    soft_breaks: list[int]
    quantity_links: dict[int, int]
    dateline: tuple[int, int] | None
    filed_from: frozenset[tuple[int, int]]  # the places of the dateline
    written: date | None  # the day the article was written (publication or its text)
    support: frozenset[int]  # tokens that open a force or base noun

    @classmethod
    def read(cls, doc: Doc) -> _Layers:
        table = token_table(doc)
        reports = layers.REPORTING_CUES.get(doc)
        return cls(
            doc=doc,
            text=doc_text(doc),
            table=table,
            sentences=layers.SENTENCES.get(doc),
            clauses=layers.CLAUSES.get(doc),
            triggers=layers.TRIGGERS.get(doc),
            entities=layers.ENTITIES.get(doc),
            times=_token_ranges(table, layers.TIMES.get(doc), len(doc)),
            quantities=_token_ranges(table, layers.QUANTITIES.get(doc), len(doc)),
            cues=layers.PHASE_CUES.get(doc),
            past=sorted(layers.PAST_MARKERS.get(doc)),
            role_at={r.tok_start: r for r in layers.ROLE_WORDS.get(doc)},
            frames=[(r.tok_start, r.frame_end) for r in reports if r.frame_end is not None],
            reports=reports,
            modal=layers.MODALITY_CUES.get(doc),
            soft_breaks=layers.SOFT_BREAKS.get(doc),
            quantity_links=layers.QUANTITY_LINKS.get(doc),
            dateline=layers.DATELINE.get(doc),
            filed_from=frozenset(layers.DATELINE_PLACES.get(doc)),
            written=_written(doc),
            support=frozenset(layers.SUPPORT_NOUNS.get(doc)),
        )


class Assembler:
    """Builds claims from a processed doc (stateless between calls: thread-safe)."""

    # The claim fields of the claim itself; the slots are the components'. Times and
    # amounts come from optional taggers.
    contract: ClassVar[Contract] = Contract(
        provides=frozenset(
            {"id", "article_id", "evidence", "quote", "extractor", "published", "inherited"}
        ),
        reads=(
            layers.SENTENCES,
            layers.CLAUSES,
            layers.SOFT_BREAKS,
            layers.ENTITIES,
            layers.DATELINE,
            layers.DATELINE_PLACES,
            layers.REPORTING_CUES,
            layers.MODALITY_CUES,
            layers.TRIGGERS,
            layers.PHASE_CUES,
            layers.PAST_MARKERS,
            layers.SUPPORT_NOUNS,
            layers.ROLE_WORDS,
            layers.QUANTITY_LINKS,
        ),
        reads_if_present=(
            layers.TIMES, layers.QUANTITIES, layers.REFERENCE_DATE, layers.PUBLISHED
        ),
    )

    def __init__(
        self,
        data: EventsFile | None = None,
        morph: MorphologyFile | None = None,
        settings: ContextSettings | None = None,
    ) -> None:
        self.data = data or load_events()
        self.morph = morph or load_morphology()
        self.settings = settings or CONTEXT_SETTINGS
        self.priority = {p: i for i, p in enumerate(self.data.phase_priority)}
        self.ignored_units = frozenset(self.data.ignored_quantity_units)
        self.casualty_units = frozenset(self.data.casualty_units)
        self.part_markers = [tuple(m.split()) for m in self.data.part_markers]
        self.plan_events = frozenset(self.data.plan_complement_events)
        self.plan_joiners = frozenset(self.data.plan_complement_joiners)
        self.plan_clitics = frozenset(self.data.plan_complement_clitics)
        self.no_inheritance = frozenset(self.data.no_location_inheritance)
        self.cause_words = [tuple(w.split()) for w in self.data.cause_words]
        self.result_words = [tuple(w.split()) for w in self.data.result_words]
        self.caused_events = frozenset(self.data.caused_events)
        self.one_place_events = frozenset(self.data.one_place_events)
        self.distinct_counts = frozenset(self.data.unmerged_words)
        self.coordinators = frozenset(self.data.coordinators)
        self.agent_verbs = frozenset(self.data.agent_verbs)
        self.links = frozenset(w.casefold() for w in self.data.containment_links)
        self.force_quantifiers = frozenset(self.data.force_quantifiers)
        self.kind_units = self.data.kind_units
        # Amounts shared out among holders (a list's seats): the place said with one is
        # where that share was won, not the event's (units are language-neutral).
        self.shared_units = frozenset(
            u.unit for lex in (units_lexicon(), en_units_lexicon()) for u in lex.units
            if u.qualified
        )
        groups = {(g.event, g.word): i for i, g in enumerate(self.data.triggers)}
        self.unit_events = {
            unit: (u.event, u.word, groups[(u.event, u.word)])
            for u in self.data.unit_events
            for unit in u.units
        }
        # "مصرع جميع ركاب الطائرة": none of the passengers survived (`all_of`)
        self.all_of = self.data.all_of
        self.all_group = groups[("casualties", self.all_of.gives)] if self.all_of else -1
        # "اكتمل انسحاب القوات من البلاد": none of the force remains there (`empties`)
        self.empties = self.data.empties
        self.presence_group = (
            groups[("troop_presence", self.empties.gives)] if self.empties else -1
        )
        self.person_units = {
            form.casefold(): u.unit
            for lex in (units_lexicon(), en_units_lexicon())
            for u in lex.units
            if u.person
            for form in u.forms
        }

    # ------------------------------------------------------------------ entry points

    def claims(
        self,
        doc: Doc,
        article: Article,
        norm: Normalized,
        lead: list[_Draft] | None = None,
    ) -> list[Claim]:
        """The claims of the doc; ``lead`` holds the drafts of a headline that is not part
        of the text (see :meth:`lead`), read only as context. Besides the event claims,
        one claim of where a place lies for each named place the text situates by the
        compass (:meth:`place_facts`)."""
        out = [self._to_claim(d, article, norm) for d in self.drafts(doc, lead)]
        return out + self.place_facts(doc, article, norm)

    def place_facts(self, doc: Doc, article: Article, norm: Normalized) -> list[Claim]:
        """"مدينة ابيشي، التي تقع في شمال تشاد", "Kassala, in eastern Sudan": where a named
        place lies from a reference place is a fact of the story whatever event the
        sentence tells, compared across reports (rule C011). Each is a claim of the event
        "other", word `location`, at that place with its bearing, quoted from the name to
        the words of the direction. A bearing of the reference itself ("في شمال تشاد"
        said of the event) stays the event's."""
        sentences = layers.SENTENCES.get(doc)
        out: list[Claim] = []
        for m in layers.ENTITIES.get(doc):
            b = m.bearing
            if (
                m.kind != "place"
                or m.key is None
                or m.complement
                or m.start < 0
                or b is None
                or b.reference is None
                or b.reference == m.key
            ):
                continue
            start, end = min(m.start, b.start), max(m.end, b.end)
            sentence = next((x for x in sentences if x.start <= start < x.end), None)
            s_start, s_end = (sentence.start, sentence.end) if sentence else (start, end)
            evidence = self._span(article.text, norm, start, end)
            out.append(
                Claim(
                    article_id=article.id,
                    sentence=self._span(article.text, norm, s_start, max(s_end, end)),
                    evidence=evidence,
                    quote=evidence.text,
                    event="other",
                    event_word=PLACE_FACT_WORD,
                    location=self._entity(m, article.text, norm),
                    published=article.published,
                )
            )
        return out

    @staticmethod
    def _span(text: str, norm: Normalized, start: int, end: int) -> Span:
        s, e = norm.to_original(start, end)
        return Span(start=s, end=e, text=text[s:e])

    def _entity(self, m: EntityMention, text: str, norm: Normalized) -> Entity:
        """The model's entity of a mention, its offsets in the original text; a place of a
        headline outside the text has none."""
        outside = m.start < 0
        where = None if outside else self._span(text, norm, m.start, m.end)
        b = None if outside else m.bearing
        return Entity(
            span=where,
            kind=m.kind,
            key=m.key,
            label=m.label,
            surface=where.text if where is not None else m.surface,
            source=m.source,
            complement=m.complement,
            ancestors=list(m.ancestors),
            bearing=b.to_bearing(self._span(text, norm, b.start, b.end)) if b else None,
        )

    def lead(self, doc: Doc, norm: Normalized) -> list[_Draft]:
        """The drafts of a headline kept outside the article text (the title of a page or
        of a Markdown file), as context for the claims of the text: their time and place
        carry no offsets, since there are no words of the text to point at."""
        out = []
        for d in self.drafts(doc):
            location = d.location
            if location is not None:
                s, e = norm.to_original(location.start, location.end)
                location = replace(location, start=-1, end=-1, surface=norm.original[s:e])
            stated = _stated_time(d)
            time = stated.model_copy(update={"span": None}) if stated is not None else None
            out.append(replace(d, location=location, time=time, external=True))
        return out

    def drafts(self, doc: Doc, lead: list[_Draft] | None = None) -> list[_Draft]:
        """All claim drafts of the doc, in text order, slots inherited where allowed."""
        layers = _Layers.read(doc)
        if self.force_quantifiers:
            # "سحبت فرنسا معظم قواتها": a quantifier opens the force it counts
            before = {_word_before(layers, i) for i in layers.support}
            layers.support = layers.support | {
                i for i in before if i >= 0 and _token_word(layers, i) in self.force_quantifiers
            }
        evoked = self._evoked(layers, lead or [])
        drafts: list[_Draft] = []
        by_sentence: dict[int, list[_Draft]] = {}
        for sent in layers.sentences:
            sent_drafts: list[_Draft] = []
            for clause in (c for c in layers.clauses if c.sentence == sent.index):
                ctrig = [
                    t for t in layers.triggers if clause.tok_start <= t.tok_start < clause.tok_end
                ]
                items: dict[TriggerMention, int] = {}
                if not ctrig:
                    ctrig = [t for t in evoked if clause.tok_start <= t.tok_start < clause.tok_end]
                    items = _list_items(layers.text, clause.start, ctrig)
                if not ctrig:
                    continue
                for d in self._clause_drafts(layers, sent, clause, ctrig, sent_drafts):
                    if d.trigger in items:  # the quote names whose count it is
                        d.evidence = (min(items[d.trigger], d.evidence[0]), d.evidence[1])
                    self._inherit(d, sent_drafts, by_sentence, layers.sentences, drafts)
                    sent_drafts.append(d)
            self._share_coordinated_counts(sent_drafts)
            self._share_cause_place(sent_drafts)
            self._share_toll_time(sent_drafts)
            self._share_result_time(sent_drafts)
            self._as_of(sent_drafts)
            if not sent_drafts:
                cont = self._continuation(layers, sent, by_sentence)
                if cont is not None:
                    sent_drafts.append(cont)
            by_sentence[sent.index] = sent_drafts
            drafts.extend(sent_drafts)
        self._carry(drafts, lead or [])
        if self.settings.carry_place:
            self._innermost_place(layers, drafts)
        self._phase_of_counts(drafts, evoked)
        for d in drafts:
            ahead = _ahead(d.time, layers.written)
            if ahead and d.phase == "completed" and d.trigger.tense != "past":
                # "اكد الوزير ان 31 يناير هو الموعد النهائي لرحيل اخر جندي": a day still
                # ahead when the report was written is a deadline, not what happened (a
                # past-tense verb of the event itself says otherwise, and is kept)
                d.phase = "planned"
        # with its place and phase settled: what a completed withdrawal leaves empty
        drafts += [e for e in (self._emptied(layers, d) for d in list(drafts)) if e]
        return drafts

    def _phase_of_counts(self, drafts: list[_Draft], evoked: list[TriggerMention]) -> None:
        """A count that is a claim only through its unit (a row of a results table) takes
        the phase its event's other claims in the article state, when they state one."""
        made = {id(t) for t in evoked}
        if not made:
            return
        phases: dict[tuple[str, str], set[Phase]] = {}
        for x in drafts:
            if id(x.trigger) not in made and x.phase is not None and x.modality != "negated":
                phases.setdefault(_event_key(x), set()).add(x.phase)
        for d in drafts:
            if id(d.trigger) in made and d.phase is None:
                found = phases.get(_event_key(d), set())
                if len(found) == 1:
                    d.phase, d.inherited["phase"] = next(iter(found)), "article"

    def _evoked(self, layers: _Layers, lead: list[_Draft]) -> list[TriggerMention]:
        """A trigger made of each count of a ``unit_events`` unit, for a clause that has no
        trigger of its own: the seats of a results table are facts of the election the
        article reports. Only when the article (or its headline) has a trigger of that
        event: a count of seats alone says nothing of which vote it is."""
        reported = {(t.event, t.word) for t in layers.triggers}
        reported |= {(d.trigger.event, d.trigger.word) for d in lead}
        out = []
        for (s, e), q in layers.quantities:
            found = self.unit_events.get(q.unit or "")
            if found is None or q.span is None or found[:2] not in reported:
                continue
            event, word, group = found
            out.append(
                TriggerMention(
                    tok_start=s,
                    tok_end=e,
                    start=q.span.start,
                    end=q.span.end,
                    event=event,
                    word=word,
                    tense="noun",
                    clitic="",
                    group=group,
                )
            )
        return out

    # ------------------------------------------------------------------ one clause

    def _slots(
        self, layers: _Layers, clause: ClauseInfo, ctrig: list[TriggerMention]
    ) -> list[_Slot]:
        """Every mention of the clause with the trigger it belongs to and its role."""
        a, b = clause.tok_start, clause.tok_end
        starts = [t.tok_start for t in ctrig]
        breaks = [x for x in layers.soft_breaks if a < x < b]
        asides = self._part_asides(layers, a, b)

        def plain_owner(tok: int, tok_end: int, far_ok: bool = False) -> int:
            for k, t in enumerate(ctrig):
                inside = t.tok_start <= tok < t.tok_end
                if inside or (tok <= t.tok_start and t.tok_end <= tok_end):
                    return k
            k = bisect_right(starts, tok) - 1
            if 0 <= k and (
                self._subject_of_next(layers, tok, tok_end, ctrig, k + 1)
                or self._counted_by_next(layers, tok, tok_end, ctrig, k + 1)
            ):
                return k + 1
            if k < 0:
                # "38 people, including 12 of the 15 crew members, were killed": the
                # aside of a part does not part the subject from its verb.
                gap = ctrig[0].tok_start - tok_end
                gap -= sum(
                    min(e, ctrig[0].tok_start) - max(s, tok_end)
                    for s, e in asides
                    if s < ctrig[0].tok_start and e > tok_end
                )
                if not far_ok and gap > _BEFORE_LIMIT:
                    return -1
                lo, hi, k = tok, ctrig[0].tok_start, 0
            else:
                lo, hi = ctrig[k].tok_end, tok
            return -1 if any(lo < x <= hi for x in breaks) else k

        modifiers = _modifiers(ctrig)

        def owner(tok: int, tok_end: int, far_ok: bool = False) -> int:
            """The trigger a mention belongs to; a modifier's mentions go to its head."""
            k = plain_owner(tok, tok_end, far_ok)
            while k in modifiers:
                k -= 1
            return k

        # A place that is a report's source speaks ("وقالت باريس", "أعلنت موسكو"), and the
        # place it was filed from heads it ("اربيل (كوردستان 24)-"): neither is an event's.
        # So does a place that decides or agrees ("وافقت واشنطن على سحبهم").
        sources = [(r.source_start, r.source_end) for r in layers.reports if r.source]
        ents = [
            e for e in layers.entities
            if a <= e.tok_start < b
            and not (
                e.kind == "place"
                and (
                    (e.start, e.end) in layers.filed_from
                    or any(s <= e.start and e.end <= t for s, t in sources)
                    or self._agent(layers, e)
                )
            )
        ]
        roles = self._roles(layers, a, b, ents, ctrig)
        slots = [
            _Slot(e.tok_start, e.tok_end, owner(e.tok_start, e.tok_end), roles.get(id(e)), entity=e)
            for e in ents
        ]
        # "less than a minute after take-off" is an amount, not a time counted from it
        since = [r for r, q in layers.quantities if since_event(q)]
        for (s, e), tv in layers.times:
            # A time between a reporting verb and its "أن" dates the report, not the event;
            # so does the dateline.
            if (
                a <= s < b
                and not any(f0 < s < f1 for f0, f1 in layers.frames)
                and not _in_dateline(tv, layers.dateline)
                and not any(s < q1 and q0 < e for q0, q1 in since)
            ):
                slots.append(_Slot(s, e, owner(s, e, far_ok=True), time=tv))
        for (s, e), q in layers.quantities:
            if a <= s < b and q.unit and (q.unit not in self.ignored_units or since_event(q)):
                linked = layers.quantity_links.get(s)
                k = starts.index(linked) if linked in starts else owner(s, e)
                slots.append(_Slot(s, e, k, quantity=q))
        return slots

    def _clause_drafts(
        self,
        layers: _Layers,
        sent: SentenceInfo,
        clause: ClauseInfo,
        ctrig: list[TriggerMention],
        earlier: list[_Draft],
    ) -> list[_Draft]:
        a, b = clause.tok_start, clause.tok_end
        slots = self._slots(layers, clause, ctrig)
        breaks = [x for x in layers.soft_breaks if a < x < b]
        cues = [c for c in layers.cues if a <= c.tok_start < b]
        # A past-tense verb, a trigger or not, dates the verbal nouns of its clause.
        past = sorted(
            [p for p in layers.past if a <= p < b]
            + [t.tok_start for t in ctrig if t.tense == "past"]
        )
        modal = [m for m in layers.modal if sent.tok_start <= m.tok_start < b]
        previous = [d for d in earlier if d.clause.index < clause.index][-1:]
        # Places of the clause with the role they have for their own trigger, for a
        # trigger that has none of its own ("قتل 7 أشخاص في انفجار ... في كركوك").
        clause_places: list[tuple[EntityMention, str]] = []
        for x in slots:
            if x.entity is None or x.entity.kind != "place" or x.owner < 0:
                continue
            if (
                x.role is None
                and self.data.subject_after_verb
                and _verb_subject(ctrig[x.owner], x, layers.support)
            ):
                continue  # "سحبت فرنسا معظم قواتها": who acted, no place of the clause
            role = x.role or ("object" if x.tok_start > ctrig[x.owner].tok_start else "subject")
            clause_places.append((x.entity, role))

        words, marks = self._part_marks(layers, a, b)
        part_starts = [words[k][0] for k, _ in marks]
        out: list[_Draft] = []
        for k, trig in enumerate(ctrig):
            own = [s for s in slots if s.owner == k]
            seg_end = ctrig[k + 1].tok_start if k + 1 < len(ctrig) else b
            # "1100 جندي في النيجر، معظمهم متمركزون قرب اغاديز": a place said of a part
            # is not the whole's, when the whole has one of its own
            part = next((p for p in part_starts if trig.tok_end <= p < seg_end), None)
            whole = own
            if part is not None and any(
                x.entity is not None and x.entity.kind == "place" and x.tok_start < part
                for x in own
            ):
                whole = [x for x in own if x.entity is None or x.tok_start < part]
            location, ambiguous, dests = self._places(trig, whole, layers.support, layers.text)
            if trig.event in self.caused_events:
                dests = []  # the dead go nowhere: "إلى لندن" is the plane's, not the toll's
            speakers = _speakers(layers.reports, trig)
            actors = _dedupe(
                [
                    s.entity
                    for s in own
                    if s.entity and s.entity.kind == "actor" and not _said_by(s.entity, speakers)
                ]
            )
            if k == 0:  # the subject before the first trigger
                subjects = [
                    e
                    for e in layers.entities
                    if a <= e.tok_start < trig.tok_start
                    and e.kind == "actor"
                    and not _said_by(e, speakers)
                ]
                actors = _dedupe(actors + subjects)
            time = self._time(slots, own, ctrig, k, trig)
            quantity = self._quantity(layers, own, trig)
            others = self._other_counts(layers, own, trig, quantity)
            event: EventType = trig.event
            for ref in self.data.refinements:
                if (
                    event == ref.event
                    and quantity is not None
                    and quantity.unit == ref.quantity_unit
                ):
                    event = ref.becomes

            phase, weak = self._phase(trig, event, cues, past, seg_end)
            if trig.tense == "noun" and k > 0 and self._plan_complement(layers, trig, ctrig[:k]):
                phase, weak = "planned", False
            if (phase is None or weak) and any(d.phase == "planned" for d in previous):
                phase, weak = "planned", False  # "من المرتقب ...، ويبقى منها": the plan goes on
            modality, modality_own = self._modality(
                trig, clause, modal, sent, layers.reports, ctrig[:k]
            )
            if modality == "hypothetical" and (phase is None or weak):
                phase, weak = "planned", False  # "قد تنسحب": not yet happened
            if not modality_own and previous and previous[0].modality in _CARRIED_MODALITIES:
                modality = previous[0].modality
            attribution = _attribution(trig, sent, layers.reports)
            if (
                attribution is not None
                and modality == "asserted"
                and attribution.kind != "official"
            ):
                modality = "reported"

            allowed = set(self.data.location_roles.get(event, []))
            fitting = _prune_containers([e for e, r in clause_places if r in allowed])
            nearby = _prune_containers(
                [
                    e
                    for e, r in clause_places
                    if e.tok_start < trig.tok_start
                    and r in allowed
                    and not any(e.tok_start < x <= trig.tok_start for x in breaks)
                ]
            )
            out.append(
                _Draft(
                    trigger=trig,
                    sentence=sent,
                    clause=clause,
                    event=event,
                    phase=phase,
                    phase_weak=weak,
                    modality=modality,
                    modality_own=modality_own,
                    location=location,
                    location_ambiguous=ambiguous,
                    destinations=dests,
                    actors=actors,
                    time=time,
                    quantity=quantity,
                    attribution=attribution,
                    evidence=_evidence(
                        trig, [x for x in own if x not in others], location, dests, quantity
                    ),
                    nearby_place=nearby[-1] if nearby and not _listed(nearby) else None,
                    clause_place=fitting[0] if len(fitting) == 1 else None,
                    cause_frame=self._after(layers, trig, self.cause_words, clitic=True),
                    result_frame=self._after(
                        layers, trig, self.result_words, reach=_RESULT_REACH
                    ),
                )
            )
            main = out[-1]
            for slot in others:
                # its own words: the trigger, its figure and the other slots, no other figure
                mine = [x for x in own if x is slot or x.quantity is None]
                out.append(
                    replace(
                        main,
                        quantity=slot.quantity,
                        evidence=_evidence(trig, mine, location, dests, slot.quantity),
                        inherited=dict(main.inherited),
                        destinations=list(main.destinations),
                        actors=list(main.actors),
                    )
                )
            none_left = self._none_survived(layers, clause, main)
            if none_left is not None:
                out.append(none_left)
            parts = [q for q in (quantity, *(x.quantity for x in others)) if q is not None]
            total = self._sum(parts, layers.text)
            if total is not None:
                out.append(
                    replace(
                        main,
                        quantity=total,
                        evidence=_evidence(trig, own, location, dests, total),
                        inherited={**main.inherited, "quantity": "sum"},
                        destinations=list(main.destinations),
                        actors=list(main.actors),
                    )
                )
        return out

    def _none_survived(
        self, layers: _Layers, clause: ClauseInfo, main: _Draft
    ) -> _Draft | None:
        """The claim that none survived of the noun a count of the dead is all of
        ("مصرع جميع ركاب الطائرة", "all 242 passengers were killed": 0 passengers
        survived; `all_of`), or None."""
        rule, trig = self.all_of, main.trigger
        if rule is None or trig.event != "casualties":
            return None
        if self.data.triggers[trig.group].word not in rule.after:
            return None
        table = layers.table
        lo = max(clause.tok_start, trig.tok_start - rule.reach - 1)
        hi = min(clause.tok_end, trig.tok_end + rule.reach + 2)
        if main.quantity is not None and main.quantity.span is not None:
            # "All 72 people on board were killed": the word right before the count
            at = bisect_right(table.idx, main.quantity.span.start) - 1
            lo = max(clause.tok_start, min(lo, at - 2))
        tokens = [i for i in range(lo, hi) if not table.space[i] and not table.punct[i]]
        for k, i in enumerate(tokens):
            if self._bare(_token_word(layers, i)) not in rule.words:
                continue
            for j in tokens[k + 1 : k + 4]:
                word = _token_word(layers, j)
                if word in rule.between or word.replace(",", "").isdigit():
                    continue
                unit = self.person_units.get(word) or self.person_units.get(
                    word.removeprefix(self.morph.article)
                )
                if unit is None:
                    break
                start, end = table.idx[i], table.end[j]
                none = Quantity(
                    span=Span(start=start, end=end, text=layers.text[start:end]),
                    value=0.0, low=0.0, high=0.0, unit=unit,
                )
                group = self.data.triggers[self.all_group]
                return replace(
                    main,
                    trigger=replace(trig, group=self.all_group, word=group.word),
                    quantity=none,
                    evidence=(min(main.evidence[0], start), max(main.evidence[1], end)),
                    inherited={**main.inherited, "quantity": "all"},
                    destinations=list(main.destinations),
                    actors=list(main.actors),
                )
        return None

    def _emptied(self, layers: _Layers, main: _Draft) -> _Draft | None:
        """The presence of 0 a completed withdrawal of the whole force leaves at its place,
        from its day on ("اكتمل انسحاب القوات من البلاد": none of them remains there;
        `empties`), or None: not when it counts the force or names a part of it ("سحبت
        معظم قواتها"), nor when its phase or place was carried from elsewhere."""
        rule, trig = self.empties, main.trigger
        if rule is None or main.event not in rule.events or main.phase != "completed":
            return None
        if main.modality not in ("asserted", "reported") or main.quantity is not None:
            return None
        if main.location is None or main.location.key is None or main.location.complement:
            return None
        if "phase" in main.inherited or main.inherited.get("location") not in _OWN_SLOT:
            return None  # said by the claim's own sentence, not carried to it
        table, clause = layers.table, main.clause
        lo = max(clause.tok_start, trig.tok_start - rule.reach)
        words = {
            self._bare(_token_word(layers, i)).removeprefix(self.morph.article)
            for i in range(lo, clause.tok_end)
            if not table.space[i]
        }
        counted = any(lo <= r[0] < clause.tok_end for r, _ in layers.quantities)
        if counted or words & set(rule.partial):
            return None
        presence = self.data.triggers[self.presence_group]
        when = main.time
        if when is not None and when.relation in (None, "on", "within"):
            when = when.model_copy(update={"relation": "since"})  # empty from then on
        return replace(
            main,
            time=when,
            trigger=replace(trig, event="troop_presence", group=self.presence_group,
                            word=presence.word),
            event="troop_presence",
            phase="ongoing",  # a state from the withdrawal on
            quantity=Quantity(value=0.0, low=0.0, high=0.0),  # none of it remains
            inherited={**main.inherited, DERIVED_FROM: main.event},
            destinations=[],
            actors=list(main.actors),
        )

    def _bare(self, word: str) -> str:
        """A word without the conjunction glued to it ("وجميع")."""
        for conjunction in self.morph.conjunctions:
            if word.startswith(conjunction) and len(word) > len(conjunction) + 1:
                return word[len(conjunction):]
        return word

    def _sum(self, parts: list[Quantity], text: str) -> Quantity | None:
        """The count of a whole that exact counts of its kinds said together add up to
        (`count_sums`: "242 راكبا و12 من افراد الطاقم" are 254 people on board), or None."""
        for entry in self.data.count_sums:
            mine = [q for q in parts if q.unit in entry.parts and q.of in entry.of]
            if sorted(q.unit or "" for q in mine) != sorted(entry.parts):
                continue
            if len({q.of for q in mine}) != 1 or not all(_exact(q) for q in mine):
                continue
            spans = [q.span for q in mine if q.span is not None]
            if len(spans) != len(mine):
                continue
            total = sum(q.value or 0.0 for q in mine)
            start, end = min(x.start for x in spans), max(x.end for x in spans)
            return Quantity(
                span=Span(start=start, end=end, text=text[start:end]),
                value=total,
                low=total,
                high=total,
                unit=entry.whole,
                of=mine[0].of,
            )
        return None

    def _after(
        self,
        layers: _Layers,
        trig: TriggerMention,
        phrases: list[tuple[str, ...]],
        *,
        clitic: bool = False,
        reach: int = 0,
    ) -> bool:
        """Whether one of ``phrases`` stands right before the trigger ("في هجوم", "ما
        اسفر عن مقتل", "in an attack"), or at most ``reach`` words before it ("ما اسفر
        عن سقوط 260 قتيلا"); ``clitic``: or is its proclitic ("بهجوم")."""
        if clitic and (without_conjunction(trig.clitic, self.morph),) in phrases:
            return True
        longest = max((len(w) for w in phrases), default=0)
        words: list[str] = []
        i = trig.tok_start - 1
        while i >= 0 and len(words) < longest + reach and not layers.table.punct[i]:
            if not layers.table.space[i]:
                words.insert(0, _token_word(layers, i))
            i -= 1
        return any(
            end >= len(w) and tuple(words[end - len(w) : end]) == w
            for w in phrases
            for end in range(len(words), len(words) - reach - 1, -1)
        )

    def _time(
        self,
        slots: list[_Slot],
        own: list[_Slot],
        ctrig: list[TriggerMention],
        k: int,
        trig: TriggerMention,
    ) -> TimeValue | None:
        """Its own nearest time; else a deadline shared by a conjoined event ("مغادرة ...
        وتقليص ... بحلول سبتمبر"); else the clause's only time. A trigger that only names
        what a toll counts ("قتلى زلزال الحوز") has none: the clause's time is the toll's."""
        mine = _nearest([s for s in own if s.time is not None], trig)
        if mine is not None:
            return mine.time
        if k in _modifiers(ctrig):
            return None
        if k + 1 < len(ctrig) and starts_with_conjunction(ctrig[k + 1].clitic, self.morph):
            nxt = ctrig[k + 1]
            shared = [
                s
                for s in slots
                if s.owner == k + 1 and s.time is not None and s.tok_start > nxt.tok_start
            ]
            if shared:
                return shared[0].time
        clause_times = [s for s in slots if s.time is not None and s.owner >= 0]
        if len(clause_times) != 1:
            return None
        # "مقتل 26 شخصا في الهجوم الاكثر دموية منذ هجوم بولواما عام 2019": two attacks, the
        # time said of one of them is no other claim's
        owner = ctrig[clause_times[0].owner]
        if owner is not trig and any(
            _same_kind(owner, t) for t in ctrig if t is not owner
        ):
            return None
        # "تسليم قاعده ...، وذلك في اطار الانسحاب ...، المقرر ان يكتمل في 31 يناير": the
        # time told after another event, beyond it, is that event's; the dead and injured
        # of an event named after them share its time ("قتل 5 اشخاص في انفجار يوم الخميس")
        if (
            trig.event not in self.caused_events
            and owner.tense != "participle"  # "its remaining soldiers": no event of its own
            and trig.tok_start < owner.tok_start < clause_times[0].tok_start
        ):
            return None
        return clause_times[0].time

    def _quantity(self, layers: _Layers, own: list[_Slot], trig: TriggerMention) -> Quantity | None:
        if trig.zero_presence:
            # "خالية تماماً من أي وجود": nobody left.
            text = layers.text[trig.start : trig.end]
            return Quantity(
                span=Span(start=trig.start, end=trig.end, text=text),
                value=0,
                low=0,
                high=0,
                unit="soldiers",
            )
        counts = self._counts(own, trig)
        # "45 من اصل 60 جنديا غادروا": the part is the claim's count, not the whole it
        # is out of; a count in a part's aside is no count of the whole event.
        parts_of_total = [s for s in counts if s.quantity is not None and s.quantity.of != TOTAL]
        counts = parts_of_total or counts
        wholes = [s for s in counts if not self._is_part(layers, s.tok_start)]
        # A part ("بينهم سبعة اطفال") is a part of a toll: a toll's own when it has no other,
        # never another event's amount.
        mine = _nearest(wholes or (counts if trig.event in self.caused_events else []), trig)
        return mine.quantity if mine else None

    def _counts(self, own: list[_Slot], trig: TriggerMention) -> list[_Slot]:
        """The amounts a trigger owns that may be its event's."""
        return [
            s
            for s in own
            if s.quantity is not None
            # "الزلزال ... 2349 مصابا": a count of casualties is no other event's size.
            and (trig.event == "casualties" or s.quantity.unit not in self.casualty_units)
            # "بعد ساعتين من الزلزال": the time since an event is not that event's amount
            and not (since_event(s.quantity) and 0 <= trig.tok_start - s.tok_end <= _SINCE_REACH)
        ]

    def _other_counts(
        self, layers: _Layers, own: list[_Slot], trig: TriggerMention, chosen: Quantity | None
    ) -> list[_Slot]:
        """The trigger's other figures that count something else: "بلغ عدد المقترعين
        12,003,143 ناخبا من اصل 21,404,291 ناخبا" (voters, and voters in all), "232
        راكبا ... وطاقم من 12 شخصا" (passengers, and crew). Each is a claim of its own,
        the clause's other slots shared; figures of the chosen one's unit and kind (a
        list of parts, one figure said twice), parts ("بينهم") and unitless numbers are
        left out, and so is every other figure of a toll: "26 قتيلا ... واثنان من السكان"
        breaks the toll down."""
        if chosen is None or trig.event in self.caused_events:
            return []
        seen = {(chosen.unit, chosen.of)}
        out = []
        for slot in self._counts(own, trig):
            q = slot.quantity
            if q is None or q.unit is None or (q.unit, q.of) in seen:
                continue
            if self._is_part(layers, slot.tok_start):
                continue
            seen.add((q.unit, q.of))
            out.append(slot)
        return out[:_OTHER_COUNTS]

    def _is_part(self, layers: _Layers, tok: int) -> bool:
        """A count that follows a part marker ("بينهم أجنبيان", "including 241 of the 242"),
        punctuation aside, or stands in the aside a part marker opens, up to its closing
        comma ("including 12 of the 15 crew members,")."""
        words: list[str] = []
        i = tok - 1
        longest = max((len(m) for m in self.part_markers), default=0)
        while i >= 0 and len(words) < longest:
            if not (layers.table.space[i] or layers.table.punct[i]):
                words.insert(0, _token_word(layers, i))
            elif words:
                break
            i -= 1
        if any(tuple(words[-len(m) :]) == m for m in self.part_markers if len(words) >= len(m)):
            return True
        sent = next((x for x in layers.sentences if x.tok_start <= tok < x.tok_end), None)
        return sent is not None and any(
            s <= tok < e for s, e in self._part_asides(layers, sent.tok_start, sent.tok_end)
        )

    def _known_container(self, places: list[EntityMention], text: str) -> EntityMention | None:
        """A name the gazetteer does not know, then the known place it is said to lie in
        ("قرب بلدة بهلغام في كشمير", "near the Meghaninagar area of Ahmedabad"): the known
        one, which the event is surely in. Only link words (``containment_links``) may
        stand between: "قاعدة القيارة جنوب الموصل" lies outside Mosul. None otherwise."""
        if len(places) != 2:
            return None
        inner, outer = places
        if inner.key is not None or outer.key is None or outer.complement:
            return None
        between = text[inner.end : outer.start].casefold().split()
        if len(between) > _CONTAINER_GAP or any(w not in self.links for w in between):
            return None
        return outer

    def _agent(self, layers: _Layers, e: EntityMention) -> bool:
        """Whether a bare place is the subject of the verb of deciding right before it."""
        if not self.agent_verbs or e.lead_clitic:
            return False
        i = _word_before(layers, e.tok_start)
        if i < 0:
            return False
        word = _token_word(layers, i)
        bare = word[1:] if word[:1] in self.morph.conjunctions else word
        return word in self.agent_verbs or bare in self.agent_verbs

    def _part_marks(
        self, layers: _Layers, a: int, b: int
    ) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
        """The words of a..b (token, text; spaces left out), and where a part marker opens
        a part among them ("، بينهم", "، معظمهم"): its index in the words and its length."""
        table = layers.table
        words = [(i, _token_word(layers, i)) for i in range(a, b) if not table.space[i]]
        marks = []
        for k in range(len(words)):
            marker = next(
                (m for m in self.part_markers if tuple(w for _, w in words[k : k + len(m)]) == m),
                None,
            )
            if marker is not None:
                marks.append((k, len(marker)))
        return words, marks

    def _part_asides(self, layers: _Layers, a: int, b: int) -> list[TokRange]:
        """Token ranges in a..b that a part marker opens and a comma closes, the comma
        included ("، بينهم اجنبيان،", ", including 12 of the 15 crew members,")."""
        table = layers.table
        words, marks = self._part_marks(layers, a, b)
        out: list[TokRange] = []
        resume = 0
        for k, length in marks:
            if k < resume:
                continue
            # the aside ends at the first punctuation after the marker, if it is a comma
            close = next(
                (j for j in range(k + length, len(words)) if table.punct[words[j][0]]),
                None,
            )
            if close is None or words[close][1] not in _COMMAS:
                resume = k + length
                continue
            out.append((words[k][0], words[close][0] + 1))
            resume = close + 1
        return out

    def _roles(
        self,
        layers: _Layers,
        a: int,
        b: int,
        ents: list[EntityMention],
        ctrig: list[TriggerMention],
    ) -> dict[int, str | None]:
        """The role of each entity in the clause (keyed by ``id``), from the phrase that
        opens before it; None for a bare name."""
        by_phrase = {e.phrase_start: e for e in ents}
        trigger_toks = {i for t in ctrig for i in range(t.tok_start, t.tok_end)}
        time_toks = {i for (s, e), _ in layers.times for i in range(s, e)}
        # "أقل من 500": a bound inside a quantity is not a preposition of place.
        value_toks = time_toks | {i for (s, e), _ in layers.quantities for i in range(s, e)}
        clitic_roles = self.data.clitic_roles
        table = layers.table
        out: dict[int, str | None] = {}
        current: str | None = None
        # Words since a preposition opened the phrase, with no place yet ("في الجزء
        # الشمالي" before "من العراق").
        unfilled = False
        idle = 0
        pause = False  # a punctuation mark since the last role word or name
        i = a
        while i < b:
            rw = layers.role_at.get(i)
            if (
                rw is not None
                and i not in trigger_toks
                and i not in by_phrase
                and i not in value_toks
            ):
                if rw.role == "breaker":
                    current = None
                elif (
                    rw.role == "at" and current in ("destination", "origin") and idle <= _IDLE_LIMIT
                    and not (pause and not unfilled)
                ):
                    pass  # "إلى قواعد بديلة في أربيل": still the destination (not after
                    # a comma that closed it: "متجهة الى دبي، فوق مدينة X")
                elif (
                    rw.role == "origin" and current == "at" and unfilled
                    and 0 < idle <= _IDLE_LIMIT
                ):
                    pass  # "في الشطر الهندي من كشمير", "في كل من": a part of X is in X
                else:
                    current = rw.role
                unfilled = rw.role != "breaker"
                idle, pause = 0, False
                i = rw.tok_end
                continue
            ent = by_phrase.get(i)
            if ent is not None:
                clitic = without_conjunction(ent.lead_clitic, self.morph)
                role: str | None = current
                if clitic in clitic_roles:
                    mapped = clitic_roles[clitic]
                    if mapped == "none":
                        role = "other"  # "لإيران": for/to, not where the event happens
                    elif current not in ("destination", "origin"):
                        role = mapped
                if ent.complement:
                    role = "outside"
                out[id(ent)] = role
                unfilled = False
                if role in ("agent", "other"):
                    current = None  # "بقيادة الولايات المتحدة" governs one name only
                elif role != "outside":
                    current = role
                idle, pause = 0, False
                i = max(ent.tok_end, i + 1)
                continue
            if i in trigger_toks or i in time_toks:
                current, idle = None, 0
            elif table.punct[i]:
                idle += 2
                pause = True
            elif not table.space[i]:
                idle += 1
            if idle > _IDLE_LIMIT:
                current = None
            i += 1
        return out

    def _places(
        self,
        trig: TriggerMention,
        own: list[_Slot],
        support: frozenset[int] = frozenset(),
        text: str = "",
    ) -> tuple[EntityMention | None, bool, list[EntityMention]]:
        """(location, ambiguous, destinations) from the places the trigger owns.

        Arabic puts the subject after the verb: a bare place right after a verb trigger and
        right before the force or base it acts on ("سلمت فرنسا قاعدة", "سحبت روسيا
        قواتها") is the actor, not where the event happens."""
        group = self.data.triggers[trig.group]
        motion = trig.event in self.data.motion_events
        by_role: dict[str, list[EntityMention]] = {}
        dests: list[EntityMention] = []
        for s in own:
            e = s.entity
            if e is None or e.kind != "place":
                continue
            role = s.role
            if role is None and self.data.subject_after_verb and _verb_subject(trig, s, support):
                continue  # the verb's subject
            if role is None:
                if s.tok_start < trig.tok_start:
                    role = "subject"
                elif _gap_words(trig, e, own) <= _OBJECT_GAP:
                    role = {"origin": "origin", "destination": "destination"}.get(
                        group.object_role, "object"
                    )
                else:
                    continue
            if role == "outside":
                role = "destination" if motion else "at"
            if role == "at" and group.at_is_destination and s.tok_start > trig.tok_start:
                role = "destination"
            if role == "destination":
                dests.append(e)
            elif role not in ("agent", "between", "other"):
                by_role.setdefault(role, []).append(e)
        dests = _prune_containers(dests)
        ranked = self.data.location_roles.get(trig.event, [])
        for role in ranked:
            cands = _prune_containers([
                e for e in by_role.get(role, []) if e not in dests and not _locates(e, dests)
            ])
            if not cands:
                continue
            known = self._known_container(cands, text)
            if known is not None:
                cands = [known]
            if len(cands) > 1 and role not in ("origin", "object"):
                return None, True, dests
            chosen = cands[0]
            # "قاعدة حرير في أربيل" read as object + at: the base, the more specific place.
            inner = [
                e
                for r in ranked
                for e in by_role.get(r, [])
                if chosen.key is not None and e.lies_in(chosen.key) and e not in dests
            ]
            return (inner[0] if inner else chosen), False, dests
        return None, False, dests

    def _plan_complement(
        self, layers: _Layers, trig: TriggerMention, before: list[TriggerMention]
    ) -> bool:
        """ "اتفق الطرفان على انسحاب", "وقعا اتفاقا لسحب القوات": what was agreed on (or
        for) is planned."""
        agreed = [t for t in before if t.event in self.plan_events]
        if trig.tok_start == 0 or not agreed:
            return False
        if (
            without_conjunction(trig.clitic, self.morph) in self.plan_clitics
            and trig.tok_start - agreed[-1].tok_end <= self.data.plan_complement_window
        ):
            return True
        i = trig.tok_start - 1
        return layers.text[layers.table.idx[i] : layers.table.end[i]] in self.plan_joiners

    def _phase(
        self,
        trig: TriggerMention,
        event: EventType,
        cues: list[PhaseCue],
        past: list[int],
        seg_end: int,
    ) -> tuple[Phase | None, bool]:
        """(phase, weak). A plan cue frames everything; then the word's own phase, the
        future tense, other cues (by phase_priority), the verb's tense, a past verb in the
        clause, the event's default. A present tense or a default is weak: a plan framing
        the sentence may still override it."""
        in_scope = [
            c for c in cues if c.reaches(trig, seg_end) and (c.events is None or event in c.events)
        ]
        if any(c.phase == "planned" for c in in_scope):
            return "planned", False
        if trig.phase is not None:
            return trig.phase, False
        if trig.tense == "future":
            return "planned", False
        if in_scope:
            return min(in_scope, key=lambda c: self.priority[c.phase]).phase, False
        if trig.tense == "past":
            return "completed", False
        if trig.tense == "present":
            return "ongoing", True
        if any(p < seg_end for p in past):
            return "completed", False
        default = self.data.default_phase.get(event)
        return (default, True) if default is not None else (None, False)

    @staticmethod
    def _modality(
        trig: TriggerMention,
        clause: ClauseInfo,
        modal: list[ModalityCue],
        sent: SentenceInfo,
        reports: list[ReportCue],
        before: list[TriggerMention],
    ) -> tuple[Modality, bool]:
        """(modality, found in this clause). Negation only from close by, and a particle
        ("لم") only for the first event after it ("لم يسقط ضحايا في الهجوم": the attack
        happened); hedges and forecasts anywhere before the trigger in the clause."""
        found: set[str] = set()
        for m in modal:
            if m.tok_start >= trig.tok_start:
                continue
            if m.first_only and any(m.tok_end <= t.tok_start for t in before):
                continue
            if m.modality == "negated" or m.window:
                if trig.tok_start - m.tok_end <= m.window and (
                    m.modality == "negated" or m.tok_start >= clause.tok_start
                ):
                    found.add(m.modality)
            elif m.tok_start >= clause.tok_start:
                found.add(m.modality)
        for r in reports:  # "نفى ... انسحاب": a denial verb before the claim in the sentence
            if r.denial and sent.tok_start <= r.tok_start < trig.tok_start:
                found.add("negated")
        if trig.tense == "future" and not found & {"expected", "hypothetical", "negated"}:
            found.add("planned")
        order: tuple[Modality, ...] = ("negated", "hypothetical", "expected", "planned")
        for name in order:
            if name in found:
                return name, True
        return "asserted", False

    # ------------------------------------------------------------------ inheritance

    def _inherit(
        self,
        d: _Draft,
        sent_drafts: list[_Draft],
        by_sentence: dict[int, list[_Draft]],
        sentences: list[SentenceInfo],
        all_drafts: list[_Draft],
    ) -> None:
        prev_sentence = _previous_in_paragraph(d.sentence, sentences)
        prev_drafts = by_sentence.get(prev_sentence.index, []) if prev_sentence else []
        same_prev = [x for x in prev_drafts if x.event == d.event]
        headline = [
            x
            for s in sentences
            if s.headline and s.index != d.sentence.index
            for x in by_sentence.get(s.index, [])
            if x.event == d.event
        ]
        earlier_clauses = [x for x in sent_drafts if x.clause.index < d.clause.index]

        if d.location is None and not d.location_ambiguous and d.event not in self.no_inheritance:
            d.own_location = False
            self._inherit_location(
                d,
                [x for x in earlier_clauses if not self._shared(x)],
                [x for x in same_prev if x.own_location and not self._shared(x)],
                [x for x in headline if x.own_location and not self._shared(x)],
                [x for x in all_drafts if not self._shared(x)],
            )
        if d.phase is None:
            for name, pool in (
                ("sentence", earlier_clauses),
                ("previous_sentence", same_prev),
                ("headline", headline),
            ):
                phases = {x.phase for x in pool if x.phase is not None}
                if len(phases) == 1:
                    d.phase = phases.pop()
                    d.inherited["phase"] = name
                    break
        if not d.actors:
            got = [x.actors for x in earlier_clauses if x.actors]
            if len(got) == 1:
                d.actors = list(got[0])

    def _share_coordinated_counts(self, drafts: list[_Draft]) -> None:
        """ "قتل 3 جنود وأصيب 5 آخرون في كمين قرب الحدود أمس": two counts of one event
        (the dead, then the injured; ``unmerged_words``) joined by "و" share the place and
        time said after the second. The first takes them only when it has none of its own
        and its place is not ambiguous."""
        distinct = set(self.data.unmerged_words)
        for a, b in zip(drafts, drafts[1:], strict=False):
            ta, tb = a.trigger, b.trigger
            if (
                a.event != b.event
                or ta.word == tb.word
                or not {ta.word, tb.word} <= distinct
                or not starts_with_conjunction(tb.clitic, self.morph)
            ):
                continue
            if a.location is None and not a.location_ambiguous and b.location is not None:
                a.location, a.inherited["location"] = b.location, "coordinated"
            if a.time is None and b.time is not None:
                a.time, a.inherited["time"] = b.time, "coordinated"

    def _subject_of_next(
        self, layers: _Layers, tok: int, tok_end: int, ctrig: list[TriggerMention], k: int
    ) -> bool:
        """ "28 soldiers were killed and 42 others were wounded", "قتل 3 جنود و11 آخرون
        أصيبوا": a mention that a coordinator opens, right before a trigger (an auxiliary
        or two between), is that trigger's subject."""
        if k >= len(ctrig):
            return False
        table = layers.table
        before = _word_before(layers, tok)
        if before < 0 or _token_word(layers, before) not in self.coordinators:
            return False
        between = [i for i in range(tok_end, ctrig[k].tok_start) if not table.space[i]]
        return len(between) <= _AUXILIARIES and not any(table.punct[i] for i in between)

    def _share_toll_time(self, drafts: list[_Draft]) -> None:
        """ "اعلنت الوزارة وفاة 296 شخصا ... في حصيلة الى غاية الثانية صباحا من يوم
        السبت": a count of `caused_events` with no time of its own is given as of the time
        of the toll the sentence names (a count-less claim of its type whose word is no
        count's: ``unmerged_words``), when that time is one."""
        counted = set(self.data.unmerged_words)
        for d in drafts:
            if (
                d.event not in self.caused_events
                or d.quantity is None
                or d.time is not None
                or d.modality == "negated"
            ):
                continue
            times = {
                x.time.model_dump_json(exclude={"span"}): x.time
                for x in drafts
                if x is not d and x.event == d.event and x.quantity is None
                and x.time is not None and x.trigger.word not in counted
                and x.modality != "negated"
            }
            if len(times) == 1:
                d.time, d.inherited["time"] = next(iter(times.values())), "toll"

    def _as_of(self, drafts: list[_Draft]) -> None:
        """ "ارتفعت الحصيلة الى 45 قتيلا حتى مساء الاحد": a count of `caused_events` up to a
        time is the figure as of that time; the dead died by then ("by", not "until", which
        says how long a state lasts)."""
        for d in drafts:
            if d.event in self.caused_events and d.quantity is not None and d.time is not None:
                if d.time.relation == "until":
                    d.time = d.time.model_copy(update={"relation": "by"})

    def _counted_by_next(
        self, layers: _Layers, tok: int, tok_end: int, ctrig: list[TriggerMention], k: int
    ) -> bool:
        """ "leaving at least 40 people dead": a mention right before a trigger of
        `caused_events` (nothing but spaces between) is what that trigger counts, unless
        it stands right after the trigger before it ("مقتل 40 شخصا واصابة 25": that one's
        count)."""
        if k >= len(ctrig) or ctrig[k].event not in self.caused_events:
            return False
        space = layers.table.space
        after_previous = all(space[i] for i in range(ctrig[k - 1].tok_end, tok))
        return not after_previous and all(space[i] for i in range(tok_end, ctrig[k].tok_start))

    def _share_result_time(self, drafts: list[_Draft]) -> None:
        """ "انفجرت سيارة مفخخة صباح الاحد، ما اسفر عن مقتل 12 شخصا واصابة 30 اخرين": a
        count the event before it caused (and one joined to it by "و"), with no time of
        its own, takes the time that event states."""
        framed = False
        for i, d in enumerate(drafts):
            framed = d.event in self.caused_events and (
                d.result_frame or (framed and starts_with_conjunction(d.trigger.clitic, self.morph))
            )
            if not framed or d.time is not None:
                continue
            cause = next(
                (x for x in reversed(drafts[:i]) if x.event not in self.caused_events), None
            )
            if cause is not None and cause.time is not None and "time" not in cause.inherited:
                d.time, d.inherited["time"] = cause.time, "cause"

    def _share_cause_place(self, drafts: list[_Draft]) -> None:
        """ "لقي 24 شخصا مصرعهم، امس، في هجوم مسلح في كشمير": a count with no place of
        its own (or only one from an earlier sentence or the headline) takes the place of
        the event the sentence names as its cause, when that place is one."""
        causes = [
            x for x in drafts
            if x.cause_frame and x.event not in self.caused_events and x.location is not None
            and (x.own_location or x.inherited.get("location") in _STATED_PLACE)
        ]
        place = _unique([x.location for x in causes if x.location is not None])
        if place is None or place.key is None:
            return  # a place the gazetteer does not know is no better than the one held
        for d in drafts:
            if (
                d.event in self.caused_events
                and not d.location_ambiguous
                and (d.location is None or d.inherited.get("location") in _LOOSE_PLACE)
            ):
                d.location, d.inherited["location"] = place, "cause"

    @staticmethod
    def _inherit_location(
        d: _Draft,
        earlier_clauses: list[_Draft],
        previous_sentence: list[_Draft],
        headline: list[_Draft],
        all_drafts: list[_Draft],
    ) -> None:
        if d.nearby_place is not None:
            d.location, d.inherited["location"] = d.nearby_place, "clause"
            return
        if d.clause_place is not None:
            d.location, d.inherited["location"] = d.clause_place, "clause"
            return
        for name, pool in (
            ("sentence", earlier_clauses),
            ("previous_sentence", previous_sentence),
            ("headline", headline),
        ):
            got = _unique([x.location for x in pool if x.location is not None])
            if got is not None:
                d.location, d.inherited["location"] = got, name
                return
        # "the withdrawal" refers to the last withdrawal named, if it was named with a
        # place; the search stops at the first claim of the same type.
        for x in reversed(all_drafts):
            if (
                x.sentence.section != d.sentence.section
                or d.sentence.index - x.sentence.index > _CHAIN_SENTENCES
            ):
                return
            if x.event == d.event:
                if x.location is not None and x.own_location:
                    d.location, d.inherited["location"] = x.location, "section"
                return

    # ------------------------------------------------------------------ document context

    def _carry(self, drafts: list[_Draft], lead: list[_Draft]) -> None:
        """The lead's date and place carry to later claims of the same event that state
        none: a claim without a time takes the day (or weekday) of the earlier claims of
        its event, a claim without a place their gazetteer place, only when every earlier
        claim of its event that states one states the same, and never into a negation."""
        if not (self.settings.carry_time or self.settings.carry_place):
            return
        for i, d in enumerate(drafts):
            if d.modality == "negated":
                continue
            same = [
                x for x in [*lead, *drafts[:i]] if _same_event(x, d) and x.modality != "negated"
            ]
            if not same or self._other_count(d, same):
                continue
            placed = [x for x in same if not self._shared(x)]
            if self.settings.carry_time and d.time is None:
                carried = _carried_time(d, same)
                if carried is not None:
                    d.time, d.inherited["time"] = carried, "article"
            if (
                self.settings.carry_place
                and d.location is None
                and not d.location_ambiguous
                and d.event not in self.no_inheritance
            ):
                place = _carried_place(placed)
                if place is not None:
                    d.location, d.inherited["location"] = place, "article"
        if self.settings.carry_place:
            self._carry_place_back(drafts)

    def _carry_place_back(self, drafts: list[_Draft]) -> None:
        """A claim before the first place its event is given ("تحطمت طائرة ... اليوم
        الخميس" in the lead, "تحطمت في احمد اباد" in the body) takes that place, when
        every claim of its event that states one states the same and none before it
        does."""
        for i, d in enumerate(drafts):
            if (
                d.modality == "negated"
                or d.location is not None
                or d.location_ambiguous
                or d.destinations  # a move said by where it goes: where from is not said
                or d.event in self.no_inheritance
            ):
                continue
            same = [
                (j, x) for j, x in enumerate(drafts)
                if j != i and _same_event(x, d) and x.modality != "negated"
            ]
            if any(
                j < i and (x.location is not None or x.location_ambiguous)
                and "location" not in x.inherited
                for j, x in same
            ):
                continue  # a place was stated before it, and it did not take it
            if self._other_count(d, [x for _, x in same]):
                continue  # another figure of its count: an earlier toll, not the event's
            place = _carried_place([x for _, x in same if not self._shared(x)])
            if place is not None:
                d.location, d.inherited["location"] = place, "article"

    def _innermost_place(self, layers: _Layers, drafts: list[_Draft]) -> None:
        """ "مقتل 24 شخصا في هجوم ... في كشمير", then "ووقع الهجوم في بلدة باهالجام": an
        event of `one_place_events` happens at one place. The article's completed claims
        of it are placed (or carried) somewhere; when the sentences that tell of them name
        places inside all those places, and one of these lies inside the others (Pahalgam,
        in Kashmir), that one is where it happened: the claims, and the counts of
        `caused_events` whose place was not stated for them, move there.

        Left as they are: claims at two places side by side (two towns), a complement,
        claims that state two different days (two attacks, or a background one), and as
        candidates a place a distance is measured from ("90 كيلومترا عن سريناغار"), a
        destination, and a place in a source ("مسؤولون في بغداد")."""
        incident = [
            d for d in drafts
            if d.event in self.one_place_events and d.phase == "completed"
            and d.modality != "negated"
        ]
        if not incident or any(d.location_ambiguous for d in incident):
            return
        days = {_day_of(t) for d in incident if (t := _stated_time(d)) is not None}
        days.discard(None)
        placed = [d.location for d in incident if d.location is not None]
        if len(days) > 1 or not placed or any(p.key is None or p.complement for p in placed):
            return
        around = {p.key for p in placed}
        # The sentences that tell of it: not those whose claim took its place from the
        # headline or the article ("قطع مودي زيارته للسعودية بعد الهجوم").
        told = {
            d.sentence.index for d in incident
            if d.inherited.get("location") not in _CARRIED_PLACE
        }
        sentence_of = {
            i: s.index for s in layers.sentences for i in range(s.tok_start, s.tok_end)
        }
        references = {q.reference for _, q in layers.quantities if q.reference}
        destinations = {id(e) for d in drafts for e in d.destinations}
        sources = [(r.source_start, r.source_end) for r in layers.reports if r.source]
        inside = {
            m.key: m for m in layers.entities
            if m.kind == "place" and m.key is not None and not m.complement
            and sentence_of.get(m.tok_start) in told
            and id(m) not in destinations and m.surface not in references
            and not any(a <= m.start < b for a, b in sources)
            and all(k == m.key or m.lies_in(k or "") for k in around)
        }
        inner = next(
            (m for m in inside.values() if all(k == m.key or m.lies_in(k) for k in inside)),
            None,
        )
        if inner is None:
            return
        for d in drafts:
            follows = d.event in self.caused_events and (
                d.location is None or "location" in d.inherited
            )
            if d not in incident and not follows:
                continue
            here = d.location
            if here is None and (d.location_ambiguous or self._other_count(
                d, [x for x in drafts[: drafts.index(d)] if _same_event(x, d)]
            )):
                continue  # another figure of its count before it: an earlier toll
            if here is None or here.key in around and here.key != inner.key:
                d.location, d.inherited["location"] = inner, "article"

    def _other_count(self, d: _Draft, same: list[_Draft]) -> bool:
        return _other_count(d, same, self.distinct_counts)

    def _shared(self, d: _Draft) -> bool:
        """A claim whose count is a share of a whole among holders ("حصل فيها على 15
        مقعدا"): its place is where that share was won, never the event's to carry."""
        return d.quantity is not None and d.quantity.unit in self.shared_units

    def _continuation(
        self, layers: _Layers, sent: SentenceInfo, by_sentence: dict[int, list[_Draft]]
    ) -> _Draft | None:
        """A trigger-less row with a figure, continuing the previous row's one event."""
        if sent.headline or sent.tok_end - sent.tok_start > _CONTINUATION_MAX_TOKENS:
            return None
        prev = _previous_in_paragraph(sent, layers.sentences)
        if prev is None:
            return None
        source = by_sentence.get(prev.index, [])
        if not source or len({x.event for x in source}) != 1:
            return None
        qtys = [
            q
            for r, q in layers.quantities
            if sent.tok_start <= r[0] < sent.tok_end and q.unit and q.unit not in self.ignored_units
        ]
        clause = next((c for c in layers.clauses if c.sentence == sent.index), None)
        if len(qtys) != 1 or qtys[0].span is None or clause is None:
            return None
        quantity = qtys[0]
        assert quantity.span is not None
        base = source[-1]
        times = [
            tv
            for r, tv in layers.times
            if sent.tok_start <= r[0] < sent.tok_end and not _in_dateline(tv, layers.dateline)
        ]
        return _Draft(
            trigger=base.trigger,
            sentence=sent,
            clause=clause,
            event=base.event,
            phase=base.phase,
            phase_weak=base.phase_weak,
            modality=base.modality,
            modality_own=False,
            location=base.location,
            location_ambiguous=False,
            destinations=list(base.destinations),
            actors=list(base.actors),
            time=times[0] if len(times) == 1 else None,
            quantity=quantity,
            attribution=base.attribution,
            evidence=(quantity.span.start, quantity.span.end),
            continuation=True,
            own_location=False,
            inherited={"event": "previous_sentence"},
        )

    # ------------------------------------------------------------------ output

    def _to_claim(self, d: _Draft, article: Article, norm: Normalized) -> Claim:
        text = article.text

        def span(start: int, end: int) -> Span:
            return self._span(text, norm, start, end)

        def entity(m: EntityMention) -> Entity:
            return self._entity(m, text, norm)

        def remap(value: V | None) -> V | None:
            if value is None or value.span is None:
                return value
            return value.model_copy(update={"span": span(value.span.start, value.span.end)})

        evidence = span(*d.evidence)
        attribution = None
        if d.attribution is not None:
            r = d.attribution
            attribution = Attribution(
                span=span(r.source_start, max(r.source_end, r.source_start)),
                source=r.source,
                cue=r.cue,
                kind=r.kind,
            )
        word = self.data.triggers[d.trigger.group].word
        quantity = remap(d.quantity)
        kinds = self.kind_units
        if (
            kinds is not None
            and quantity is not None
            and d.event in kinds.events
            and quantity.unit in kinds.units
        ):
            # "260 قتيلا": 260 people, killed
            word = quantity.unit
            quantity = quantity.model_copy(update={"unit": kinds.counts})
        return Claim(
            article_id=article.id,
            sentence=span(d.sentence.start, d.sentence.end),
            evidence=evidence,
            quote=evidence.text,
            event=d.event,
            event_word=word,
            phase=d.phase,
            actors=[entity(a) for a in d.actors],
            location=entity(d.location) if d.location is not None else None,
            destinations=[entity(x) for x in d.destinations],
            time=remap(d.time),
            quantity=quantity,
            attribution=attribution,
            modality=d.modality,
            extractor="rules",
            published=article.published,
            inherited=dict(sorted(d.inherited.items())),
        )


# --------------------------------------------------------------------------- small functions


def _token_ranges(table: TokenTable, values: list[V], n: int) -> list[tuple[TokRange, V]]:
    """Each value with the tokens its (normalised) span covers."""
    out: list[tuple[TokRange, V]] = []
    for v in values:
        if v.span is None:
            continue
        s = max(0, bisect_right(table.idx, v.span.start) - 1)
        e = max(s + 1, bisect_right(table.idx, max(v.span.end - 1, v.span.start)))
        out.append(((s, min(e, n)), v))
    return out


# Words between a name and the place it lies in: "في", "of", "in the"...
_CONTAINER_GAP = 3
_CARRIED_TIME_REASON = "carried from an earlier claim of the article about the same event"
_STATED_PLACE = ("clause", "coordinated")
# A place a claim took from outside its sentence's neighbourhood: the headline's, the article's.
_CARRIED_PLACE = ("headline", "article")


_COMMAS = frozenset({",", "،"})


# Tokens at most between a destination and the place said to contain it ("في", quotes).
_LOCATES_GAP = 3

# Where a slot a claim takes from its own sentence comes from (``Claim.inherited``); None:
# the claim's own words.
_OWN_SLOT = (None, "clause", "coordinated", "sentence")


def _token_word(layers: _Layers, i: int) -> str:
    return layers.text[layers.table.idx[i] : layers.table.end[i]].casefold()


def _modifiers(ctrig: list[TriggerMention]) -> set[int]:
    """The triggers that only say what the toll before them counts: a verbal noun right
    after a casualties noun, in one construct ("قتلى زلزال الحوز", "ضحايا الانفجار الذي
    ...", "حصيلة الهجوم"). Their clause's slots belong to the toll."""
    return {
        k
        for k in range(1, len(ctrig))
        if ctrig[k - 1].event == "casualties"
        and not ctrig[k - 1].is_verb
        and ctrig[k].event != "casualties"
        and not ctrig[k].is_verb
        and ctrig[k].tok_start == ctrig[k - 1].tok_end
    }


def _same_kind(a: TriggerMention, b: TriggerMention) -> bool:
    """Two triggers of one kind of event: same type, and for "other" the same word."""
    return a.event == b.event and (a.event != "other" or a.word == b.word)


def _event_key(d: _Draft) -> tuple[str, str]:
    """The kind of event a claim is of: its type, and for "other" its word."""
    return d.event, d.trigger.word if d.event == "other" else ""


def _same_event(a: _Draft, b: _Draft) -> bool:
    """Two claims of one kind of event: same type, and for "other" the same word."""
    return _event_key(a) == _event_key(b)


def _stated_time(d: _Draft) -> TimeValue | None:
    """The time a claim's own words give for its event: not one it took from another
    claim, and not the day of a report ("اعلنت الوزاره يوم السبت عن انسحاب": Saturday is
    when it was announced)."""
    t = d.time
    if t is None or d.inherited.get("time") not in (None, "coordinated"):
        return None
    r = d.attribution
    if (
        t.span is not None
        and r is not None
        and r.tok_start < d.trigger.tok_start
        and r.source_start <= t.span.start < d.trigger.start
    ):
        return None
    return t


def _day_of(t: TimeValue) -> str | None:
    """A stated time as a day ("2025-04-22") or a weekday ("wd1"), or None."""
    if t.granularity == "day" and t.value:
        return t.value[:10]
    return f"wd{t.weekday}" if t.weekday is not None else None


def _other_count(d: _Draft, same: list[_Draft], distinct: frozenset[str] = frozenset()) -> bool:
    """Whether the claim counts the same thing as an earlier claim of its event with a
    figure that cannot be the same ("وكانت حصيله سابقه افادت بمقتل 632" after "820"): an
    earlier toll or a part, not the lead's moment. Counts of two words of ``distinct``
    (the dead, the injured) are two counts, not two figures of one."""
    q = d.quantity
    if q is None or q.unit is None:
        return False
    lo, hi = _bounds(q)
    for x in same:
        if x.trigger.word != d.trigger.word and {x.trigger.word, d.trigger.word} <= distinct:
            continue
        # one list's seats and another's, the voters who voted and those registered: two
        # counts, not two figures of one
        if x.quantity is not None and _what_counted(x.quantity) == _what_counted(q):
            other_lo, other_hi = _bounds(x.quantity)
            if max(lo, other_lo) > min(hi, other_hi):
                return True
    return False


def _word_before(layers: _Layers, tok: int) -> int:
    """The token of the word before ``tok`` (spaces skipped), or -1."""
    i = tok - 1
    while i >= 0 and layers.table.space[i]:
        i -= 1
    return i


def _verb_subject(trig: TriggerMention, slot: _Slot, support: frozenset[int]) -> bool:
    """Arabic puts the subject after the verb: a bare place right after a verb trigger and
    right before the force or base it acts on ("سلمت فرنسا قاعدة", "سحبت روسيا قواتها")."""
    return trig.is_verb and slot.tok_start == trig.tok_end and slot.tok_end in support


def _listed(places: list[EntityMention]) -> bool:
    """Whether the last place is the last of a list ("بأقاليم الحوز ومراكش وورزازات"):
    one of several, not the event's one place."""
    if len(places) < 2:
        return False
    last, before = places[-1], places[-2]
    return last.lead_clitic[:1] == "و" and 0 <= last.tok_start - before.tok_end <= 1


def _written(doc: Doc) -> date | None:
    reference = layers.REFERENCE_DATE.find(doc)
    if isinstance(reference, ReferenceDate):
        return reference.day
    published = layers.PUBLISHED.find(doc)
    return published if isinstance(published, date) else None


def _ahead(t: TimeValue | None, written: date | None) -> bool:
    """Whether a time lies wholly after the day the article was written."""
    return (
        t is not None
        and written is not None
        and t.resolved
        and t.earliest is not None
        and t.relation in (None, "on", "by", "after", "within")
        and t.earliest > written
    )


def _what_counted(q: Quantity) -> tuple[str | None, ...]:
    return q.unit, q.of, q.holder, q.scope


def _bounds(q: Quantity) -> tuple[float, float]:
    return (
        q.low if q.low is not None else -math.inf,
        q.high if q.high is not None else math.inf,
    )


def _is_plan(d: _Draft) -> bool:
    return d.phase == "planned" or d.modality in ("planned", "expected", "hypothetical")


def _carried_time(d: _Draft, same: list[_Draft]) -> TimeValue | None:
    """The one day (or weekday) the earlier claims of the event state, for a claim at a
    phase they share; None when they state none, or different ones, or something other
    than one day ("بحلول سبتمبر" is a deadline, not the day of the event). A plan neither
    gives its day to an outcome nor takes one, and a claim whose phase is itself taken
    from a neighbouring clause or sentence (not the headline) takes no day."""
    if _is_plan(d) or d.inherited.get("phase", "headline") != "headline":
        return None  # a phase taken from a neighbour is no ground for its day too
    pool = [
        t
        for x in same
        if not _is_plan(x)
        and (d.phase is None or x.phase is None or x.phase == d.phase)
        and (t := _stated_time(x)) is not None
    ]
    if not pool:
        return None
    values = {(t.earliest, t.latest, t.weekday if not t.resolved else None) for t in pool}
    if len(values) != 1:
        return None
    first = pool[0]
    one_day = first.resolved and first.granularity == "day" and first.earliest == first.latest
    weekday_only = not first.resolved and first.granularity == "weekday"
    if first.relation != "on" or not (one_day or weekday_only):
        return None
    update: dict[str, object] = {"reason": _CARRIED_TIME_REASON}
    if one_day:
        # The day is carried; the weekday was a word of the other sentence.
        update.update(anchor="context", weekday=None, time_of_day=None)
    return first.model_copy(update=update)


def _carried_place(same: list[_Draft]) -> EntityMention | None:
    """The one gazetteer place the earlier claims of the event state; None when they
    state none, several (a place and the country around it are two), or an unknown name."""
    stated = [
        x
        for x in same
        if x.location_ambiguous
        or (
            x.location is not None
            and (x.own_location or x.inherited.get("location") in _STATED_PLACE)
        )
    ]
    if not stated or any(x.location is None for x in stated):
        return None
    places = [x.location for x in stated if x.location is not None]
    if any(p.source != "gazetteer" or p.key is None for p in places):
        return None
    return places[0] if len({(p.key, p.complement) for p in places}) == 1 else None


def _in_dateline(value: TimeValue, dateline: tuple[int, int] | None) -> bool:
    if dateline is None or value.span is None:
        return False
    return dateline[0] <= value.span.start and value.span.end <= dateline[1]


def _evidence(
    trig: TriggerMention,
    own: list[_Slot],
    location: EntityMention | None,
    dests: list[EntityMention],
    quantity: Quantity | None = None,
) -> TokRange:
    """The trigger widened over the slots it owns nearby (not over places it did not use),
    and over the claim's own figure wherever it stands in the clause: a quote shows the
    amount it is cited for."""
    parts = [(trig.start, trig.end)]
    for s in own:
        chars = s.chars()
        if chars is None:
            continue
        if (
            s.tok_start - trig.tok_end > _EVIDENCE_REACH
            or trig.tok_start - s.tok_end > _EVIDENCE_REACH
        ) and not (quantity is not None and s.quantity is quantity):
            continue
        e = s.entity
        if e is not None and e.kind == "place" and e is not location and e not in dests:
            continue
        parts.append(chars)
    return min(p[0] for p in parts), max(p[1] for p in parts)


def _list_items(text: str, start: int, triggers: list[TriggerMention]) -> dict[TriggerMention, int]:
    """Where the words of each count of a list begin ("حزب X بـ36 مقعدا، وائتلاف Y ثالثا
    بـ29 مقعدا"): after the count before it, or at the clause's start, past spaces and
    punctuation."""
    out = {}
    for t in triggers:
        while start < t.start and not text[start].isalnum():
            start += 1
        out[t] = start
        start = t.end
    return out


def _gap_words(trig: TriggerMention, entity: EntityMention, own: list[_Slot]) -> int:
    """Tokens between the trigger and a name, not counting other names or times ("اخلت
    في 26 ديسمبر، قاعده فايا": the time stands between the verb and its object)."""
    named = {
        i for o in own if o.entity is not None for i in range(o.entity.phrase_start, o.tok_end)
    }
    named |= {i for o in own if o.time is not None for i in range(o.tok_start, o.tok_end)}
    return sum(1 for i in range(trig.tok_end, entity.phrase_start) if i not in named)


def _exact(q: Quantity) -> bool:
    """A count said exactly: one value, no bound, not approximate or vague."""
    return (
        q.resolved
        and q.value is not None
        and q.low == q.value == q.high
        and not q.approximate
        and not q.vague
    )


def _nearest(slots: list[_Slot], trig: TriggerMention) -> _Slot | None:
    """The slot closest to the trigger, after it preferred."""
    if not slots:
        return None
    return min(
        slots, key=lambda s: (s.tok_start < trig.tok_start, abs(s.tok_start - trig.tok_start))
    )


def _dedupe(items: list[EntityMention]) -> list[EntityMention]:
    out: list[EntityMention] = []
    seen: set[str] = set()
    for e in items:
        key = e.key or e.surface
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _locates(place: EntityMention, dests: list[EntityMention]) -> bool:
    """The place is said of a destination right before it, as where that lies ("متجهة الى
    مطار برمنغهام في بريطانيا"): not the event's place."""
    return place.key is not None and any(
        d.lies_in(place.key) and 0 <= place.tok_start - d.tok_end <= _LOCATES_GAP for d in dests
    )


def _prune_containers(places: list[EntityMention]) -> list[EntityMention]:
    """Drop a place that contains another place of the list ("عين الأسد في الأنبار" ->
    Ain al-Asad), and repeated names."""
    out: list[EntityMention] = []
    seen: set[tuple[str, bool]] = set()
    for e in places:
        if e.key is not None and any(
            o.lies_in(e.key) and not o.complement for o in places if o is not e
        ):
            continue
        ident = (e.key or e.surface, e.complement)
        if ident not in seen:
            seen.add(ident)
            out.append(e)
    return out


def _unique(places: list[EntityMention]) -> EntityMention | None:
    idents = {(p.key or p.surface, p.complement) for p in places}
    return places[-1] if len(idents) == 1 else None


def _speakers(reports: list[ReportCue], trig: TriggerMention) -> list[tuple[int, int]]:
    """Sources (normalised char spans) of the reports whose "أن/إن" clause holds the
    trigger: "أعلنت وزارة الصحة أن حصيلة ..." is the ministry speaking, not acting. A
    report without that clause ("أعلن الجيش انسحابه") may name the actor itself."""
    return [
        (r.source_start, r.source_end)
        for r in reports
        if r.source is not None and r.frame_end is not None and r.frame_end <= trig.tok_start
    ]


def _said_by(entity: EntityMention, speakers: list[tuple[int, int]]) -> bool:
    return any(s <= entity.start and entity.end <= e for s, e in speakers)


def _previous_in_paragraph(
    sent: SentenceInfo, sentences: list[SentenceInfo]
) -> SentenceInfo | None:
    if sent.index == 0:
        return None
    prev = sentences[sent.index - 1]
    return prev if prev.paragraph == sent.paragraph else None


def _attribution(
    trig: TriggerMention, sent: SentenceInfo, reports: list[ReportCue]
) -> ReportCue | None:
    """The reporting cue before the trigger in its sentence, else a "وفقا لـ"-like one
    after it (or a reporting clause closing the sentence: "..., police said")."""
    in_sentence = [r for r in reports if sent.tok_start <= r.tok_start < sent.tok_end]
    before = [r for r in in_sentence if r.tok_start < trig.tok_start]
    if before:
        return before[-1]
    after = [
        r
        for r in in_sentence
        if r.tok_start >= trig.tok_end and r.kind_of_cue in ("preposition", "postposed")
    ]
    return after[0] if after else None
