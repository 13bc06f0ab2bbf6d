"""The English quantity tagger: counts and measures as intervals with a unit, the same
values as the Arabic tagger (:mod:`claims.quantity`).

:func:`find_quantities` takes the numbers :mod:`claims.en.numbers` finds (figures, number
words read by text2num, "two dozen", vague amounts), drops those inside time expressions
and those that name something ("Flight 93", "Camp 27", "a 40-year-old"), joins ranges
("between 30 and 40", "30 to 40"), reads the unit after the number, past a few adjectives
("100 French troops") or "of" ("dozens of soldiers"), or the counted noun before it ("the
death toll rose to 11,300"), and the bound around it ("at least", "more than", "about",
"or more"):

- "at least 265 people": low 265, high None, unit people;
- "fewer than 500 troops": low 0, high 500 exclusive, unit soldiers;
- "about two dozen soldiers": 24 +/- the tolerance, approximate;
- "hundreds of soldiers": vague, 200..999.

Then, as the Arabic tagger does (:func:`claims.quantity.qualify`), it says what an amount
is of ("a magnitude of 6.8", "at a depth of 10 km", "turnout of 41 percent", "241 of the
242"), who holds it ("The Sadrist bloc won 73 seats") and where a distance is measured from
("70 km southwest of Marrakesh").

Vocabulary: ``lexicon/en/units.yaml`` (unit names shared with the Arabic file),
``quantity_bounds.yaml``, ``numbers.yaml``; lengths of time from ``time.yaml``. The
settings (tolerance of "about") are the Arabic tagger's (:class:`QuantitySettings`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

from spacy.lang.en import English
from spacy.language import Language
from spacy.tokens import Doc

from claims import layers
from claims.en.numbers import find_numbers
from claims.layers import Contract
from claims.lexicon.schemas import (
    BoundKind,
    en_bounds_lexicon,
    en_time_lexicon,
    en_units_lexicon,
)
from claims.model import Quantity, Span, TimeValue
from claims.numbers import NumberMatch, alternation, rounding_step
from claims.quantity import (
    DISTANCE,
    PEOPLE,
    SETTINGS,
    TOTAL,
    AspectCues,
    Joins,
    QuantitySettings,
    ScopeCues,
    apply_aspect,
    approx_fraction,
    aspects_by_cue,
    clause_floor,
    find_aspect,
    find_scope,
    join_previous,
    read_since_event,
    scope_cues,
    since_event,
    since_event_cues,
    whole_of,
)
from claims.tokenizer import doc_text

_W = r"(?<![\w])"
_E = r"(?![\w])"


def _key(form: str) -> str:
    return " ".join(form.split()).lower()


def _ci(forms: Sequence[str]) -> str:
    return "(?i:" + alternation([f.lower() for f in forms]) + ")"


@dataclass(frozen=True)
class _Grammar:
    units: dict[str, str]
    measures: frozenset[str]
    persons: frozenset[str]
    also_after: re.Pattern[str]
    unit_hyphen: re.Pattern[str]
    not_between: frozenset[str]
    words_between: int
    unit_re: re.Pattern[str]
    word_re: re.Pattern[str]
    link_re: re.Pattern[str]
    count_before: re.Pattern[str]
    toll_before: re.Pattern[str]
    bound_before: re.Pattern[str]
    bound_before_kind: dict[str, BoundKind]
    bound_after: re.Pattern[str]
    bound_after_kind: dict[str, BoundKind]
    between_before: re.Pattern[str]
    from_before: re.Pattern[str]
    between_gap: re.Pattern[str]
    to_gap: re.Pattern[str]
    change_before: re.Pattern[str]
    identifier_before: re.Pattern[str]
    one_unit: re.Pattern[str]


@lru_cache(maxsize=1)
def _grammar() -> _Grammar:
    lex = en_units_lexicon()
    bounds = en_bounds_lexicon()
    units: dict[str, str] = {}
    for entry in lex.units:
        for form in entry.forms:
            units[_key(form)] = entry.unit
    for duration in en_time_lexicon().durations:
        for form in [*duration.singular, *duration.plural]:
            units.setdefault(_key(form), duration.unit)
    before_kind = {_key(f): b.kind for b in bounds.before for f in b.forms}
    after_kind = {_key(f): b.kind for b in bounds.after for f in b.forms}
    unit_alt = _ci([u for u in units if u != "%"])
    one_word_counts = [c for c in bounds.count_nouns if " " not in c]
    phrase_counts = [c for c in bounds.count_nouns if " " in c]
    return _Grammar(
        units=units,
        measures=frozenset(
            [u.unit for u in lex.units if u.measure] + [d.unit for d in en_time_lexicon().durations]
        ),
        persons=frozenset(u.unit for u in lex.units if u.person),
        # "242 passengers and crew": people of both kinds
        also_after=re.compile(rf"\s+(?i:and)\s+(?:(?i:the)\s+)?(?P<u>{unit_alt}){_E}"),
        # "a 6.8-magnitude earthquake", "a 10-km stretch"
        unit_hyphen=re.compile(rf"-(?P<u>{unit_alt}){_E}"),
        not_between=frozenset(w.lower() for w in lex.not_between),
        words_between=lex.words_between,
        unit_re=re.compile(rf"\s*(?:(?P<pct>%)|(?P<u>{unit_alt}){_E})"),
        word_re=re.compile(r"\s+(?P<w>[A-Za-z][\w'-]*)"),
        link_re=re.compile(rf"\s+{_ci(bounds.unit_links)}(?=\s)"),
        # "the number of dead rose to 50", "a total of 240 ..."
        count_before=re.compile(
            rf"{_W}{_ci(phrase_counts)}\s+(?:(?i:the)\s+)?(?P<u>{unit_alt}){_E}"
            r"(?P<rest>[^.,;:!?\n\d]*)$"
        ),
        # "the death toll rose to 11,300"
        toll_before=re.compile(
            rf"{_W}(?P<u>{unit_alt})\s+{_ci(one_word_counts)}{_E}(?P<rest>[^.,;:!?\n\d]*)$"
        ),
        bound_before=re.compile(rf"{_W}(?P<b>{_ci(list(before_kind))})\s+$"),
        bound_before_kind=before_kind,
        bound_after=re.compile(rf"\s*,?\s*(?P<b>{_ci(list(after_kind))}){_E}"),
        bound_after_kind=after_kind,
        between_before=re.compile(rf"{_W}{_ci(bounds.range_between)}\s+$"),
        from_before=re.compile(rf"{_W}{_ci(bounds.range_from)}\s+$"),
        between_gap=re.compile(
            rf"^\s*(?:(?P<u>{unit_alt})\s*)?{_ci(bounds.range_between_joiners)}\s*$"
        ),
        to_gap=re.compile(rf"^\s*(?:(?P<u>{unit_alt})\s*)?(?:-|–|{_ci(bounds.range_to)}\s*)$"),
        change_before=re.compile(rf"{_W}{_ci(bounds.change_cues)}{_E}"),
        identifier_before=re.compile(
            rf"(?:{_W}{_ci(bounds.identifier_cues)}\s*[-:#]?\s*|[A-Za-z]-|[A-Za-z])$"
        ),
        # "a minute", "an hour": one of a length of time, said by the noun
        one_unit=re.compile(
            rf"{_W}(?i:an?)\s+(?P<u>"
            rf"{_ci([f for d in en_time_lexicon().durations for f in d.singular])}){_E}"
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


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _keep(n: NumberMatch, text: str, skip: Sequence[tuple[int, int]], g: _Grammar) -> bool:
    if _overlaps(n.start, n.end, skip):
        return False
    before, after = text[max(0, n.start - 2) : n.start], text[n.end : n.end + 2]
    hyphen_unit = g.unit_hyphen.match(text, n.end)
    if before[-1:] in ("/", ":", "#", "$") or re.match(r"[/:]\d", after):
        return False  # a date, a score
    if re.match(r"-[A-Za-z]", after) and not hyphen_unit:
        return False  # "40-year-old"
    if re.fullmatch(r"[A-Za-z\d]-", before):
        return False  # "787-8", "F-16"
    return not g.identifier_before.search(text[max(0, n.start - 30) : n.start])


def _items(numbers: list[NumberMatch], text: str, g: _Grammar) -> list[_Item]:
    """Numbers as items, with ranges ("between 30 and 40", "30 to 40") joined."""
    items: list[_Item] = []
    i = 0
    while i < len(numbers):
        n = numbers[i]
        item = _Item(
            n.start, n.end, n.value, n.low, n.high, n.vague, n.needs_unit, spelled=n.spelled,
            step=rounding_step(n, text),
        )
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
                low = n.value * nxt.scale  # "between 30 and 40 thousand"
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


def _unit_after(text: str, end: int, g: _Grammar) -> tuple[str, int] | None:
    """The unit after a number, past "of" and a few adjectives: (unit, end)."""
    hyphen = g.unit_hyphen.match(text, end)
    if hyphen:
        return g.units[_key(hyphen.group("u"))], hyphen.end()
    m = g.unit_re.match(text, end)
    if m:
        return ("percent" if m.group("pct") else g.units[_key(m.group("u"))]), m.end()
    link = g.link_re.match(text, end)
    pos = link.end() if link else end
    if link:
        m = g.unit_re.match(text, pos)
        if m and not m.group("pct"):
            return g.units[_key(m.group("u"))], m.end()
    for _ in range(g.words_between):
        word = g.word_re.match(text, pos)
        if word is None or word.group("w").lower() in g.not_between:
            return None
        pos = word.end()
        m = g.unit_re.match(text, pos)
        if m and not m.group("pct"):
            return g.units[_key(m.group("u"))], m.end()
    return None


def find_quantities(
    text: str,
    *,
    times: Sequence[TimeValue] | None = None,
    settings: QuantitySettings | None = None,
) -> list[Quantity]:
    """Every quantity in normalised English ``text``, sorted, non-overlapping. Numbers
    inside ``times`` (from :func:`claims.en.time.find_times`) are not counts."""
    s = settings or SETTINGS
    g = _grammar()
    if times is None:
        from claims.en.time import find_times

        times = find_times(text)
    skip = [(t.span.start, t.span.end) for t in times if t.span is not None]
    skip = read_since_event(skip, text, _qualifiers().since)
    numbers = [n for n in find_numbers(text) if _keep(n, text, skip, g)]
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    floor = 0
    for item in _items(numbers, text, g):
        q = _quantity(item, text, g, s)
        if q is not None and q.span is not None and not _overlaps(q.span.start, q.span.end, taken):
            out.append(qualify(q, item, text, floor, out[-1] if out else None))
            taken.append((q.span.start, q.span.end))
        floor = max(floor, item.end)
    out += _one_since_event(text, g, skip, taken, s)
    out.sort(key=lambda q: q.span.start if q.span else 0)
    whole = _qualifiers().whole_gap
    for part, total in zip(out, out[1:], strict=False):
        # "241 of the 242 on board": the part is counted in the whole's unit
        if part.unit is None and total.unit is not None and part.span and total.span:
            if whole.match(text[part.span.end : total.span.start]):
                part.unit = total.unit
    return out


def _one_since_event(
    text: str,
    g: _Grammar,
    skip: Sequence[tuple[int, int]],
    taken: list[tuple[int, int]],
    s: QuantitySettings,
) -> list[Quantity]:
    """One of a length of time said by the noun, since a named event: "less than a minute
    after take-off" is [0, 1) minutes. Elsewhere "a minute" is no amount."""
    found: list[Quantity] = []
    for m in g.one_unit.finditer(text):
        start, end = m.start(), m.end()
        if _overlaps(start, end, skip) or _overlaps(start, end, taken):
            continue
        item = _Item(start, end, 1.0, 1.0, 1.0, unit=g.units[_key(m.group("u"))])
        q = _quantity(item, text, g, s)
        if q is None or q.span is None:
            continue
        span = q.span
        if since_event(qualify(q, item, text)):
            found.append(q)
            taken.append((span.start, span.end))
    return found


def _quantity(item: _Item, text: str, g: _Grammar, s: QuantitySettings) -> Quantity | None:
    start, end = item.start, item.end
    unit = item.unit
    after = _unit_after(text, end, g)
    if after is not None and (unit is None or after[0] == unit):
        unit, end = after
    if unit is None:
        window = text[max(0, start - s.unit_before_window) : start]
        before = g.count_before.search(window) or g.toll_before.search(window)
        if before:
            unit = g.units[_key(before.group("u"))]
    if unit is None and item.needs_unit:
        return None
    also = g.also_after.match(text, end) if unit in g.persons else None
    if also and g.units[_key(also.group("u"))] in g.persons - {unit}:
        unit, end = PEOPLE, also.end()  # "230 passengers and 12 crew" stays two: a figure
    kind: BoundKind | None = None
    if not item.range_:
        window = text[max(0, start - 40) : start]
        mb = g.bound_before.search(window)
        if mb:
            kind = g.bound_before_kind[_key(mb.group("b"))]
            start -= len(window) - mb.start("b")
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
    elif kind == "more_than":
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
        q.low = round(value * (1 - reach), 6)
        q.high = round(value * (1 + reach), 6)
    return q


# ------------------------------------------------------------- what an amount is of

_WORD = re.compile(r"[^\s,;:()\[\]]+")
_POSSESSIVE = re.compile(r"['’]s$")
_DETERMINERS = frozenset({"the", "a", "an"})


@dataclass(frozen=True)
class _Qualifiers:
    cues: AspectCues
    scope: ScopeCues
    holder_units: frozenset[str]
    head_nouns: frozenset[str]
    holder_verb_re: re.Pattern[str]
    holder_words: int
    holder_window: int
    row_label: re.Pattern[str]
    distance_units: frozenset[str]
    bearings: dict[str, str]
    bearing_re: re.Pattern[str]
    link_re: re.Pattern[str]
    place_re: re.Pattern[str]
    distance_stoppers: frozenset[str]
    distance_words: int
    whole_gap: re.Pattern[str]
    since: re.Pattern[str]  # a cue naming the event an elapsed time counts from
    wholes: dict[str, str]  # units.yaml `wholes`
    joins: Joins  # units.yaml `shares`, `share_cues`, `part_links`


@lru_cache(maxsize=1)
def _qualifiers() -> _Qualifiers:
    lex = en_units_lexicon()
    before, after = aspects_by_cue(lex.aspects, "before"), aspects_by_cue(lex.aspects, "after")
    holders, distance = lex.holders, lex.distance
    bearings = {_key(f): b.bearing for b in distance.bearings for f in b.forms} if distance else {}
    place_nouns = sorted(distance.place_nouns if distance else [], key=len, reverse=True)
    return _Qualifiers(
        cues=AspectCues(
            before=before,
            before_re=re.compile(rf"{_W}(?P<c>{_ci(list(before))}){_E}"),
            after=after,
            after_re=re.compile(rf"\s*,?\s*(?P<c>{_ci(list(after))}){_E}"),
            adjacent_gap=re.compile(r"^[\s\"'(]*$"),
            joined=re.compile(r"^\s*,?\s*(?i:and)\s*$"),
        ),
        scope=scope_cues(lex, lambda forms: rf"{_W}(?P<s>{_ci(forms)}){_E}"),
        holder_units=frozenset(holders.units) if holders else frozenset(),
        head_nouns=frozenset(w.lower() for w in holders.head_nouns) if holders else frozenset(),
        holder_verb_re=re.compile(rf"{_W}(?P<v>{_ci(holders.verbs if holders else [])}){_E}"),
        holder_words=holders.max_words if holders else 0,
        holder_window=holders.window if holders else 0,
        row_label=re.compile(
            r"^[ \t]*(?:[-•*·▪]|\d{1,2}[.)-])?[ \t]*(?P<label>[^\n:;.]{2,80}?)"
            r"[ \t]*(?:\([^)\n]*\))?[ \t]*:[ \t]*$",
            re.MULTILINE,
        ),
        distance_units=frozenset(u for a in lex.aspects if a.of == DISTANCE for u in a.units),
        bearings=bearings,
        bearing_re=re.compile(
            rf"\s*,?\s+(?:(?i:away)\s+)?(?:(?i:to the)\s+)?(?P<b>{_ci(list(bearings))}){_E}"
        ),
        link_re=re.compile(rf"\s+(?P<l>{_ci(distance.links if distance else [])}){_E}"),
        place_re=re.compile(rf"\s+(?:{_ci(place_nouns)}\s+)*" if place_nouns else r"\s+"),
        distance_stoppers=(
            frozenset(w.lower() for w in distance.stoppers) if distance else frozenset()
        ),
        distance_words=distance.max_words if distance else 0,
        whole_gap=re.compile(
            rf"^\s*(?:{_ci([c for a in lex.aspects if a.of == TOTAL for c in a.before])})\s*$"
        ),
        since=re.compile(rf"\s*,?\s*(?P<c>{_ci(since_event_cues(lex.aspects))}){_E}"),
        wholes=dict(lex.wholes),
        joins=Joins.of(lex, re.IGNORECASE),
    )


def _holder_key(words: list[str], q: _Qualifiers) -> str | None:
    """A holder's key: the words after a leader's possessive, without articles and head
    nouns, lower case ("Sudani's Reconstruction and Development Coalition" is
    "reconstruction and development")."""
    owners = [i for i, w in enumerate(words) if _POSSESSIVE.search(w)]
    if owners:
        words = words[owners[-1] + 1 :]
    kept = [
        w.strip("\"'“”").lower()
        for w in words
        if w.strip("\"'“”").lower() not in q.head_nouns | _DETERMINERS
    ]
    return " ".join(w for w in kept if w) or None


def _holder(q: Quantity, text: str, floor: int, g: _Qualifiers) -> str | None:
    """A table row's label, or the subject before a verb of winning right before the
    amount ("The Sadrist bloc won 73 seats")."""
    assert q.span is not None
    start = q.span.start
    line_start = text.rfind("\n", 0, start) + 1
    row = g.row_label.search(text, line_start, start)
    if row:
        label = _WORD.findall(re.sub(r"\([^)]*\)", " ", row.group("label")))
        if 0 < len(label) <= g.holder_words:
            return _holder_key(label, g)
    lo = max(clause_floor(text, start, floor), start - g.holder_window)
    verbs = [v for v in g.holder_verb_re.finditer(text, lo, start)]
    if not verbs or len(text[verbs[-1].end() : start].split()) > 3:
        return None
    head = text[lo : verbs[-1].start()]
    head = re.split(r"[,;:()\u2014]|\s-\s", head)[-1]
    words = _WORD.findall(head)[-g.holder_words :]
    return _holder_key(words, g) if words else None


def _reference(q: Quantity, text: str, g: _Qualifiers) -> tuple[str | None, str | None]:
    """(bearing, place) of a distance: "70 km (43 miles) southwest of Marrakesh"."""
    assert q.span is not None
    pos = q.span.end
    bracket = re.compile(r"\s*\([^)\n]{0,30}\)").match(text, pos)
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
        return None, None
    place = g.place_re.match(text, pos)
    if place:
        pos = place.end()
    words: list[str] = []
    last_end = pos
    for w in _WORD.finditer(text, pos):
        word = w.group().rstrip(".")
        if (
            not word[:1].isupper()
            or word.lower() in g.distance_stoppers
            or len(words) >= g.distance_words
            or text[last_end : w.start()].strip()  # a comma or bracket ends the name
        ):
            break
        words.append(word)
        last_end = w.end()
        if w.group().endswith("."):
            break
    return bearing, (" ".join(words).lower() or None)


def qualify(
    q: Quantity,
    item: _Item,
    text: str,
    floor: int = 0,
    previous: Quantity | None = None,
) -> Quantity:
    """What ``q`` is of, who holds it and where a distance is measured from (see
    :func:`claims.quantity.qualify`). Changes and returns ``q``."""
    g = _qualifiers()
    chosen = find_aspect(q, item.start, text, g.cues, floor, previous, item.end)
    chosen, joined = join_previous(q, chosen, previous, text, item.start, g.cues, g.joins)
    if chosen is not None:
        apply_aspect(q, chosen)
    if q.unit in g.distance_units and q.of in (None, DISTANCE):
        bearing, reference = _reference(q, text, g)
        if bearing is not None or (reference is not None and q.of == DISTANCE):
            q.of, q.bearing, q.reference = DISTANCE, bearing, reference
    if q.unit in g.holder_units and q.of != TOTAL:
        q.holder = _holder(q, text, floor, g)
    q.scope = find_scope(q, text, g.scope, floor)
    if joined is not None and joined.scope is not None:
        q.scope = joined.scope  # one share, its count and their whole are of one part
    whole_of(q, previous, g.wholes)
    return q


class EnglishQuantities:
    """``cc_quantities`` for English, stored as the Arabic component stores its values."""

    contract: ClassVar[Contract] = Contract(
        provides=frozenset({"quantity"}),
        reads_if_present=(layers.TIMES,),
        writes=(layers.QUANTITIES, layers.QUANTITY_SPANS),
    )

    def __call__(self, doc: Doc) -> Doc:
        times = layers.TIMES.find(doc)
        values = find_quantities(doc_text(doc), times=times if isinstance(times, list) else None)
        layers.QUANTITIES.set(doc, values)
        layers.QUANTITY_SPANS.set_values(doc, values)
        return doc


@English.factory("cc_quantities")
def make_quantities(nlp: Language, name: str) -> EnglishQuantities:
    return EnglishQuantities()
