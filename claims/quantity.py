"""The Arabic quantity tagger: counts and measures as intervals with a unit.

:func:`find_quantities` is a pure function of normalised text. It takes the numbers that
:mod:`claims.numbers` finds (digits, number words, vague amounts), drops those inside time
expressions (dates and clock times are not counts) and those that name something ("القرار
2254", "F-16"), joins ranges ("بين 30 و40"), reads the unit after the number (or the counted
noun before it: "ارتفع عدد القتلي الي 50") and the bound around it ("اكثر من", "نحو",
"علي الاقل"), and returns each as an interval:

- "اكثر من 50 اليه": low 50 exclusive, high None, unit vehicles;
- "اقل من 500 عنصر": low 0, high 500 exclusive;
- "حوالي 350 كيلومترا": value 350 +/- :attr:`QuantitySettings.approx_tolerance`;
- "مئات الجنود": vague, 200..999 (ranges from numbers.yaml).

It then says what the amount is of when the unit alone does not ("علي عمق 10 كم" is a
depth, "بقوه 6.8 درجات" a magnitude, "نسبه المشاركه 56%" a turnout, "من اصل 329 مقعدا" a
total), who holds it ("حصل تحالف X علي 45 مقعدا": X), and where a distance is measured
from ("علي بعد 70 كم جنوب غرب مراكش": SW of مراكش); see :func:`qualify`.

Vocabulary: ``claims/lexicon/ar/units.yaml``, ``quantity_bounds.yaml``, ``numbers.yaml`` and
the lengths of time in ``time.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from spacy.language import Language
from spacy.tokens import Doc

from claims import layers
from claims.clitics import clitics, one_of
from claims.layers import Contract
from claims.lexicon.schemas import (
    ANY_UNIT,
    NO_UNIT,
    AspectEntry,
    BoundKind,
    UnitsLexicon,
    bounds_lexicon,
    numbers_lexicon,
    time_lexicon,
    units_lexicon,
)
from claims.model import Quantity, Span, TimeValue
from claims.numbers import (
    NumberMatch,
    alternation,
    find_numbers,
    number_words_pattern,
    rounding_step,
)
from claims.settings import QuantitySettings, extraction_settings
from claims.time import find_times
from claims.tokenizer import doc_text, load_morphology, noun_variants

SETTINGS: QuantitySettings = extraction_settings().quantity

_W = r"(?<![\w])"
_E = r"(?![\w])"


@dataclass(frozen=True)
class _CliticPatterns:
    """The regex pieces of the proclitics (:mod:`claims.clitics`) the patterns use."""

    unit_prefix: str  # a cluster before a unit noun, or none: "وبالجنود", "للجنود"
    cue_prefix: str  # a cluster or a conjunction alone before a cue word: "وبحسب"
    conj: str  # a conjunction or none: "وتجاوز"
    glued: str  # a conjunction or a temporal preposition, or none: "وبين", "لعدد"
    article: str  # the article or none
    joined: re.Pattern[str]  # only "و" between two amounts
    nisba: re.Pattern[str]  # a definite nisba adjective: "المغربيه"


@lru_cache(maxsize=1)
def _clitic_patterns() -> _CliticPatterns:
    c = clitics()
    # conjunction, then preposition and/or article ("ل" + "ال" is "لل")
    cluster = (
        rf"(?:{c.contracted}|{one_of(c.keeping_article)}{c.article}|{c.article}"
        rf"|{one_of(c.prepositions)})"
    )
    conj = one_of(c.conjunctions)
    return _CliticPatterns(
        unit_prefix=rf"(?:{conj}?{cluster})?",
        cue_prefix=rf"(?:{conj}?{cluster}?)?",
        conj=f"(?:{conj})?",
        glued=f"(?:{one_of(c.conjunctions + c.temporal)})?",
        article=f"(?:{c.article})?",
        joined=re.compile(rf"^\s*[,،]?\s*{c.coordinator}\s*$"),
        nisba=re.compile(rf"^{c.article}\w+يه?$"),
    )


@dataclass(frozen=True)
class _Grammar:
    units: dict[str, str]
    duals: dict[str, str]
    measures: frozenset[str]
    persons: frozenset[str]
    also_after: re.Pattern[str]
    part_of_after: re.Pattern[str]
    unit_after: re.Pattern[str]
    unit_one: re.Pattern[str]
    dual_re: re.Pattern[str]
    count_noun_before: re.Pattern[str]
    bound_before: re.Pattern[str]
    bound_before_kind: dict[str, BoundKind]
    bound_past_subject: re.Pattern[str]
    bound_after: re.Pattern[str]
    bound_after_kind: dict[str, BoundKind]
    between_before: re.Pattern[str]
    from_before: re.Pattern[str]
    between_gap: re.Pattern[str]
    to_gap: re.Pattern[str]
    change_before: re.Pattern[str]
    identifier_before: re.Pattern[str]


def _key(form: str) -> str:
    return " ".join(form.split())


def _counted_subject(count_nouns: list[str], lex: UnitsLexicon) -> str:
    """A regex of the subject a bound verb may have before its number: a count noun, with
    its article or a pronoun ("عدد القتلي", "عددهم", "حصيلتها"), or a cue of what the amount
    is of ("نسبه المشاركه"), and at most three more words."""
    morph = load_morphology()
    p = _clitic_patterns()
    nouns = [v.text for n in count_nouns for v in noun_variants(n, morph) if not v.clitic]
    cues = [c for a in lex.aspects if not a.adjacent for c in a.before]
    return (
        rf"(?:{alternation(nouns)}|{p.article}{alternation(cues)})"
        r"(?![^\W\d_])(?:\s+[^\W\d_]+){0,3}"
    )


def _total_cues(lex: UnitsLexicon) -> list[str]:
    """The cues that make an amount the whole a part is out of ("من اصل")."""
    return [c for a in lex.aspects if a.of == TOTAL for c in a.before]


TOTAL = "total"  # the aspect of a whole ("out of 329")
DISTANCE = "distance"  # the aspect whose amounts have a reference place
ELAPSED = "elapsed"  # a length of time after something ("بعد 30 ثانيه")
SINCE_EVENT = "after_"  # aspects "after_<event>": the time elapsed since a named event


def since_event(q: Quantity) -> bool:
    """An elapsed time since a named event ("30 seconds after take-off"): the only length
    of time that is an event's amount."""
    return q.of is not None and q.of.startswith(SINCE_EVENT)


def since_event_cues(entries: list[AspectEntry]) -> list[str]:
    """The cues after an amount that name the event it counts from ("من اقلاعها")."""
    return [c for e in entries if e.of.startswith(SINCE_EVENT) for c in e.after]


def read_since_event(
    skip: Sequence[tuple[int, int]], text: str, since: re.Pattern[str]
) -> list[tuple[int, int]]:
    """``skip`` without the time expressions that only hold the length of an elapsed time
    since a named event: "بعد ساعتين" before "من الزلزال", "less than a minute after" with
    "after take-off" ending past it. The time tagger reads them as a time counted from an
    event that it cannot resolve; their number is an amount."""
    kept = []
    for start, end in skip:
        m = since.search(text, start, min(len(text), end + 80))
        if m is None or not (start <= m.start() <= end < m.end()):
            kept.append((start, end))
    return kept


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    bounds = bounds_lexicon()
    c, p = clitics(), _clitic_patterns()
    units: dict[str, str] = {}
    duals: dict[str, str] = {}
    for entry in units_lexicon().units:
        for form in entry.forms:
            units[_key(form)] = entry.unit
        for form in entry.dual:
            duals[_key(form)] = entry.unit
    for duration in time_lexicon().durations:
        for form in [*duration.singular, *duration.plural]:
            units.setdefault(form, duration.unit)
        for form in duration.dual:
            duals.setdefault(form, duration.unit)
    unit_alt = alternation(list(units))
    ones = [f for f in numbers_lexicon().units[1]]
    twos = [f for f in numbers_lexicon().units[2]]
    before_kind = {_key(f): b.kind for b in bounds.before for f in b.forms}
    after_kind = {_key(f): b.kind for b in bounds.after for f in b.forms}
    joiners = alternation(bounds.range_between_joiners)
    return _Grammar(
        units=units,
        duals=duals,
        measures=frozenset(
            [u.unit for u in units_lexicon().units if u.measure]
            + [d.unit for d in time_lexicon().durations]
        ),
        persons=frozenset(u.unit for u in units_lexicon().units if u.person),
        # "242 من الركاب والطاقم": people of both kinds
        also_after=re.compile(
            rf"\s+{c.coordinator}{p.unit_prefix}(?P<u>{unit_alt}){_E}"
            rf"(?!\s+(?:{alternation(bounds.size_links)})\s+(?:\d|{number_words_pattern()}))"
        ),
        # "90 من اصل 120 جنديا": the part is counted in the whole's unit
        part_of_after=re.compile(
            rf"\s*(?:{alternation(_total_cues(units_lexicon()))})\s*[(]?\s*(?=\d)"
        ),
        # "ثلاثة من جنودها": a partitive's noun may carry a possessive pronoun
        unit_after=re.compile(
            rf"\s*(?:%|(?P<link>{alternation(bounds.unit_links)}\s+)?{p.unit_prefix}"
            rf"(?P<u>{unit_alt})(?(link)(?:{alternation(load_morphology().pronoun_suffixes)})?){_E})"
        ),
        unit_one=re.compile(
            rf"{_W}{p.unit_prefix}(?P<u>{unit_alt})\s+(?P<n>{alternation(ones)}){_E}"
        ),
        dual_re=re.compile(
            rf"{_W}{p.unit_prefix}(?P<u>{alternation(list(duals))})(?:\s+(?P<n>{alternation(twos)}))?{_E}"
        ),
        count_noun_before=re.compile(
            rf"{_W}{p.glued}{alternation(bounds.count_nouns)}\s+{p.unit_prefix}(?P<u>{unit_alt}){_E}"
            r"(?P<rest>[^.،,؛;:!?؟\n\d]*)$"
        ),
        bound_before=re.compile(
            rf"{_W}{p.glued}(?P<b>{alternation(list(before_kind))})\s*{p.article}$"
        ),
        bound_before_kind=before_kind,
        # "لم تتجاوز نسبه المشاركه 41%": the bound verb, then what is counted
        bound_past_subject=re.compile(
            rf"{_W}{p.conj}(?P<b>{alternation(list(before_kind))})\s+"
            rf"{_counted_subject(bounds.count_nouns, units_lexicon())}\s*$"
        ),
        bound_after=re.compile(rf"\s*(?P<b>{alternation(list(after_kind))}){_E}"),
        bound_after_kind=after_kind,
        between_before=re.compile(rf"{_W}{p.glued}{alternation(bounds.range_between)}\s+$"),
        from_before=re.compile(rf"{_W}{p.conj}{alternation(bounds.range_from)}\s+$"),
        between_gap=re.compile(rf"^\s*(?:{p.unit_prefix}(?P<u>{unit_alt})\s*)?{joiners}\s*$"),
        to_gap=re.compile(
            rf"^\s*(?:{p.unit_prefix}(?P<u>{unit_alt})\s*)?(?:-|–|{alternation(bounds.range_to)}\s*)$"
        ),
        change_before=re.compile(rf"{_W}{p.conj}{alternation(bounds.change_cues)}{_E}"),
        identifier_before=re.compile(
            rf"(?:{_W}{p.unit_prefix}{alternation(bounds.identifier_cues)}\s*[-:]?\s*|[^\W\d_]\s*-\s*|[A-Za-z])$"
        ),
    )


@dataclass
class _Item:
    start: int
    end: int
    value: float | None
    low: float | None
    high: float | None
    vague: bool = False
    needs_unit: bool = False
    range_: bool = False
    spelled: bool = False
    unit: str | None = None
    step: float | None = None  # see claims.numbers.rounding_step
    dot_thousands: bool = False


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _keep_number(n: NumberMatch, text: str, skip: Sequence[tuple[int, int]], g: _Grammar) -> bool:
    if _overlaps(n.start, n.end, skip):
        return False
    before, after = text[max(0, n.start - 1) : n.start], text[n.end : n.end + 2]
    if before in ("/", ":") or re.match(r"[/:]\d", after):
        return False  # part of a date, a ratio or a score
    window = text[max(0, n.start - 30) : n.start]
    return not g.identifier_before.search(window)


# Characters searched back for a bound verb before its subject ("لم تتجاوز نسبه المشاركه
# في الانتخابات البلديه 38%").
_SUBJECT_WINDOW = 80
# "12.500": a decimal point in a measure, a thousands dot in a head count.
_DOT_GROUP = re.compile(r"\d{1,3}\.\d{3}")
_BRACKETED = re.compile(r"\s*\)")
PEOPLE = "people"  # the unit of a head count of several kinds of people
# "من اصل 21.4 مليونا"/"(26.538) ناخبا": the whole's figure, then its unit.
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*(?:\s*\))?")


def _unit_of_whole(text: str, end: int, g: _Grammar) -> str | None:
    """The unit of "90 من اصل 120 جنديا": the whole's, written after it."""
    m = g.part_of_after.match(text, end)
    if not m:
        return None
    figure = _FIGURE.match(text, m.end())
    if figure is None:
        return None
    after = g.unit_after.match(text, figure.end())
    if after is None or after.group("u") is None:
        return None
    return g.units[_key(after.group("u"))]


def _items(numbers: list[NumberMatch], text: str, g: _Grammar) -> list[_Item]:
    """Numbers as items, with ranges ("بين 30 و40", "30-40", "من 30 الي 40") joined."""
    items: list[_Item] = []
    i = 0
    while i < len(numbers):
        n = numbers[i]
        item = _Item(
            n.start, n.end, n.value, n.low, n.high, n.vague, n.needs_unit, spelled=n.spelled,
            step=rounding_step(n, text),
        )
        item.dot_thousands = bool(_DOT_GROUP.fullmatch(text[n.start : n.end]))
        if i + 1 < len(numbers) and n.value is not None and numbers[i + 1].value is not None:
            nxt = numbers[i + 1]
            gap = text[n.end : nxt.start]
            left = text[max(0, n.start - 40) : n.start]
            range_start: int | None = None
            unit_in_gap: str | None = None
            m_between = g.between_before.search(left)
            m_gap = g.between_gap.match(gap)
            if m_between and m_gap:
                range_start = n.start - (len(left) - m_between.start())
                unit_in_gap = m_gap.group("u")
            else:
                m_to = g.to_gap.match(gap)
                if m_to and not g.change_before.search(text[max(0, n.start - 50) : n.start]):
                    m_from = g.from_before.search(left)
                    range_start = n.start - (len(left) - m_from.start()) if m_from else n.start
                    unit_in_gap = m_to.group("u")
            assert nxt.value is not None and n.value is not None
            low = n.value
            if nxt.scale > 1 and n.scale == 1 and n.value < nxt.value / nxt.scale:
                low = n.value * nxt.scale  # "بين 30 و40 الف": the scale counts for both
            if range_start is not None and nxt.value >= low:
                item = _Item(range_start, nxt.end, None, low, nxt.value, range_=True)
                if unit_in_gap:
                    item.unit = g.units[_key(unit_in_gap)]
                items.append(item)
                i += 2
                continue
        items.append(item)
        i += 1
    return items


def _unit_words(
    text: str,
    g: _Grammar,
    skip: Sequence[tuple[int, int]],
    taken: list[tuple[int, int]],
    s: QuantitySettings,
) -> list[Quantity]:
    """Counts said by the noun alone: a dual ("جنديان") or a noun with "واحد" ("جندي واحد"),
    with a bound before it ("اقل من دقيقه واحده")."""
    found: list[Quantity] = []
    for pattern, count, table in ((g.unit_one, 1.0, g.units), (g.dual_re, 2.0, g.duals)):
        for m in pattern.finditer(text):
            start, end = m.start("u"), m.end()
            if _overlaps(start, end, skip) or _overlaps(start, end, taken):
                continue
            q = Quantity(value=count, low=count, high=count, unit=table[_key(m.group("u"))])
            window = text[max(0, start - 40) : start]
            mb = g.bound_before.search(window)
            if mb:
                _bound(q, count, g.bound_before_kind[_key(mb.group("b"))], s)
                start -= len(window) - mb.start("b")
            q.span = Span(start=start, end=end, text=text[start:end])
            found.append(q)
            taken.append((start, end))
    return found


def find_quantities(
    text: str,
    *,
    skip_spans: Sequence[tuple[int, int]] | None = None,
    times: Sequence[TimeValue] | None = None,
    settings: QuantitySettings | None = None,
) -> list[Quantity]:
    """Every quantity in normalised ``text``, sorted by start, non-overlapping.

    Numbers inside time expressions are skipped: pass ``times`` (from
    :func:`claims.time.find_times`) or raw ``skip_spans`` to avoid tagging times twice;
    without either, the time tagger is run here."""
    s = settings or SETTINGS
    g = _grammar()
    if skip_spans is None:
        if times is None:
            times = find_times(text)
        skip_spans = [(t.span.start, t.span.end) for t in times if t.span is not None]
    skip = read_since_event(skip_spans, text, _qualifiers().since)
    numbers = [n for n in find_numbers(text) if _keep_number(n, text, skip, g)]
    quantities: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    floor = 0
    for item in _items(numbers, text, g):
        q = _quantity(item, text, g, s)
        if q is not None and q.span is not None and not _overlaps(q.span.start, q.span.end, taken):
            previous = quantities[-1] if quantities else None
            quantities.append(qualify(q, item.start, text, floor, previous, item.end))
            taken.append((q.span.start, q.span.end))
        floor = max(floor, item.end)
    said_by_noun = _unit_words(text, g, skip, taken, s)
    # An amount said by its noun ("مقعد واحد") follows the figure before it as any other.
    by_figure = [q for q in quantities if q.span is not None]
    ends = [q.span.end for q in by_figure if q.span is not None]
    for q in said_by_noun:
        if q.span is None:
            continue
        k = bisect_right(ends, q.span.start)
        previous = by_figure[k - 1] if k else None
        floor = ends[k - 1] if k else 0
        quantities.append(qualify(q, q.span.start, text, floor, previous))
    quantities.sort(key=lambda q: q.span.start if q.span else 0)
    return quantities


def _quantity(item: _Item, text: str, g: _Grammar, s: QuantitySettings) -> Quantity | None:
    start, end = item.start, item.end
    unit = item.unit
    bracketed = _BRACKETED.match(text, end)
    if bracketed and text[:start].rstrip().endswith("("):
        # "(20.527) ناخبا": a figure in brackets, its unit after them
        start, end = text.rindex("(", 0, start), bracketed.end()
    m = g.unit_after.match(text, end)
    if m and unit is None:
        unit = "percent" if m.group("u") is None else g.units[_key(m.group("u"))]
        end = m.end()
    elif m and m.group("u") is not None and g.units[_key(m.group("u"))] == unit:
        end = m.end()
    if unit is None:
        window = text[max(0, start - s.unit_before_window) : start]
        before = g.count_noun_before.search(window)
        if before:
            unit = g.units[_key(before.group("u"))]
    if unit is None and not item.range_:
        unit = _unit_of_whole(text, end, g)
    if unit is None and item.needs_unit:
        return None
    also = g.also_after.match(text, end) if unit in g.persons else None
    if also and g.units[_key(also.group("u"))] in g.persons - {unit}:
        unit, end = PEOPLE, also.end()  # "242 من الركاب والطاقم"
    kind: BoundKind | None = None
    if not item.range_:
        window = text[max(0, start - 40) : start]
        mb = g.bound_before.search(window)
        if mb:
            kind = g.bound_before_kind[_key(mb.group("b"))]
            start -= len(window) - mb.start("b")
        else:
            # The span stays on the figure: the subject between may say what it is of.
            verb = g.bound_past_subject.search(text, max(0, start - _SUBJECT_WINDOW), start)
            if verb:
                kind = g.bound_before_kind[_key(verb.group("b"))]
        ma = g.bound_after.match(text, end)
        if ma and kind is None:
            kind = g.bound_after_kind[_key(ma.group("b"))]
            end = ma.end("b")
    q = Quantity(span=Span(start=start, end=end, text=text[start:end]), unit=unit)
    if item.range_:
        q.low, q.high = item.low, item.high
        return q
    if item.vague:
        q.low, q.high, q.vague, q.approximate = item.low, item.high, True, True
        return q
    value = item.value
    assert value is not None
    if item.dot_thousands and unit is not None and unit not in g.measures:
        value = round(value * 1000)  # nobody counts 12.5 refugees
    q.value = value
    if kind is None:
        q.low = q.high = value
        q.precision = item.step
        if (
            unit is None
            and not item.spelled
            and value == int(value)
            and s.year_like_min <= value <= s.year_like_max
        ):
            q.resolved = False
            q.reason = "a number without a unit that may be a year"
    else:
        _bound(q, value, kind, s)
    return q


def approx_fraction(value: float | None, ceiling: float, floor: float) -> float:
    """How far "about VALUE" reaches, as a fraction of it: ``ceiling`` for a figure of up
    to three significant digits ("نحو 30 الفا", "about 350", "حوالي 1100"), less for
    one counted to four or more: who hedges "12,003,143" means its last digits, not a
    tenth of it. Then five units of its last non-zero digit, never below ``floor``."""
    if value is None or value <= 0 or value != int(value):
        return ceiling
    whole, step = int(value), 1
    while whole % 10 == 0:
        whole //= 10
        step *= 10
    if whole < 1000:
        return ceiling
    return max(floor, min(ceiling, 5 * step / value))


def _bound(q: Quantity, value: float, kind: BoundKind, s: QuantitySettings) -> None:
    """The interval of ``value`` under a bound ("اكثر من", "نحو")."""
    if kind == "more_than":
        q.low, q.low_inclusive = value, False
    elif kind == "at_least":
        q.low = value
    elif kind == "less_than":
        q.low, q.high, q.high_inclusive = 0.0, value, False
    elif kind == "at_most":
        q.low, q.high = 0.0, value
    else:
        q.approximate = True
        reach = approx_fraction(value, s.approx_tolerance, s.approx_floor)
        # rounded so that 350 +/- 10% reads 315..385, not 385.00000000000006
        q.low = round(value * (1 - reach), 6)
        q.high = round(value * (1 + reach), 6)


# --------------------------------------------------------------- what an amount is of

_LETTER_AFTER = r"(?![^\W\d_])"
_LETTER_BEFORE = r"(?<![^\W\d_])"
# Where a clause ends, looking back from an amount: a sentence end (a dot that is no
# decimal point) or a line break.
_CLAUSE_END = re.compile(r"[!?؟؛;\n]|\.(?!\d)")
_WORD = re.compile(r"\S+")
# Where the words after an amount stop telling about it: a figure or a punctuation mark.
_TAIL_END = re.compile(r"\d|[.,،؛;:!?؟()\n]")
_COMMA = re.compile(r"[,،]")
_TOPIC_WORDS = 6  # the longest fronted topic ("وبشان تصويت النازحين في المخيمات،")
# The opening of a clause that repeats no verb: a comma, then the conjunction.
_GAPPED = re.compile(r"[\s]*[،,][\s]*(\S)")
_QUOTES = str.maketrans("", "", "\"'«»“”„()[]")


@dataclass(frozen=True)
class ScopeCues:
    """The compiled scope phrases of one language (``scopes`` of its units lexicon)."""

    units: frozenset[str]  # the shared-out units a scope applies to
    scopes: dict[str, str]  # phrase (lower case) -> scope key
    pattern: re.Pattern[str]  # finds a phrase, in group "s"


def find_scope(q: Quantity, text: str, cues: ScopeCues, floor: int = 0) -> str | None:
    """The part of the whole a shared-out amount is about: the nearest scope phrase before
    it in its clause, else one right after it, before the next figure or punctuation, else
    a topic fronted before the first comma of its sentence ("وبشان تصويت النازحين، اشارت
    الي ان ... 77 في المئة", "In the special vote, ...")."""
    if q.unit not in cues.units or q.span is None:
        return None
    lo = clause_floor(text, q.span.start, floor)
    before = list(cues.pattern.finditer(text, lo, q.span.start))
    if before:
        return cues.scopes[_key(before[-1].group("s").lower())]
    stop = _TAIL_END.search(text, q.span.end)
    after = cues.pattern.search(text, q.span.end, stop.start() if stop else len(text))
    if after:
        return cues.scopes[_key(after.group("s").lower())]
    start = clause_floor(text, q.span.start, 0)
    comma = _COMMA.search(text, start, q.span.start)
    if comma and len(text[start : comma.start()].split()) <= _TOPIC_WORDS:
        topic = cues.pattern.search(text, start, comma.start())
        if topic:
            return cues.scopes[_key(topic.group("s").lower())]
    return None


def scope_cues(lex: UnitsLexicon, pattern: Callable[[list[str]], str]) -> ScopeCues:
    """``pattern`` makes the regex (with a group "s") of a language from the phrases."""
    scopes = {_key(f.lower()): e.scope for e in lex.scopes for f in e.forms}
    return ScopeCues(
        units=frozenset(u.unit for u in lex.units if u.qualified),
        scopes=scopes,
        pattern=re.compile(pattern(list(scopes))),
    )


@dataclass(frozen=True)
class Qualifiers:
    """The compiled cues of ``aspects``, ``holders`` and ``distance`` of a units lexicon
    (shared by the English tagger, which builds its own with its own word boundaries)."""

    cues: AspectCues
    scope: ScopeCues
    holder_units: frozenset[str]
    holder_nouns: frozenset[str]
    head_nouns: frozenset[str]
    holder_verb_re: re.Pattern[str]
    holder_noun_re: re.Pattern[str]
    holder_stoppers: frozenset[str]
    holder_words: int
    holder_window: int
    leader_re: re.Pattern[str]  # a cue opening the name of a holder's leader
    leader_prefixes: tuple[str, ...]  # "لل": a preposition with the article
    article: str
    conjunctions: frozenset[str]
    nisba: str  # morphology.yaml `nisba_suffix`
    nisba_endings: tuple[str, ...]  # its feminine and plural endings, longest first
    ta_marbuta: str
    row_label: re.Pattern[str]
    distance_units: frozenset[str]
    bearings: dict[str, str]
    bearing_re: re.Pattern[str]
    link_re: re.Pattern[str]
    place_nouns: frozenset[str]
    distance_stoppers: frozenset[str]
    distance_words: int
    since: re.Pattern[str]  # a cue naming the event an elapsed time counts from
    elapsed_before: re.Pattern[str]  # "بعد" right before an amount, at the end of a text
    wholes: dict[str, str]  # units.yaml `wholes`
    joins: Joins  # units.yaml `shares`, `share_cues`, `part_links`


@dataclass(frozen=True)
class Joins:
    """How an amount right after another one is joined to it: the count behind a share
    ("82.6% بواقع 1,084,289") or the whole a part is out of ("1,084,289 من 1,313,943")."""

    shares: dict[str, str]  # what the count behind a share is of, by the share's aspect
    share_gap: re.Pattern[str]  # all that stands between a share and its count
    part_gap: re.Pattern[str]  # all that stands between a part and its whole

    @classmethod
    def of(cls, lex: UnitsLexicon, flags: int = 0) -> Joins:
        return cls(dict(lex.shares), _gap(lex.share_cues, flags), _gap(lex.part_links, flags))


def aspects_by_cue(entries: list[AspectEntry], attr: str) -> dict[str, list[AspectEntry]]:
    """The aspect entries each cue (of ``attr``: "before" or "after") may start."""
    table: dict[str, list[AspectEntry]] = {}
    for entry in entries:
        for cue in getattr(entry, attr):
            table.setdefault(_key(cue.lower()), []).append(entry)
    return table


@lru_cache(maxsize=1)
def _qualifiers() -> Qualifiers:
    lex = units_lexicon()
    c, p, morph = clitics(), _clitic_patterns(), load_morphology()
    before, after = aspects_by_cue(lex.aspects, "before"), aspects_by_cue(lex.aspects, "after")
    holders, distance = lex.holders, lex.distance
    nouns = list(holders.nouns) if holders else []
    bearings = {_key(f): b.bearing for b in distance.bearings for f in b.forms} if distance else {}
    return Qualifiers(
        cues=AspectCues(
            before=before,
            before_re=re.compile(
                rf"{_LETTER_BEFORE}{p.cue_prefix}(?P<c>{alternation(list(before))}){_LETTER_AFTER}"
            ),
            after=after,
            after_re=re.compile(rf"\s*(?P<c>{alternation(list(after))}){_LETTER_AFTER}"),
            adjacent_gap=re.compile(
                rf"^[\s\"'«“(]*(?:{one_of(c.conjunctions + c.prepositions)}"
                rf"|{c.contracted})?[\s\"'«“(]*$"
            ),
            joined=p.joined,
        ),
        scope=scope_cues(
            lex,
            lambda forms: (
                rf"{_LETTER_BEFORE}{p.cue_prefix}(?P<s>{alternation(forms)}){_LETTER_AFTER}"
            ),
        ),
        holder_units=frozenset(holders.units) if holders else frozenset(),
        holder_nouns=frozenset(nouns + [c.article + n for n in nouns]),
        head_nouns=frozenset(
            [*holders.head_nouns, *(c.article + n for n in holders.head_nouns)]
            if holders
            else []
        ),
        holder_verb_re=re.compile(
            rf"{_LETTER_BEFORE}{p.conj}(?P<v>{alternation(holders.verbs if holders else [])})"
            rf"{_LETTER_AFTER}"
        ),
        holder_noun_re=re.compile(
            rf"{_LETTER_BEFORE}{p.conj}{p.article}(?P<n>{alternation(nouns)}){_LETTER_AFTER}"
        ),
        holder_stoppers=frozenset(holders.stoppers if holders else []),
        holder_words=holders.max_words if holders else 0,
        holder_window=holders.window if holders else 0,
        leader_re=re.compile(
            rf"{_LETTER_BEFORE}{p.conj}(?P<l>{alternation(holders.leader_cues if holders else [])})"
            rf"{_LETTER_AFTER}"
        ),
        leader_prefixes=tuple(
            prep + c.article[1:] for prep in (holders.leader_prepositions if holders else [])
        ),
        article=c.article,
        conjunctions=frozenset(c.conjunctions),
        nisba=morph.nisba_suffix,
        nisba_endings=tuple(sorted((e for e in morph.nisba_endings if e), key=len, reverse=True)),
        ta_marbuta=morph.ta_marbuta,
        # "حزب X (زعيمه): 28 مقعدا" at the start of a line or after a bullet
        row_label=re.compile(
            r"^[ \t]*(?:[-•*·▪]|\d{1,2}[.)-])?[ \t]*(?P<label>[^\n:؛.]{2,80}?)"
            r"[ \t]*(?:\([^)\n]*\))?[ \t]*:[ \t]*$",
            re.MULTILINE,
        ),
        distance_units=frozenset(u for a in lex.aspects if a.of == DISTANCE for u in a.units),
        bearings=bearings,
        bearing_re=re.compile(
            rf"\s*[,،]?\s+(?:(?:الي|في)\s+)?(?P<b>{alternation(list(bearings))}){_LETTER_AFTER}"
        ),
        link_re=re.compile(
            rf"\s+(?P<l>{alternation(distance.links if distance else [])}){_LETTER_AFTER}"
        ),
        place_nouns=frozenset(distance.place_nouns if distance else []),
        distance_stoppers=frozenset(distance.stoppers if distance else []),
        distance_words=distance.max_words if distance else 0,
        since=re.compile(rf"\s*(?P<c>{alternation(since_event_cues(lex.aspects))}){_LETTER_AFTER}"),
        elapsed_before=re.compile(
            rf"{_LETTER_BEFORE}{p.conj}"
            rf"{alternation([c for a in lex.aspects if a.of == ELAPSED for c in a.before])}"
            r"[\s\"'«“(]*$"
        ),
        wholes=dict(lex.wholes),
        joins=Joins.of(lex),
    )


def _gap(words: Sequence[str], flags: int = 0) -> re.Pattern[str]:
    """Text made only of one of ``words`` with spaces, commas, quotes and brackets; a
    pattern that matches nothing when there are no words."""
    if not words:
        return re.compile(r"(?!)")
    return re.compile(
        rf"[\s،,()\"'«»]*(?:{alternation(list(words))})[\s()\"'«»]*", flags
    )


def aspect_fits_unit(entry: AspectEntry, unit: str | None) -> bool:
    return ANY_UNIT in entry.units or (unit or NO_UNIT) in entry.units


def aspect_fits_value(entry: AspectEntry, q: Quantity) -> bool:
    top = q.value if q.value is not None else q.high
    return entry.max_value is None or top is None or top <= entry.max_value


def apply_aspect(q: Quantity, entry: AspectEntry) -> None:
    """Give ``q`` the aspect ``entry`` names, and the unit it implies (a unit that says it
    all, a magnitude, leaves ``of`` empty: "7 درجات علي مقياس ريختر" and "بقوه 7 درجات"
    are one fact)."""
    q.of = entry.of if entry.of != entry.unit else None
    if entry.unit is not None:
        q.unit = entry.unit
    elif q.unit is None and entry.bare_unit is not None:
        q.unit = entry.bare_unit


def clause_floor(text: str, start: int, floor: int) -> int:
    """Where the clause of an amount at ``start`` begins: the last sentence end or line
    break before it, and never before ``floor`` (the end of the amount before it)."""
    ends = [m.end() for m in _CLAUSE_END.finditer(text, floor, start)]
    return ends[-1] if ends else floor


def _strip_clitic(word: str, table: frozenset[str]) -> str | None:
    """The word itself or without a leading conjunction, if it is in ``table``."""
    for w in (word, word[1:] if word[:1] in clitics().conjunctions else ""):
        if w and w in table:
            return w
    return None


def holder_key(words: Sequence[str], q: Qualifiers) -> str | None:
    """The key of a holder's name: without quotes and brackets and without the head noun
    that says what kind of holder it is ("تحالف X" and "ائتلاف X" are both "X"). A
    one-word name of a group is keyed by its stem, so that the adjective and the noun
    meet ("القوائم الشيعيه" and "الشيعه" are both "شيعي"). Anything else stays: two
    spellings of one name are two holders, never compared (safe)."""
    kept: list[str] = []
    for raw in words:
        word = raw.translate(_QUOTES)
        if not word:
            continue
        if _strip_clitic(word, q.head_nouns) is not None and not kept:
            continue
        kept.append(word)
    if len(kept) == 1:
        return _group_stem(kept[0], q)
    return " ".join(kept) or None


def _group_stem(word: str, q: Qualifiers) -> str:
    """A definite group word as its masculine nisba, without the article (morphology.yaml
    `nisba_suffix`, `nisba_endings`, `ta_marbuta`): "الشيعيه" (Shiite), "الشيعي" and
    "الشيعه" (the Shia) are all "شيعي". Any other word stays as it is."""
    if not word.startswith(q.article):
        return word
    stem = word[len(q.article) :]
    if len(stem) < 3:
        return word
    for ending in q.nisba_endings:
        if stem.endswith(q.nisba + ending):
            return stem[: -len(ending)]
    if stem.endswith(q.nisba):
        return stem
    if stem.endswith(q.ta_marbuta):
        return stem[: -len(q.ta_marbuta)] + q.nisba
    return word


def _leader_word(words: Sequence[str], stoppers: frozenset[str]) -> str | None:
    """The leader's key: the last word of a name ("نوري المالكي" is "المالكي")."""
    names = [w.translate(_QUOTES).strip("،,:.") for w in words]
    names = [w for w in names if w and not any(ch.isdigit() for ch in w)]
    if not names or _strip_clitic(names[-1], stoppers):
        return None
    return names[-1]


def _split_leader(words: list[str], g: Qualifiers) -> tuple[list[str], str | None]:
    """A name's words without a last word that is its leader ("تحالف X للسوداني": the
    preposition joined to the article, on a family name of the nisba form), and that
    leader. A last word of another form is the name's own ("التجمع الوطني للاحرار")."""
    if len(words) >= 2:
        last = words[-1].translate(_QUOTES).strip("،,")
        for prefix in g.leader_prefixes:
            if last.startswith(prefix) and len(last) > len(prefix) + 2 and last.endswith(g.nisba):
                return words[:-1], g.article + last[len(prefix) :]
    return words, None


def _leader_after(text: str, lo: int, start: int, g: Qualifiers) -> str | None:
    """The leader named by the last cue between ``lo`` and the amount ("بزعامه X")."""
    cues = list(g.leader_re.finditer(text, lo, start))
    if not cues:
        return None
    words = _name_words(text, cues[-1].end(), start, g.holder_stoppers, g.holder_words)
    return _leader_word(words, g.holder_stoppers)


def _named(
    words: list[str], text: str, lo: int, start: int, g: Qualifiers
) -> tuple[str | None, str | None]:
    """(holder key, leader) of a holder's name words and the words up to the amount."""
    words, leader = _split_leader(words, g)
    return holder_key(words, g), leader or _leader_after(text, lo, start, g)


def _name_words(text: str, start: int, end: int, stoppers: frozenset[str], limit: int) -> list[str]:
    """Words from ``start`` up to a stopper, a figure, a punctuation mark or ``end``."""
    words: list[str] = []
    for m in _WORD.finditer(text, start, end):
        word = m.group()
        closing = word[-1] in "،,؛:."
        if closing:
            word = word[:-1]
        bare = word.translate(_QUOTES)
        if not bare or any(c.isdigit() for c in bare) or _strip_clitic(bare, stoppers):
            break
        words.append(word)
        if closing or len(words) >= limit:
            break
    return words


def _holder(
    q: Quantity, text: str, floor: int, g: Qualifiers, previous: Quantity | None = None
) -> tuple[str | None, str | None]:
    """(holder, leader) of an amount of seats or votes: a table row's label (its leader in
    brackets), the subject of a verb of winning, a name opened by a holder noun before the
    amount, or, in a list whose verb is said once, the words after "و" ("حصلت القوائم X
    علي 187 مقعدا، والسنيه علي 77 مقعدا")."""
    assert q.span is not None
    start = q.span.start
    line_start = text.rfind("\n", 0, start) + 1
    row = g.row_label.search(text, line_start, start)
    if row:
        bracket = re.search(r"\(([^)]*)\)", row.group(0))
        label = re.sub(r"\([^)]*\)", " ", row.group("label")).split()
        if 0 < len(label) <= g.holder_words:
            leader = _leader_word(bracket.group(1).split(), g.holder_stoppers) if bracket else None
            return holder_key(label, g), leader
    lo = max(clause_floor(text, start, floor), start - g.holder_window)
    if previous is not None and previous.span is not None and previous.span.end <= start:
        lo = max(lo, previous.span.end)  # the verb of the amount before is not this one's
    verbs = list(g.holder_verb_re.finditer(text, lo, start))
    if verbs:
        verb = verbs[-1]
        after = _name_words(text, verb.end(), start, g.holder_stoppers, g.holder_words)
        if after:
            return _named(after, text, verb.end(), start, g)
        before = text[lo : verb.start()].split()
        before = [w.strip("،,") for w in before[-g.holder_words :]]
        if any(_strip_clitic(w, g.holder_nouns) for w in before):
            first = next(i for i, w in enumerate(before) if _strip_clitic(w, g.holder_nouns))
            return _named(before[first:], text, verb.end(), start, g)
    nouns = list(g.holder_noun_re.finditer(text, lo, start))
    if nouns:
        words = _name_words(text, nouns[-1].start(), start, g.holder_stoppers, g.holder_words)
        if words:
            return _named(words, text, nouns[-1].start(), start, g)
    if previous is not None and previous.unit == q.unit and (previous.holder or previous.leader):
        return _gapped(text, lo, start, g)
    return None, None


def _gapped(text: str, lo: int, start: int, g: Qualifiers) -> tuple[str | None, str | None]:
    """(holder, leader) of an amount whose clause repeats no verb: the words after the "و"
    that opens it, up to a stopper ("، و"صادقون" بزعامه X 28 مقعدا")."""
    m = _GAPPED.match(text, lo, start)
    if m is None or m.group(1) not in g.conjunctions:
        return None, None
    words = _name_words(text, m.end(), start, g.holder_stoppers, g.holder_words)
    if not words:
        return None, None
    return _named(words, text, m.end(), start, g)


def _reference(q: Quantity, text: str, g: Qualifiers) -> tuple[str | None, str | None, int]:
    """(bearing, reference place, end) of a distance: "70 كم جنوب غرب مراكش"."""
    assert q.span is not None
    pos = q.span.end
    bracket = re.compile(r"\s*\([^)\n]{0,30}\)").match(text, pos)  # "70 كم (43 ميلا)"
    if bracket:
        pos = bracket.end()
    bearing: str | None = None
    m = g.bearing_re.match(text, pos)
    if m:
        bearing, pos = g.bearings[_key(m.group("b"))], m.end()
    link = g.link_re.match(text, pos)
    if link:
        pos = link.end()
    if bearing is None and link is None:
        return None, None, q.span.end
    words = _name_words(text, pos, len(text), g.distance_stoppers, g.distance_words + 1)
    while words and _strip_clitic(words[0].translate(_QUOTES), g.place_nouns):
        words = words[1:]
    # "مراكش وعلي عمق": a conjunction after the name starts something else; "مراكش
    # المغربيه": a nisba adjective only says where the place is
    cut = next(
        (
            i
            for i, w in enumerate(words)
            if i and (w.startswith(clitics().coordinator) or _clitic_patterns().nisba.match(w))
        ),
        len(words),
    )
    words = words[: min(cut, g.distance_words)]
    ref = " ".join(w.translate(_QUOTES) for w in words).strip() or None
    return bearing, ref, pos


@dataclass(frozen=True)
class AspectCues:
    """The compiled aspect cues of one language."""

    before: dict[str, list[AspectEntry]]
    before_re: re.Pattern[str]  # found anywhere in the clause before an amount
    after: dict[str, list[AspectEntry]]
    after_re: re.Pattern[str]  # matched right after an amount
    adjacent_gap: re.Pattern[str]  # what may stand between an adjacent cue and its amount
    joined: re.Pattern[str]  # "X و Y": the gap between two amounts read as one kind


def find_aspect(
    q: Quantity,
    number_start: int,
    text: str,
    cues: AspectCues,
    floor: int = 0,
    previous: Quantity | None = None,
    number_end: int | None = None,
) -> AspectEntry | None:
    """What ``q`` is of: a cue right after it (or right after its figure, where the cue is
    its unit: "9.2 million registered voters"), else the nearest cue before it in its
    clause that fits its unit and value, else what the amount joined to it by "و"/"and"
    is of."""
    assert q.span is not None
    for end in dict.fromkeys([q.span.end, number_end if number_end is not None else q.span.end]):
        after = cues.after_re.match(text, end)
        for entry in cues.after.get(_key(after.group("c").lower()), []) if after else []:
            if aspect_fits_unit(entry, q.unit) and aspect_fits_value(entry, q):
                return entry
    lo = clause_floor(text, q.span.start, floor)
    for m in reversed(list(cues.before_re.finditer(text, lo, q.span.start))):
        adjacent = bool(cues.adjacent_gap.match(text[m.end() : min(q.span.start, number_start)]))
        for entry in cues.before[_key(m.group("c").lower())]:
            if (
                aspect_fits_unit(entry, q.unit)
                and aspect_fits_value(entry, q)
                and (adjacent or not entry.adjacent)
            ):
                return entry
    if previous is not None and previous.of is not None and previous.span is not None:
        if cues.joined.match(text[previous.span.end : q.span.start]):
            for entries in (*cues.before.values(), *cues.after.values()):
                for entry in entries:
                    if (
                        entry.of == previous.of
                        and aspect_fits_unit(entry, q.unit)
                        and aspect_fits_value(entry, q)
                    ):
                        return entry
    return None


def qualify(
    q: Quantity,
    number_start: int,
    text: str,
    floor: int = 0,
    previous: Quantity | None = None,
    number_end: int | None = None,
) -> Quantity:
    """Say what ``q`` is of, who holds it and where a distance is measured from, from the
    words around it (``number_start``, ``number_end``: where its figure is; ``floor``: the
    end of the amount before it, which no cue crosses). An amount joined by "و" to the one
    before it, with no cue of its own, is of what that one is of ("علي متنها 180 راكبا و8
    من افراد الطاقم"). Changes and returns ``q``."""
    g = _qualifiers()
    assert q.span is not None
    chosen = find_aspect(q, number_start, text, g.cues, floor, previous, number_end)
    if (
        chosen is not None
        and chosen.of.startswith(SINCE_EVENT)
        and not g.elapsed_before.search(text, max(0, q.span.start - 20), q.span.start)
    ):
        # "قبل 10 دقائق من هبوطها", "خلال 30 ثانيه من اقلاعها": no time since the event
        chosen = None
    chosen, joined = join_previous(q, chosen, previous, text, number_start, g.cues, g.joins)
    if chosen is not None:
        apply_aspect(q, chosen)
    if q.unit in g.distance_units and q.of in (None, DISTANCE):
        bearing, reference, _ = _reference(q, text, g)
        if bearing is not None or (reference is not None and q.of == DISTANCE):
            q.of, q.bearing, q.reference = DISTANCE, bearing, reference
    if q.unit in g.holder_units and q.of != TOTAL:
        q.holder, q.leader = _holder(q, text, floor, g, previous)
    q.scope = find_scope(q, text, g.scope, floor)
    if joined is not None and joined.scope is not None:
        q.scope = joined.scope  # one share, its count and their whole are of one part
    whole_of(q, previous, g.wholes)
    return q


def join_previous(
    q: Quantity,
    chosen: AspectEntry | None,
    previous: Quantity | None,
    text: str,
    number_start: int,
    cues: AspectCues,
    joins: Joins,
) -> tuple[AspectEntry | None, Quantity | None]:
    """(aspect, joined amount) of an amount with no cue of its own (``chosen`` None) right
    after another: the count behind a share takes the aspect ``joins.shares`` gives
    ("82.6% بواقع 1,084,289": those who voted); a link word alone before an amount not
    smaller than the one before makes it that one's whole (``q.of`` becomes total). The
    joined amount is returned for its scope, else None."""
    if chosen is not None or previous is None or previous.span is None:
        return chosen, None
    of = joins.shares.get(previous.of or "")
    if of is not None and joins.share_gap.fullmatch(text, previous.span.end, number_start):
        for entries in (*cues.before.values(), *cues.after.values()):
            for entry in entries:
                if entry.of == of and aspect_fits_unit(entry, q.unit):
                    return entry, previous
    if (
        previous.value is not None
        and q.value is not None
        and q.value >= previous.value
        and joins.part_gap.fullmatch(text, previous.span.end, number_start)
    ):
        q.of = TOTAL
        return None, previous
    return None, None


def whole_of(q: Quantity, part: Quantity | None, wholes: dict[str, str]) -> None:
    """A whole right after its part ("12,003,143 صوتا من اصل 21,404,291 ناخبا") is of what
    the part's aspect makes it (``wholes``: those who voted are out of the registered
    voters), and about the part's scope when it names none; a whole with no unit of its
    own ("12,304,143 من اصل 21,041,391") counts what its part counts. Changes ``q``."""
    if q.of != TOTAL or part is None or part.unit is None or q.unit not in (None, part.unit):
        return
    q.unit = part.unit
    whole = wholes.get(part.of or "")
    if whole is not None:
        q.of = whole
        q.scope = q.scope or part.scope


# ------------------------------------------------------------------ spaCy component


class QuantitiesComponent:
    """Runs :func:`find_quantities` on ``doc.text``: values in the layer
    :data:`claims.layers.QUANTITIES`, spans in :data:`claims.layers.QUANTITY_SPANS`.
    Reuses the times of :data:`claims.layers.TIMES` when ``cc_times`` ran before it."""

    contract: ClassVar[Contract] = Contract(
        provides=frozenset({"quantity"}),
        reads_if_present=(layers.TIMES,),
        writes=(layers.QUANTITIES, layers.QUANTITY_SPANS),
    )

    def __init__(self, name: str = "cc_quantities") -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        times = layers.TIMES.find(doc)
        values = find_quantities(doc_text(doc), times=times if isinstance(times, list) else None)
        layers.QUANTITIES.set(doc, values)
        layers.QUANTITY_SPANS.set_values(doc, values)
        return doc


@Language.factory("cc_quantities")
def make_quantities_component(nlp: Language, name: str) -> QuantitiesComponent:
    return QuantitiesComponent(name)
