"""Places and actors in English text, resolved to the same gazetteer keys as in Arabic.

There is one gazetteer (``lexicon/ar/gazetteer.yaml`` and its layers); each entry lists the
names English reports use (``names: {en: [...]}``), so "Ain al-Asad" in an English wire and
"عين الأسد" in an Arabic report are one key with one containment chain. ``cc_entities``
for English finds, on normalised text (words from ``lexicon/en/entities.yaml``):

- gazetteer names, longest first; a one-word name only as written ("Chad", not "chad"),
  longer ones in any case;
- a nationality adjective before a force noun ("French troops"): an actor "French forces"
  when no actor entry lists the phrase; before a territory noun ("Iraqi territory"): the
  country;
- "outside X": the complement of X;
- a capitalised name the gazetteer does not know next to a trigger noun ("Hamrin
  district", "the town of Kwaza", "Camp 27"): ``source="pattern"``, no key;
- "the base", "the country": the last place of that type named before, when the last
  sentence naming one named only one (refuse rather than guess).

The mentions are :class:`claims.entities.EntityMention` records in the layers ENTITIES
and ENTITY_SPANS, as the Arabic component leaves them: the claim assembler and the rules
read them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, ClassVar

from spacy.lang.en import English
from spacy.language import Language
from spacy.tokens import Doc, Span

from claims import layers
from claims.en.lexicon import PhraseLexicon, Tokenize
from claims.entities import (
    CompassCues,
    Direction,
    EntityMention,
    Gazetteer,
    GazetteerFile,
    load_gazetteer,
    place_right_after,
    places_around,
    sentence_index,
    situate,
    state_within,
    town_inside,
)
from claims.layers import Contract
from claims.lexicon.schemas import EnglishEntitiesLexicon, en_entities_lexicon
from claims.model import EntityKind
from claims.tokenizer import LexMatch, doc_text

if TYPE_CHECKING:
    from claims.towns import Town

__all__ = ["EnglishGazetteer", "find_entities"]

LANGUAGE = "en"
_NAME_MAX_WORDS = 4
# What says a town lies in the place after it ("Pahalgam in Anantnag"), and what may stand
# right between a town and that place ("Konduga, Borno state").
_WITHIN_LINKS = frozenset({"in"})
_PLACE_LINKS = frozenset({"in", ","})


@dataclass(frozen=True)
class _Word:
    """A closed-class word around names: trigger, force, territory, direction, outside,
    anaphor; ``detail`` says what a trigger or anaphor names."""

    what: str
    detail: str = ""
    position: str = ""


class EnglishGazetteer(Gazetteer):
    """The gazetteer's English names compiled for one vocab. It shares the Arabic
    gazetteer's entries, keys, labels and containment (``mention``, ``ancestors``)."""

    def __init__(self, data: GazetteerFile, lex: EnglishEntitiesLexicon, tokenize: Tokenize):
        self.data = data
        self.lex = lex
        self.places = {p.key: p for p in data.places}
        self.actors = {a.key: a for a in data.actors}
        self.en_names: PhraseLexicon[str] = PhraseLexicon("en_gazetteer_names", tokenize)
        named: list[tuple[str, dict[str, list[str]]]] = [
            *((p.key, p.names) for p in data.places),
            *((a.key, a.names) for a in data.actors),
        ]
        for key, names in named:
            for name in names.get(LANGUAGE, []):
                one_word = len(self.en_names.words(name)) == 1
                self.en_names.add_phrase(name, key, exact=one_word)
        self.en_adjectives: PhraseLexicon[str] = PhraseLexicon("en_demonyms", tokenize)
        self.demonyms = {p.key: p.demonym for p in data.places if p.demonym}
        for key, demonym in self.demonyms.items():
            self.en_adjectives.add_phrase(demonym, key, exact=True)
        for key, forms in lex.demonyms.items():
            for form in forms:
                self.en_adjectives.add_phrase(form, key, exact=True)
        self.organisation_before = frozenset(lex.organisation_before)
        self.organisation_after = frozenset(lex.organisation_after)
        # "the Italian port city of Genoa": a nationality is never an unknown place's name
        self.demonym_words = frozenset(
            w.casefold()
            for w in [*self.demonyms.values(), *(f for fs in lex.demonyms.values() for f in fs)]
        )
        self.en_words: PhraseLexicon[_Word] = PhraseLexicon("en_entity_words", tokenize)
        for trigger in lex.name_triggers:
            detail = f"{trigger.kind}:{trigger.type or ''}"
            self.en_words.add_phrase(trigger.noun, _Word("trigger", detail, trigger.position))
        points = lex.compass.point_of()
        for what, words in (
            ("force", lex.force_heads),
            ("territory", lex.territory_nouns),
            ("direction", lex.direction_words),
            ("outside", lex.complement_words),
        ):
            for word in words:
                # A compass word carries its point ("north-eastern": NE).
                self.en_words.add_phrase(word, _Word(what, points.get(" ".join(word.split()), "")))
        self.compass = CompassCues.of(lex.compass, lower=True)
        for anaphor in lex.anaphors:
            for word in anaphor.words:
                self.en_words.add_phrase(word, _Word("anaphor", anaphor.type))
        self.stoppers = frozenset(w.lower() for w in lex.name_stoppers)
        self.place_cues = frozenset(w.lower() for w in lex.place_cues)
        self.capitals = {p.key: p.capital for p in data.places if p.capital}

    def in_organisation(self, doc: Doc, start: int, end: int) -> bool:
        """Whether the name at tokens start..end is part of an organisation's name: right
        after a word of ``organisation_before`` or before one of ``organisation_after``
        (capitalised as written)."""
        before = doc[start - 1].text if start > 0 else ""
        after = doc[end].text if end < len(doc) else ""
        return before in self.organisation_before or after in self.organisation_after

    def build(self, vocab: object) -> None:
        from spacy.vocab import Vocab

        assert isinstance(vocab, Vocab)
        for lexicon in (self.en_names, self.en_adjectives, self.en_words):
            lexicon.build(vocab)


def find_entities(doc: Doc, gaz: EnglishGazetteer) -> list[EntityMention]:
    """All entity mentions of an English doc in text order (see the module docstring)."""
    text = doc_text(doc)
    words = {m.start: m for m in gaz.en_words(doc)}
    word_ends = {m.end: m for m in words.values()}
    mentions: list[EntityMention] = []
    covered: set[int] = set()

    def chars(tok_start: int, tok_end: int) -> tuple[int, int, str]:
        start = doc[tok_start].idx
        end = doc[tok_end - 1].idx + len(doc[tok_end - 1].text)
        return start, end, text[start:end]

    for m in gaz.en_names(doc):
        if gaz.in_organisation(doc, m.start, m.end):
            continue  # "Air India": an airline, not India
        s, e, surface = chars(m.start, m.end)
        mentions.append(gaz.mention(m.payload, s, e, m.start, m.end, surface))
        covered.update(range(m.start, m.end))

    for adj in gaz.en_adjectives(doc):
        if adj.start in covered:
            continue
        nxt = words.get(adj.end)
        if nxt is None or any(i in covered for i in range(nxt.start, nxt.end)):
            continue
        s, e, surface = chars(adj.start, nxt.end)
        if nxt.payload.what == "territory":
            mention = gaz.mention(adj.payload, s, e, adj.start, nxt.end, surface)
        elif nxt.payload.what == "force" and adj.payload in gaz.demonyms:
            mention = EntityMention(
                s, e, adj.start, nxt.end, "actor", None,
                f"{gaz.demonyms[adj.payload]} forces", None, "pattern", surface,
                category="military",
            )
        else:
            continue
        mentions.append(mention)
        covered.update(range(adj.start, nxt.end))

    mentions.extend(_pattern_names(doc, gaz, words, covered))
    mentions.sort(key=lambda x: x.tok_start)
    _resolve_anaphors(doc, gaz, words, covered, mentions)
    mentions.sort(key=lambda x: x.tok_start)
    _phrases(doc, words, word_ends, mentions)
    mentions[:] = _towns(doc, gaz, words, covered, mentions)
    state_within(doc, mentions, _WITHIN_LINKS)
    directions = [
        Direction(m.start, m.end, m.payload.detail, doc[m.start].idx)
        for m in words.values()
        if m.payload.what == "direction" and m.payload.detail
    ]
    forces = {m.end for m in words.values() if m.payload.what == "force"}
    situate(doc, mentions, directions, gaz.compass, gaz.places, forces)
    return mentions


def _name_word(doc: Doc, i: int, gaz: EnglishGazetteer, covered: set[int]) -> bool:
    """A capitalised word that may be part of a name the gazetteer does not know."""
    tok = doc[i]
    word = tok.text
    if i in covered or not word[:1].isupper() or word.lower() in gaz.stoppers:
        return False
    if word.casefold() in gaz.demonym_words:
        return False
    return word.replace("-", "").replace("'", "").isalpha()


def _pattern_names(
    doc: Doc, gaz: EnglishGazetteer, words: dict[int, LexMatch[_Word]], covered: set[int]
) -> list[EntityMention]:
    """Unknown capitalised names next to a trigger noun: "Hamrin district", "the town of
    Kwaza", "Camp 27"."""
    text = doc_text(doc)
    out: list[EntityMention] = []
    for start, m in sorted(words.items()):
        if m.payload.what != "trigger" or any(i in covered for i in range(m.start, m.end)):
            continue
        kind_text, _, ptype = m.payload.detail.partition(":")
        kind: EntityKind = "place" if kind_text == "place" else "actor"
        name: tuple[int, int] | None = None
        phrase_start = start
        if m.payload.position == "before":  # the name stands before the noun
            first = start
            while first > 0 and start - first < _NAME_MAX_WORDS and _name_word(
                doc, first - 1, gaz, covered
            ):
                first -= 1
            if first < start:
                name, phrase_start = (first, start), first
        else:  # the name follows the noun
            last = m.end
            if last < len(doc) and doc[last].like_num and ptype == "base":
                name = (m.start, last + 1)  # "Camp 27": the number names the base
            else:
                while last < len(doc) and last - m.end < _NAME_MAX_WORDS and _name_word(
                    doc, last, gaz, covered
                ):
                    last += 1
                if last > m.end:
                    name = (m.end, last)
        if name is None:
            continue
        s = doc[name[0]].idx
        e = doc[name[1] - 1].idx + len(doc[name[1] - 1].text)
        mention = EntityMention(
            s, e, name[0], name[1], kind, None, None, ptype or None, "pattern", text[s:e]
        )
        mention.phrase_start = phrase_start
        out.append(mention)
        covered.update(range(min(name[0], m.start), max(name[1], m.end)))
    return out


def _towns(
    doc: Doc,
    gaz: EnglishGazetteer,
    words: dict[int, LexMatch[_Word]],
    covered: set[int],
    mentions: list[EntityMention],
) -> list[EntityMention]:
    """Capitalised names the gazetteer does not know, read as towns of GeoNames' table
    (:mod:`claims.towns`), as in Arabic (:func:`claims.entities._towns`): an unknown name
    next to a place noun ("the town of Kwaza") when one town of that name lies inside a
    place around it; a name after a direction word or a place preposition ("near Pahalgam
    in Anantnag district") when one lies inside the place named right after it."""
    from claims.towns import load_towns

    sentence_of = sentence_index(doc)

    def written(first: int, end: int) -> list[Town]:
        name = doc_text(doc)[doc[first].idx : doc[end - 1].idx + len(doc[end - 1].text)]
        return load_towns().written(name)

    out = list(mentions)
    for index, m in enumerate(mentions):
        if m.kind != "place" or m.key is not None or m.source != "pattern":
            continue
        around = places_around(mentions, m.tok_start, sentence_of)
        town = town_inside(gaz, written(m.tok_start, m.tok_end), around)
        if town is not None:
            found = gaz.town_mention(town, m.start, m.end, m.tok_start, m.tok_end, m.surface)
            found.phrase_start = m.phrase_start
            out[index] = found
    for i, tok in enumerate(doc):
        cue = words.get(i)
        if cue is not None and cue.payload.what == "direction":
            first = cue.end
        elif tok.text.lower() in gaz.place_cues:
            first = i + 1
        else:
            continue
        end = first
        while end < len(doc) and end - first < _NAME_MAX_WORDS and _name_word(
            doc, end, gaz, covered
        ):
            end += 1
        if end == first:
            continue
        around = place_right_after(doc, mentions, end, _PLACE_LINKS)
        town = town_inside(gaz, written(first, end), around) if around else None
        if town is None:
            continue
        s, e = doc[first].idx, doc[end - 1].idx + len(doc[end - 1].text)
        found = gaz.town_mention(town, s, e, first, end, doc_text(doc)[s:e])
        found.phrase_start = i
        out.append(found)
        covered.update(range(first, end))
    out.sort(key=lambda x: x.tok_start)
    return out


def _resolve_anaphors(
    doc: Doc,
    gaz: EnglishGazetteer,
    words: dict[int, LexMatch[_Word]],
    covered: set[int],
    mentions: list[EntityMention],
) -> None:
    """ "the base" -> the base named last, if the last sentence naming a base names one."""
    sentence_of = sentence_index(doc)
    text = doc_text(doc)
    resolved: list[EntityMention] = []
    for start, m in sorted(words.items()):
        if m.payload.what != "anaphor" or any(i in covered for i in range(m.start, m.end)):
            continue
        ptype = m.payload.detail
        candidates = [
            x
            for x in mentions
            if x.tok_start < start and x.type == ptype and x.key is not None and not x.anaphor
        ]
        if not candidates:
            continue
        last = sentence_of(candidates[-1].tok_start)
        keys = {x.key for x in candidates if sentence_of(x.tok_start) == last}
        if len(keys) != 1:
            continue  # two bases in view: refuse rather than guess
        key = candidates[-1].key
        assert key is not None
        s = doc[m.start].idx
        e = doc[m.end - 1].idx + len(doc[m.end - 1].text)
        mention = gaz.mention(key, s, e, m.start, m.end, text[s:e])
        mention.anaphor = True
        resolved.append(mention)
        covered.update(range(m.start, m.end))
    mentions.extend(resolved)


def _phrases(
    doc: Doc,
    words: dict[int, LexMatch[_Word]],
    word_ends: dict[int, LexMatch[_Word]],
    mentions: list[EntityMention],
) -> None:
    """Widen each mention's phrase over "the", a trigger noun before it ("the city of") and
    a direction word ("north of"), and mark "outside X" as the complement of X."""
    for m in mentions:
        if m.phrase_start < 0:
            m.phrase_start = m.tok_start
        i = m.phrase_start
        while i > 0:
            if doc[i - 1].lower_ == "the":
                i -= 1
                continue
            before = word_ends.get(i)
            if before is None or before.payload.what not in ("trigger", "direction"):
                break
            if before.payload.what == "trigger" and before.payload.position != "after":
                break
            i = before.start
        m.phrase_start = i
        outside = word_ends.get(i)
        if outside is not None and outside.payload.what == "outside" and m.kind == "place":
            m.complement = True


def _store(doc: Doc, mentions: list[EntityMention]) -> None:
    layers.ENTITIES.set(doc, mentions)
    layers.ENTITY_SPANS.set(
        doc,
        [Span(doc, m.tok_start, m.tok_end, label=f"{m.kind}:{m.key or m.source}")
         for m in mentions],
    )


class EnglishEntities:
    contract: ClassVar[Contract] = Contract(
        provides=frozenset({"actors", "location", "destinations"}),
        reads=(layers.SENTENCES,),
        writes=(layers.ENTITIES, layers.ENTITY_SPANS),
    )

    def __init__(self, gazetteer: EnglishGazetteer) -> None:
        self.gaz = gazetteer

    def __call__(self, doc: Doc) -> Doc:
        _store(doc, find_entities(doc, self.gaz))
        return doc


@lru_cache(maxsize=1)
def _english_words() -> EnglishEntitiesLexicon:
    return en_entities_lexicon()


def compiled_gazetteer(nlp: Language) -> EnglishGazetteer:
    """The English gazetteer for ``nlp`` (its tokenizer splits the names)."""
    gaz = EnglishGazetteer(load_gazetteer(), _english_words(), nlp.make_doc)
    gaz.build(nlp.vocab)
    return gaz


@English.factory("cc_entities")
def make_entities(nlp: Language, name: str) -> EnglishEntities:
    return EnglishEntities(compiled_gazetteer(nlp))
