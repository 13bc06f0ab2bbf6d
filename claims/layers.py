"""The document layers: what each pipeline component leaves on a doc for the later ones.

A component never types a ``doc.user_data`` key: every layer is declared here once, with
its key, the Python type of its value and what it holds, and is read and written through
its typed accessors (``TRIGGERS.get(doc) -> list[TriggerMention]``,
``TRIGGERS.set(doc, triggers)``). Span groups that one component leaves for another
(``doc.spans["quantities"]``) are declared the same way (:class:`SpanLayer`).

Each component declares its :class:`Contract`: the claim fields it fills, the layers it
reads (an earlier unit must write them), the layers it reads only when an earlier unit
left them, and the layers it writes. ``claims.pipeline.check_pipeline`` checks, when the
pipeline is built, that every layer a unit reads is written by an earlier one.

This module imports the value types only for the type checker, so every component can
import it without an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from spacy.tokens import SpanGroup

if TYPE_CHECKING:
    from datetime import date

    from spacy.tokens import Doc, Span

    from claims.attribution import ModalityCue, ReportCue
    from claims.context import ReferenceDate
    from claims.entities import EntityMention
    from claims.events import PhaseCue, RoleWord, TriggerMention
    from claims.model import Quantity, TimeValue
    from claims.sentences import ClauseInfo, SentenceInfo
    from claims.tokenizer import TokenTable

T = TypeVar("T")
_UNSET = object()


class DocLayer:
    """What every layer has: where it lives on the doc and what it holds."""

    def __init__(self, key: str, holds: str) -> None:
        self.key = key
        self.holds = holds

    @property
    def name(self) -> str:
        return self.key.removeprefix("cc_")

    def where(self) -> str:
        return f'doc.user_data["{self.key}"]'

    def describe(self) -> str:
        """The layer for a message: its name, what it holds and where."""
        return f"'{self.name}' ({self.holds}, {self.where()})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r})"


class Layer(DocLayer, Generic[T]):
    """One entry of ``doc.user_data``: its key, the type of its value (the type
    parameter) and the value a reader gets when no component has set it."""

    def __init__(self, key: str, holds: str, empty: Callable[[], T]) -> None:
        super().__init__(key, holds)
        self._empty = empty

    def get(self, doc: Doc) -> T:
        """The value on ``doc``; a new empty value when no component has set it."""
        value = doc.user_data.get(self.key, _UNSET)
        if value is _UNSET:
            return self._empty()
        found: T = value
        return found

    def find(self, doc: Doc) -> T | None:
        """The value on ``doc``, None when no component has set it."""
        value: T | None = doc.user_data.get(self.key)
        return value

    def has(self, doc: Doc) -> bool:
        return self.key in doc.user_data

    def set(self, doc: Doc, value: T) -> None:
        doc.user_data[self.key] = value

    def setdefault(self, doc: Doc, value: T) -> T:
        """The value on ``doc``, after setting it to ``value`` when there was none."""
        found: T = doc.user_data.setdefault(self.key, value)
        return found


class SpanLayer(DocLayer):
    """A span group one component leaves in ``doc.spans`` for the later ones."""

    def where(self) -> str:
        return f'doc.spans["{self.key}"]'

    @property
    def name(self) -> str:
        return f"{self.key} spans"

    def has(self, doc: Doc) -> bool:
        return self.key in doc.spans

    def spans(self, doc: Doc) -> list[Span]:
        """The spans of the group, none when no component left it."""
        return list(doc.spans[self.key]) if self.key in doc.spans else []

    def set(self, doc: Doc, spans: Iterable[Span]) -> None:
        doc.spans[self.key] = SpanGroup(doc, name=self.key, spans=list(spans))

    def set_values(self, doc: Doc, values: Iterable[TimeValue | Quantity]) -> None:
        """Set the group to the token spans of ``values`` (each widened to whole tokens;
        a value without a span, or none that fits the tokens, is left out)."""
        spans = []
        for value in values:
            if value.span is None:
                continue
            span = doc.char_span(value.span.start, value.span.end, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        self.set(doc, spans)


@dataclass(frozen=True)
class Contract:
    """What one unit of the pipeline does with a doc.

    ``provides``: the Claim fields it fills; ``reads``: the layers it needs, which an
    earlier unit must write; ``reads_if_present``: the layers it reads when an earlier unit
    left them, and does without otherwise (an optional tagger's output); ``writes``: the
    layers it sets or changes."""

    provides: frozenset[str] = frozenset()
    reads: tuple[DocLayer, ...] = ()
    reads_if_present: tuple[DocLayer, ...] = ()
    writes: tuple[DocLayer, ...] = ()


def _none() -> None:
    return None


# -- given before the components run (claims.pipeline) ------------------------------------

PUBLISHED: Layer[date | None] = Layer(
    "published", "the article's publication date, which relative times are anchored to", _none
)
# Caches any code may fill on first use (claims.tokenizer), never part of a contract.
TEXT: Layer[str | None] = Layer("cc_text", "the doc's text, computed once", _none)
TOKENS: Layer[TokenTable | None] = Layer(
    "cc_tokens", "per-token columns read once from the doc's arrays", _none
)
WORDS: Layer[list[str] | None] = Layer(
    "cc_words", "the text of every token, read once", _none
)
LOWER_WORDS: Layer[list[str] | None] = Layer(
    "cc_lower_words", "the lower-case text of every token, read once", _none
)
CACHE_LAYERS: tuple[Layer[Any], ...] = (TEXT, TOKENS, WORDS, LOWER_WORDS)

# -- cc_sentences, cc_clauses (claims.sentences) ------------------------------------------

SENTENCES: Layer[list[SentenceInfo]] = Layer(
    "cc_sentences", "sentences with their line, paragraph, section and headline flag", list
)
CLAUSES: Layer[list[ClauseInfo]] = Layer("cc_clauses", "clauses of the sentences", list)
SOFT_BREAKS: Layer[list[int]] = Layer(
    "cc_soft_breaks", "token starts of every connector, split or not", list
)
CLAUSE_SPANS = SpanLayer("clauses", "clauses as token spans")

# -- cc_times (claims.time), cc_quantities (claims.quantity) ------------------------------

TIMES: Layer[list[TimeValue]] = Layer("cc_times", "time expressions", list)
TIME_SPANS = SpanLayer("times", "time expressions as token spans")
QUANTITIES: Layer[list[Quantity]] = Layer("cc_quantities", "amounts with their unit", list)
QUANTITY_SPANS = SpanLayer("quantities", "amounts as token spans")

# -- cc_entities (claims.entities), cc_ner (claims.ner) -----------------------------------

ENTITIES: Layer[list[EntityMention]] = Layer("cc_entities", "places and actors", list)
ENTITY_SPANS = SpanLayer("entities", "places and actors as token spans")
NER_SPANS = SpanLayer("ner", "names the statistical NER tags")

# -- cc_context (claims.context) ----------------------------------------------------------

DATELINE: Layer[tuple[int, int] | None] = Layer(
    "cc_dateline", "the character span of the dateline, which dates the report", _none
)
DATELINE_PLACES: Layer[list[tuple[int, int]]] = Layer(
    "cc_dateline_places",
    "the character spans of the places a report was filed from (its dateline)",
    list,
)
REFERENCE_DATE: Layer[ReferenceDate | None] = Layer(
    "cc_reference_date", "the day the article was written and how it is known", _none
)

# -- cc_attribution (claims.attribution) --------------------------------------------------

REPORTING_CUES: Layer[list[ReportCue]] = Layer(
    "cc_reporting_cues", "reporting cues with their source", list
)
MODALITY_CUES: Layer[list[ModalityCue]] = Layer(
    "cc_modality_cues", "negation, hedge and plan cues", list
)

# -- cc_events (claims.events) ------------------------------------------------------------

TRIGGERS: Layer[list[TriggerMention]] = Layer("cc_triggers", "event triggers", list)
TRIGGER_SPANS = SpanLayer("triggers", "event triggers as token spans")
PHASE_CUES: Layer[list[PhaseCue]] = Layer("cc_phase_cues", "phase cues and their reach", list)
PAST_MARKERS: Layer[list[int]] = Layer(
    "cc_past_markers", "token starts of past-tense markers that date a verbal noun", list
)
SUPPORT_NOUNS: Layer[list[int]] = Layer(
    "cc_support_nouns", "token starts of force and base nouns", list
)
ROLE_WORDS: Layer[list[RoleWord]] = Layer(
    "cc_role_words", "words that give a place its role", list
)
QUANTITY_LINKS: Layer[dict[int, int]] = Layer(
    "cc_quantity_links", "quantity token start -> the token start of the trigger it counts", dict
)
