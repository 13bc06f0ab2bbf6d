"""Places and actors: gazetteer names, names after trigger nouns, and references back.

The component ``cc_entities`` finds, on normalised text:

- gazetteer names with their clitics ("بالأنبار", "وسوريا", "للقوات الأمريكية"), longest
  first, each with its key, English label and containment chain (``ancestors``); the
  gazetteer is ``gazetteer.yaml`` merged with its layers (``GAZETTEER_LAYERS``); a name
  that is also a common word ("مالي") counts only after a place cue ("في مالي");
- a nationality adjective after a territory noun ("الأراضي السورية" -> Syria) or after
  "العاصمة" (-> the capital); elsewhere an adjective only describes ("أربيل العراقية");
- "خارج X": the complement of X (``complement=True``);
- a name after a trigger noun that the gazetteer does not know ("قرية الخربة"): a place or
  actor with ``source="pattern"``, no key and no ancestors (unknown in the hierarchy);
- a force noun with a nationality adjective no entry covers ("القوات اللبنانية"): an actor
  labelled "<demonym> forces", ``source="pattern"``;
- a definite noun that refers back ("القاعدة" after "قاعدة عين الأسد"), resolved to the
  last place of that type when exactly one candidate is in view;
- names from the statistical NER (``doc.spans["ner"]``), where the gazetteer and the
  patterns found nothing: either spans set before this component runs, or added after it
  by ``cc_ner`` (:func:`add_ner_mentions`); no key, no ancestors, ``source="ner"``.

The mentions go to the layer :data:`claims.layers.ENTITIES` (offsets in the normalised
text) and, as token spans, to :data:`claims.layers.ENTITY_SPANS`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from spacy.language import Language
from spacy.tokens import Doc, Span

from claims import layers
from claims.layers import Contract
from claims.lexicon.schemas import CompassWords
from claims.model import Bearing, CompassPoint, Entity, EntityKind, EntitySource
from claims.model import Span as ModelSpan
from claims.resources import load_yaml
from claims.tokenizer import (
    LexMatch,
    MorphologyFile,
    VariantLexicon,
    doc_text,
    load_morphology,
    noun_variants,
    verb_variants,
)

if TYPE_CHECKING:
    from claims.towns import Town

GAZETTEER_FILE = "lexicon/ar/gazetteer.yaml"
# More places on top of the main file (capitals and major cities of the countries Arabic
# news covers), merged into it when loaded and validated together.
# Then the cities of the world from GeoNames (generated: claims/lexicon/geonames_layer.py).
GAZETTEER_LAYERS: tuple[str, ...] = (
    "lexicon/ar/gazetteer_world.yaml",
    "lexicon/ar/gazetteer_geonames.yaml",
)

PlaceType = Literal[
    "country",
    "region",
    "province",
    "city",
    "town",
    "district",
    "base",
    "airport",
    "crossing",
    "port",
    "camp",
    "site",
]
ActorCategory = Literal["military", "government", "armed_group", "organization", "media", "other"]


# --------------------------------------------------------------------------- schema


NAME_HYPHEN = "-"  # the token between the words of a hyphenated name
CITY_NOUN = "مدينه"  # "مدينه X": the qualified form of a city's name (no hyphenated form)
ADMIN_AREA = re.compile(r"[A-Z]{2}\.[0-9A-Z]+")  # a GeoNames admin1 code: "IN.12"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlaceEntry(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    type: PlaceType
    parent: str | None = None
    aliases: list[str] = Field(min_length=1)
    # Names that are also common words ("مالي" = financial): matched only after a word
    # of `place_cues` or a direction word, or with the clitic ب/ل ("في مالي", "بمالي").
    cue_aliases: list[str] = Field(default_factory=list)
    adjectives: list[str] = Field(default_factory=list)
    demonym: str | None = None
    capital: str | None = None
    # Names in other languages, by language code ({en: [Ain al-Asad]}): how reports in
    # that language write it, read by that language's pipeline (claims/en/entities.py).
    names: dict[str, list[str]] = Field(default_factory=dict)
    # A region's GeoNames first-level divisions ("IN.12": country code and admin1 code):
    # the generated city layer puts their cities inside the region, not their country
    # (a disputed territory's cities lie in it; claims/lexicon/geonames_layer.py).
    admin_areas: list[str] = Field(default_factory=list)
    # The countries a disputed territory is administered by or claimed by: a report that
    # names one beside it ("إقليم كشمير شمال الهند") places it there, naming no second
    # place. Containment (``parent``) stays the territory's own.
    claimed_by: list[str] = Field(default_factory=list)


class ActorEntry(_Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    category: ActorCategory
    country: str | None = None
    aliases: list[str] = Field(min_length=1)
    names: dict[str, list[str]] = Field(default_factory=dict)  # as in PlaceEntry


class NameTrigger(_Strict):
    noun: str
    kind: EntityKind
    type: PlaceType | None = None


class Anaphor(_Strict):
    noun: str
    type: PlaceType


class LatinSpelling(_Strict):
    """A name in Arabic letters against names in Latin letters ("باهالغام", "Pahalgam"):
    both written as consonant classes ("bhlgm"), vowels and unwritten letters left out."""

    arabic: dict[str, str]
    arabic_pairs: dict[str, str] = Field(default_factory=dict)
    latin_pairs: dict[str, str] = Field(default_factory=dict)
    latin: dict[str, str] = Field(default_factory=dict)
    # The kinds of vowel a long vowel letter and a Latin vowel stand for (a, u, i).
    arabic_vowels: dict[str, str] = Field(default_factory=dict)
    latin_vowels: dict[str, str] = Field(default_factory=dict)

    def of_arabic(self, name: str) -> str:
        """The consonant classes of a name in Arabic letters (unlisted letters dropped)."""
        for pair, sound in self.arabic_pairs.items():
            name = name.replace(pair, sound)
        return _one_of_each(
            "".join(c if c.isascii() and c.isalpha() else self.arabic.get(c, "") for c in name)
        )

    def of_latin(self, name: str) -> tuple[str, ...]:
        """The consonant classes of a name in Latin letters, accents aside ("Pahalgām"):
        with two-letter sounds read as one ("sh") and, where that differs, letter by letter
        ("Birmingham": "ng-h", not "gh")."""
        table, pairs = self._latin_tables
        letters = _NOT_LATIN.sub("", unicodedata.normalize("NFKD", name.casefold()))
        by_pairs = _one_of_each(pairs.sub(lambda m: self.latin_pairs[m.group()], letters)
                                .translate(table))
        by_letters = _one_of_each(letters.translate(table))
        return (by_pairs,) if by_pairs == by_letters else (by_pairs, by_letters)

    def vowels_fit(self, arabic: str, latin: str) -> bool:
        """Whether the long vowels an Arabic name writes stand where the Latin name has
        vowels of their kind (``arabic_vowels``, ``latin_vowels``), consonant for
        consonant: "كوراخوفي" fits Kurakhove (ku-ra-kho-ve), not Kryukiv, though both
        read "krkf". Names of different consonants never fit."""
        table, pairs = self._latin_tables
        for pair, sound in self.arabic_pairs.items():
            arabic = arabic.replace(pair, sound)
        ar = _shape(
            (c, "c") if c.isascii() and c.isalpha() else
            (self.arabic_vowels[c], "v") if c in self.arabic_vowels else
            (self.arabic.get(c, ""), "c")
            for c in arabic
        )
        letters = _NOT_LATIN.sub("", unicodedata.normalize("NFKD", latin.casefold()))
        for text in (pairs.sub(lambda m: self.latin_pairs[m.group()].upper(), letters), letters):
            la = _shape(
                (self.latin_vowels[c], "v") if c in self.latin_vowels else
                (c.lower() if c.isupper() and c.lower() in self.latin_pairs.values()
                 else c if c.isupper() else c.translate(table), "c")
                for c in text
            )
            if la[0] == ar[0] and all(_within(a, b) for a, b in zip(ar[1], la[1], strict=True)):
                return True
        return False

    @cached_property
    def _latin_tables(self) -> tuple[dict[int, str], re.Pattern[str]]:
        table = str.maketrans(self.latin)
        pairs = re.compile("|".join(sorted(map(re.escape, self.latin_pairs), key=len,
                                           reverse=True)) or "(?!)")
        return table, pairs


_NOT_LATIN = re.compile(r"[^a-z]+")
_REPEATS = re.compile(r"(.)\1+")


def _shape(items: Iterable[tuple[str, str]]) -> tuple[str, tuple[str, ...]]:
    """(consonants, the vowels before, between and after them) from (sound, "c" or "v")
    pairs; a consonant of the sound before it counts once, and the vowels around it
    join."""
    consonants: list[str] = []
    gaps: list[str] = [""]
    for sound, kind in items:
        if not sound:
            continue
        if kind == "v":
            gaps[-1] += sound
        elif consonants and consonants[-1] == sound:
            continue  # "nn": the vowels of both gaps stay in the one gap
        else:
            consonants.append(sound)
            gaps.append("")
    return "".join(consonants), tuple(gaps)


def _within(part: str, whole: str) -> bool:
    """Whether ``part`` is a subsequence of ``whole``."""
    rest = iter(whole)
    return all(c in rest for c in part)


def _one_of_each(sounds: str) -> str:
    """Two letters of one sound in a row count once ("nn" -> "n")."""
    return _REPEATS.sub(r"\1", sounds)


class Transliteration(_Strict):
    """How foreign names are written in more than one way ("برمينغهام", "بيرمنجهام"): long
    vowels written or not, and letters that stand for one sound (g: غ ج ك ق)."""

    vowels: list[str]
    classes: list[list[str]]
    # Words that may stand between the name and the place it lies in ("في"); quotes too.
    links: list[str] = Field(default_factory=list)
    link_clitics: list[str] = Field(default_factory=list)  # "in" on the place itself
    silent_endings: list[str] = Field(default_factory=list)  # ة (as ه): unwritten in Latin
    min_letters: int = Field(default=4, ge=2)  # a shorter skeleton is no evidence
    latin: LatinSpelling | None = None

    def skeleton(self, name: str) -> str:
        """The name without spaces and long vowels after its first letter, each letter of
        a class written as the class's first."""
        letters = name.replace(" ", "")
        if not letters:
            return ""
        fold = {c: cls[0] for cls in self.classes for c in cls}
        rest = (fold.get(c, c) for c in letters[1:] if c not in self.vowels)
        return fold.get(letters[0], letters[0]) + "".join(rest)


class GazetteerFile(_Strict):
    """Schema of ``lexicon/ar/gazetteer.yaml``; cross-references are checked too."""

    version: int
    places: list[PlaceEntry]
    actors: list[ActorEntry]
    territory_nouns: list[str]
    scope_nouns: list[str] = Field(default_factory=list)
    direction_words: list[str]
    capital_nouns: list[str]
    name_triggers: list[NameTrigger]
    name_compound_starters: list[str]
    name_stoppers: list[str]
    anaphors: list[Anaphor]
    complement_words: list[str]
    ner_labels: dict[str, EntityKind]
    force_heads: list[str]
    # Words after which a `cue_aliases` name is a place ("في", "الى", "من"...).
    place_cues: list[str] = Field(default_factory=list)
    # Proclitic prepositions that do the same on the name itself ("بمالي").
    place_cue_clitics: list[str] = Field(default_factory=list)
    # Common words that a multi-word alias ends with ("حركه الشباب"): never read as that
    # entry when they stand alone after a trigger noun ("وزاره الشباب").
    not_bare: list[str] = Field(default_factory=list)
    # Which point of the compass each direction word names (see claims.entities.situate).
    compass: CompassWords = Field(default_factory=CompassWords)
    # A name the gazetteer does not know, said to lie in a place it knows ("مطار بيرمنجهام
    # في بريطانيا"), is the one place inside it whose name reads the same (see
    # claims.entities.Transliteration).
    transliteration: Transliteration | None = None

    @model_validator(mode="after")
    def _references(self) -> GazetteerFile:
        problems: list[str] = []
        keys = [p.key for p in self.places] + [a.key for a in self.actors]
        seen: set[str] = set()
        for key in keys:
            if key in seen:
                problems.append(f"duplicate key {key!r}")
            seen.add(key)
        places = {p.key: p for p in self.places}
        for place in self.places:
            if place.parent is not None and place.parent not in places:
                problems.append(f"place {place.key!r}: unknown parent {place.parent!r}")
            if place.capital is not None and place.capital not in places:
                problems.append(f"place {place.key!r}: unknown capital {place.capital!r}")
            for claimant in place.claimed_by:
                if places.get(claimant) is None or places[claimant].type != "country":
                    problems.append(f"place {place.key!r}: claimed_by {claimant!r} is no country")
            if place.admin_areas and place.type != "region":
                problems.append(f"place {place.key!r}: admin_areas are a region's only")
            bad_areas = [a for a in place.admin_areas if not ADMIN_AREA.fullmatch(a)]
            if bad_areas:
                problems.append(f"place {place.key!r}: admin_areas not 'CC.code': {bad_areas}")
        for actor in self.actors:
            if actor.country is not None and actor.country not in places:
                problems.append(f"actor {actor.key!r}: unknown country {actor.country!r}")
        for place in self.places:  # containment must be a tree
            chain, node = [place.key], place.parent
            while node is not None and node in places:
                if node in chain:
                    problems.append(f"place {place.key!r}: containment cycle {chain + [node]}")
                    break
                chain.append(node)
                node = places[node].parent
        missing = sorted(set(self.compass.point_of()) - set(self.direction_words))
        if missing:
            problems.append(f"compass words not in direction_words: {missing}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class GazetteerLayer(_Strict):
    """Schema of an extra place file (``GAZETTEER_LAYERS``): more places and actors, and
    the capitals of countries that the main file lists without one. A layer is checked
    merged with the main file (keys unique across files, references resolved)."""

    version: int
    places: list[PlaceEntry]
    actors: list[ActorEntry] = Field(default_factory=list)
    capitals: dict[str, str] = Field(default_factory=dict)
    not_bare: list[str] = Field(default_factory=list)


def merge_layers(base: GazetteerFile, layers: Sequence[GazetteerLayer]) -> GazetteerFile:
    """The main gazetteer with the layers' entries added, validated as one file."""
    places = list(base.places)
    actors = list(base.actors)
    not_bare = list(base.not_bare)
    capitals: dict[str, str] = {}
    problems: list[str] = []
    for layer in layers:
        places.extend(layer.places)
        actors.extend(layer.actors)
        not_bare.extend(layer.not_bare)
        for country, city in layer.capitals.items():
            if capitals.setdefault(country, city) != city:
                problems.append(f"capital of {country!r} given twice")
    index = {p.key: i for i, p in enumerate(places)}
    for country, city in capitals.items():
        if country not in index or city not in index:
            problems.append(f"capitals: unknown place in {country!r}: {city!r}")
            continue
        entry = places[index[country]]
        if entry.capital not in (None, city):
            problems.append(f"capitals: {country!r} already has capital {entry.capital!r}")
            continue
        node: str | None = city
        while node is not None and node != country and node in index:
            node = places[index[node]].parent
        if node != country:
            problems.append(f"capitals: {city!r} is not inside {country!r}")
            continue
        places[index[country]] = entry.model_copy(update={"capital": city})
    if problems:
        raise ValueError("; ".join(problems))
    merged = base.model_dump()
    merged["places"] = [p.model_dump() for p in places]
    merged["actors"] = [a.model_dump() for a in actors]
    merged["not_bare"] = not_bare
    return GazetteerFile.model_validate(merged)


@lru_cache(maxsize=1)
def load_gazetteer() -> GazetteerFile:
    """The main gazetteer file merged with its layers (validated, cached)."""
    base = load_yaml(GAZETTEER_FILE, GazetteerFile)
    layers = [load_yaml(path, GazetteerLayer) for path in GAZETTEER_LAYERS]
    return merge_layers(base, layers)


# --------------------------------------------------------------------------- mentions


@dataclass
class EntityMention:
    """An entity found in the normalised text, before offsets are mapped back.

    ``start``/``end`` are character offsets of the name (clitics left out); ``tok_start``/
    ``tok_end`` its tokens; ``phrase_start`` the first token of the noun phrase around it
    (a trigger noun, direction word or territory noun before the name: "بمحافظة الأنبار"
    starts at "بمحافظة"), ``lead_clitic`` the proclitic on that first token (ب = "in")."""

    start: int
    end: int
    tok_start: int
    tok_end: int
    kind: EntityKind
    key: str | None
    label: str | None
    type: str | None
    source: EntitySource
    surface: str
    ancestors: list[str] = field(default_factory=list)
    # Countries a disputed territory it lies in is also said to lie in (``claimed_by``).
    claimants: tuple[str, ...] = ()
    complement: bool = False
    phrase_start: int = -1
    lead_clitic: str = ""
    anaphor: bool = False
    category: str | None = None
    bearing: BearingMention | None = None

    # Places the text says it lies in where the gazetteer knows no such containment
    # ("Pahalgam in Anantnag district": two towns of Kashmir to the gazetteer).
    stated_in: tuple[str, ...] = ()

    def lies_in(self, key: str) -> bool:
        """The gazetteer puts it inside the place ``key``, a country claims the disputed
        territory it lies in, or the text says it lies there (``stated_in``)."""
        return key in self.ancestors or key in self.claimants or key in self.stated_in

    def to_entity(self) -> Entity:
        """The model's Entity, span still in normalised offsets (the pipeline maps it)."""
        return Entity(
            span=ModelSpan(start=self.start, end=self.end, text=self.surface),
            kind=self.kind,
            key=self.key,
            label=self.label,
            surface=self.surface,
            source=self.source,
            complement=self.complement,
            ancestors=list(self.ancestors),
            bearing=self.bearing.to_bearing() if self.bearing is not None else None,
        )


@dataclass(frozen=True)
class BearingMention:
    """A compass direction said of a place mention, offsets still normalised: the point,
    the reference place (its key and label; None when unresolved) and the characters
    [start, end) of the words that say it ("شمال تشاد", "north-eastern Nigeria")."""

    point: CompassPoint
    reference: str | None
    reference_label: str | None
    start: int
    end: int
    text: str = ""

    def to_bearing(self, span: ModelSpan | None = None) -> Bearing:
        """The model's Bearing; ``span`` replaces the normalised one when given."""
        return Bearing(
            direction=self.point,
            reference=self.reference,
            reference_label=self.reference_label,
            span=span or ModelSpan(start=self.start, end=self.end, text=self.text),
        )


@dataclass(frozen=True)
class _Name:
    key: str
    guarded: bool = False  # a `cue_aliases` form: needs a cue before it


@dataclass(frozen=True)
class _Adjective:
    country: str


@dataclass(frozen=True)
class _Word:
    """A closed-class word of the gazetteer (territory noun, direction word...)."""

    what: str
    detail: str = ""


# --------------------------------------------------------------------------- gazetteer


class Gazetteer:
    """The compiled gazetteer: lexicons built once, lookups by key."""

    def __init__(self, data: GazetteerFile, morph: MorphologyFile) -> None:
        self.data = data
        self.places = {p.key: p for p in data.places}
        self.actors = {a.key: a for a in data.actors}
        self.names: VariantLexicon[_Name] = VariantLexicon("gazetteer_names")
        self.adjectives: VariantLexicon[_Adjective] = VariantLexicon("gazetteer_adjectives")
        self.words: VariantLexicon[_Word] = VariantLexicon("gazetteer_words")
        entries: list[PlaceEntry | ActorEntry] = [*data.places, *data.actors]
        # "مدينه X" is never written "مدينه - X": such names get no hyphenated form.
        nouns = frozenset(t.noun for t in data.name_triggers) | {CITY_NOUN}
        for entry in entries:
            for alias in entry.aliases:
                _add_name(self.names, alias, _Name(entry.key), morph, nouns)
        for place in data.places:
            for alias in place.cue_aliases:
                _add_name(self.names, alias, _Name(place.key, guarded=True), morph, nouns)
        self.place_cues = _surface_set(data.place_cues, morph)
        self.cue_clitics = frozenset(data.place_cue_clitics)
        for place in data.places:
            for stem in place.adjectives:
                for form in _nisba_forms(stem, morph):
                    for v in noun_variants(form, morph, definite=True, suffixes=False):
                        self.adjectives.add((v.text,), _Adjective(place.key), v.clitic)
        closed: list[tuple[str, list[str]]] = [
            ("outside", data.complement_words),
            ("territory", data.territory_nouns),
            ("scope", data.scope_nouns),
            ("direction", data.direction_words),
            ("capital", data.capital_nouns),
            ("force", data.force_heads),
        ]
        # Stoppers include frequent function words: looked up only right after a trigger
        # noun instead of being matched all over the text.
        self.stoppers = _surface_set(data.name_stoppers, morph)
        # A word the event lexicon lists as a trigger noun or participle is an event, not a
        # name, after a force head: "ثلاثة جنود قتلى", "جنود مصرعهم", "قوات انسحابا".
        self.event_words = _event_words(morph)
        self.compounds = _surface_set(data.name_compound_starters, morph)
        points = data.compass.point_of()
        for what, words in closed:
            for word in words:
                # A compass word carries its point ("شمال غربي": NW).
                payload = _Word(what, points.get(" ".join(word.split()), ""))
                _add_word(self.words, word, payload, morph, definite=what == "direction")
        self.compass = CompassCues.of(data.compass, conjunctions=tuple(morph.conjunctions))
        for trigger in data.name_triggers:
            payload = _Word("trigger", f"{trigger.kind}:{trigger.type or ''}")
            # Indefinite construct only: "قاعدة X". The definite "القاعدة" is a reference.
            for v in noun_variants(trigger.noun, morph, definite=False, suffixes=False):
                self.words.add((v.text,), payload, v.clitic)
        for anaphor in data.anaphors:
            payload = _Word("anaphor", anaphor.type)
            for v in noun_variants(anaphor.noun, morph, definite=False, suffixes=False):
                self.words.add((v.text,), payload, v.clitic)
        self.article = morph.article
        self.proclitic_letters = frozenset(c for pro in morph.proclitics for c in pro)
        # Longest first, to strip "وب" before "و" from an NER name.
        self.proclitics = tuple(sorted(morph.proclitics, key=len, reverse=True))
        self.contracting = morph.contracting_preposition
        self.demonyms = {p.key: p.demonym for p in data.places if p.demonym}
        self.capitals = {p.key: p.capital for p in data.places if p.capital}
        # "قضاء القائم" also names al-Qaim as "القائم" after any trigger noun ("معبر القائم"):
        # the bare name alone is too ambiguous to match everywhere.
        bare: dict[str, set[str]] = {}
        for entry in entries:
            for alias in entry.aliases:
                words = alias.split()
                if len(words) > 1:
                    bare.setdefault(" ".join(words[1:]), set()).add(entry.key)
        # Names by transliteration skeleton, with and without a trigger noun before them
        # ("مدينه برمنغهام"): for a name spelled otherwise (``spelled_otherwise``).
        self.skeletons: dict[str, set[str]] = {}
        spell = data.transliteration
        if spell is not None:
            for place in data.places:
                for alias in [*place.aliases, *place.cue_aliases]:
                    head, _, tail = alias.partition(" ")
                    for name in (alias, tail if head in nouns else ""):
                        skel = spell.skeleton(name)
                        if len(skel) >= spell.min_letters:
                            self.skeletons.setdefault(skel, set()).add(place.key)
        common = set(data.not_bare)
        self.bare_names = {
            name: next(iter(keys))
            for name, keys in bare.items()
            if len(keys) == 1 and name not in common
        }

    def build(self, vocab: object) -> None:
        from spacy.vocab import Vocab

        assert isinstance(vocab, Vocab)
        self.names.build(vocab)
        self.adjectives.build(vocab)
        self.words.build(vocab)

    def ancestors(self, key: str) -> list[str]:
        out: list[str] = []
        node = self.places[key].parent if key in self.places else None
        while node is not None and node not in out:
            out.append(node)
            node = self.places[node].parent
        return out

    def town_mention(
        self, town: Town, start: int, end: int, tok_start: int, tok_end: int, surface: str
    ) -> EntityMention:
        """A mention of a town of GeoNames' table (:mod:`claims.towns`), which becomes an
        entry of this gazetteer (type ``town``) for its containment."""
        if town.key not in self.places:
            self.places[town.key] = PlaceEntry(
                key=town.key,
                label=town.label,
                type="town",
                parent=town.parent,
                aliases=list(town.arabic) or [town.label],
                names={"en": list(town.latin)},
            )
        return self.mention(town.key, start, end, tok_start, tok_end, surface)

    def claimants(self, key: str, ancestors: Sequence[str]) -> tuple[str, ...]:
        """The countries that claim the place or a territory holding it (``ancestors``:
        the place's, as :meth:`ancestors` gives them)."""
        return tuple(c for k in [key, *ancestors] for c in self.places[k].claimed_by)

    def mention(
        self, key: str, start: int, end: int, tok_start: int, tok_end: int, surface: str
    ) -> EntityMention:
        if key in self.places:
            place, ancestors = self.places[key], self.ancestors(key)
            return EntityMention(
                start,
                end,
                tok_start,
                tok_end,
                "place",
                key,
                place.label,
                place.type,
                "gazetteer",
                surface,
                ancestors,
                self.claimants(key, ancestors),
            )
        actor = self.actors[key]
        return EntityMention(
            start,
            end,
            tok_start,
            tok_end,
            "actor",
            key,
            actor.label,
            None,
            "gazetteer",
            surface,
            [],
            category=actor.category,
        )


def _surface_set(words: list[str], morph: MorphologyFile) -> frozenset[str]:
    out: set[str] = set()
    for word in words:
        out.update(v.text for v in noun_variants(word, morph, definite=False, suffixes=False))
    return frozenset(out)


def _event_words(morph: MorphologyFile) -> frozenset[str]:
    """The one-word triggers of the event lexicon, in every form: nouns and participles
    (article, clitics, pronoun suffixes) and verbs (conjunctions, object pronouns)."""
    from claims.events import load_events  # events reads entities only from the doc

    out: set[str] = set()
    for group in load_events().triggers:
        for word in [*group.nouns, *group.participles]:
            if " " not in word:
                out.update(v.text for v in noun_variants(word, morph))
        for word in [*group.past, *group.present]:
            if " " not in word:
                out.update(v.text for v in verb_variants(word, morph))
    return frozenset(out)


def _nisba_forms(stem: str, morph: MorphologyFile) -> list[str]:
    """Masculine, feminine and plural forms of a nisba adjective ("سوري" -> "سوريه"...)."""
    return [stem + ending for ending in morph.nisba_endings]


def _add_name(
    lex: VariantLexicon[_Name],
    alias: str,
    payload: _Name,
    morph: MorphologyFile,
    nouns: frozenset[str] = frozenset(),
) -> None:
    tokens = alias.split()
    # A name of several words is also written with hyphens between them ("جامو - كشمير",
    # "غينيا-بيساو"); not one that opens with a place noun (``nouns``: "مدينه X").
    hyphened = (
        tuple(t for word in tokens[1:] for t in (NAME_HYPHEN, word))
        if tokens[0] not in nouns
        else ()
    )
    for v in noun_variants(tokens[0], morph, definite=False, suffixes=False):
        lex.add((v.text, *tokens[1:]), payload, v.clitic)
        if hyphened:
            lex.add((v.text, *hyphened), payload, v.clitic)


def _add_word(
    lex: VariantLexicon[_Word], word: str, payload: _Word, morph: MorphologyFile, *, definite: bool
) -> None:
    tokens = word.split()
    for v in noun_variants(tokens[0], morph, definite=definite, suffixes=False):
        lex.add((v.text, *tokens[1:]), payload, v.clitic)


# --------------------------------------------------------------------------- component


class EntitiesComponent:
    # The names a statistical NER left before this component ran are read too (the
    # extraction pipeline runs cc_ner after it instead: add_ner_mentions).
    contract: ClassVar[Contract] = Contract(
        provides=frozenset({"actors", "location", "destinations"}),
        reads=(layers.SENTENCES,),
        reads_if_present=(layers.NER_SPANS,),
        writes=(layers.ENTITIES, layers.ENTITY_SPANS),
    )

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gaz = gazetteer

    def __call__(self, doc: Doc) -> Doc:
        _store(doc, find_entities(doc, self.gaz))
        return doc


def _store(doc: Doc, mentions: list[EntityMention]) -> None:
    layers.ENTITIES.set(doc, mentions)
    spans = []
    for m in mentions:
        label = f"{m.kind}:{m.key or m.source}"
        spans.append(Span(doc, m.tok_start, m.tok_end, label=label))
    layers.ENTITY_SPANS.set(doc, spans)


def add_ner_mentions(
    doc: Doc, gaz: Gazetteer, spans_key: str = layers.NER_SPANS.key
) -> list[EntityMention]:
    """Add the NER names of ``doc.spans[spans_key]`` to the mentions ``cc_entities`` left
    on ``doc``, where no mention (its phrase included) covers a token of the span: the
    gazetteer, patterns and resolved references win. Returns the mentions added."""
    mentions = list(layers.ENTITIES.get(doc))
    covered: set[int] = set()
    for m in mentions:
        start = m.phrase_start if 0 <= m.phrase_start < m.tok_start else m.tok_start
        covered.update(range(start, m.tok_end))
    added = _ner_names(doc, gaz, covered, spans_key)
    if added:
        words = {m.start: m for m in gaz.words(doc)}
        _phrases(doc, words, added)
        mentions.extend(added)
        mentions.sort(key=lambda x: x.tok_start)
        _store(doc, mentions)
    return added


def find_entities(doc: Doc, gaz: Gazetteer) -> list[EntityMention]:
    """All entity mentions of ``doc`` in text order (see the module docstring)."""
    words = {m.start: m for m in gaz.words(doc)}
    mentions: list[EntityMention] = []
    covered: set[int] = set()

    def surface(tok_start: int, tok_end: int, clitic: str) -> tuple[int, int, str]:
        start = doc[tok_start].idx + len(clitic)
        end = doc[tok_end - 1].idx + len(doc[tok_end - 1].text)
        return start, end, doc_text(doc)[start:end]

    word_ends = {m.end: m for m in words.values()}
    for m in gaz.names(doc):
        if m.payload.guarded and not _cued(doc, m, gaz, word_ends):
            continue
        s, e, text = surface(m.start, m.end, m.clitic)
        mention = gaz.mention(m.payload.key, s, e, m.start, m.end, text)
        mention.lead_clitic = m.clitic
        mentions.append(mention)
        covered.update(range(m.start, m.end))

    for adj in gaz.adjectives(doc):
        if adj.start in covered:
            continue
        prev = words.get(adj.start - 1)
        scope = _scope_noun(doc, words, adj.start, gaz.article)
        # An adjective names a place only after a territory/capital noun ("الأراضي السورية")
        # or a country's vote or institution, maybe with adjectives between ("الانتخابات
        # البرلمانية العراقية"); after a force noun it makes an actor; elsewhere it
        # describes ("أربيل العراقية").
        if scope is not None:
            s, e, text = surface(adj.start, adj.end, adj.clitic)
            mention = gaz.mention(adj.payload.country, s, e, adj.start, adj.end, text)
        elif prev is not None and prev.payload.what == "territory":
            s, e, text = surface(prev.start, adj.end, prev.clitic)
            mention = gaz.mention(adj.payload.country, s, e, prev.start, adj.end, text)
            mention.lead_clitic = prev.clitic
        elif prev is not None and prev.payload.what == "capital":
            capital = gaz.capitals.get(adj.payload.country)
            if capital is None:
                continue
            s, e, text = surface(prev.start, adj.end, prev.clitic)
            mention = gaz.mention(capital, s, e, prev.start, adj.end, text)
            mention.lead_clitic = prev.clitic
        elif (
            prev is not None
            and prev.payload.what == "force"
            and adj.payload.country in gaz.demonyms
        ):
            if prev.start in covered:
                continue
            s, e, text = surface(prev.start, adj.end, prev.clitic)
            mention = EntityMention(
                s,
                e,
                prev.start,
                adj.end,
                "actor",
                None,
                f"{gaz.demonyms[adj.payload.country]} forces",
                None,
                "pattern",
                text,
                category="military",
            )
            mention.lead_clitic = prev.clitic
        else:
            continue
        mentions.append(mention)
        covered.update(range(mention.tok_start, mention.tok_end))

    mentions.extend(_pattern_names(doc, gaz, words, covered))
    mentions.sort(key=lambda x: x.tok_start)
    mentions[:] = _spelled_otherwise(doc, gaz, mentions)
    _resolve_anaphors(doc, gaz, words, covered, mentions)
    mentions.extend(_ner_names(doc, gaz, covered))
    mentions.sort(key=lambda x: x.tok_start)
    _phrases(doc, words, mentions)
    mentions[:] = _towns(doc, gaz, words, covered, mentions)
    spell = gaz.data.transliteration
    if spell is not None:
        state_within(doc, mentions, frozenset(spell.links), frozenset(spell.link_clitics))
    directions = [
        Direction(m.start, m.end, m.payload.detail, doc[m.start].idx + len(m.clitic))
        for m in words.values()
        if m.payload.what == "direction" and m.payload.detail
    ]
    forces = {m.end for m in words.values() if m.payload.what == "force"}
    situate(doc, mentions, directions, gaz.compass, gaz.places, forces)
    return mentions


def _scope_noun(
    doc: Doc, words: dict[int, LexMatch[_Word]], adj_start: int, article: str
) -> LexMatch[_Word] | None:
    """The vote or institution noun a nationality adjective at ``adj_start`` belongs to,
    right before it or with up to two definite adjectives between ("الانتخابات البرلمانية
    العراقية"), or None."""
    for gap in range(3):
        start = adj_start - 1 - gap
        if start < 0:
            return None
        word = words.get(start)
        if word is not None:
            return word if word.payload.what == "scope" else None
        if not doc[start].text.startswith(article):
            return None
    return None


def _cued(
    doc: Doc, m: LexMatch[_Name], gaz: Gazetteer, word_ends: dict[int, LexMatch[_Word]]
) -> bool:
    """Whether a name that is also a common word stands where a place is expected: after
    a place preposition, a direction or territory word, or with the clitic ب/ل."""
    if m.clitic and m.clitic[-1] in gaz.cue_clitics:
        return True
    if m.start > 0 and doc[m.start - 1].text in gaz.place_cues:
        return True
    before = word_ends.get(m.start)
    return before is not None and before.payload.what in ("direction", "territory")


def _pattern_names(
    doc: Doc, gaz: Gazetteer, words: dict[int, LexMatch[_Word]], covered: set[int]
) -> list[EntityMention]:
    """Names after trigger nouns that no gazetteer entry covers: "قرية الخربة"."""
    out: list[EntityMention] = []
    n = len(doc)
    for start, m in words.items():
        if start in covered:
            continue
        forced = m.payload.what == "force"
        if forced and not doc[start].text[len(m.clitic) :].startswith(gaz.article):
            m = LexMatch(m.start, m.end, _Word("trigger", "actor:"), m.clitic)
        elif m.payload.what != "trigger":
            continue
        first = start + 1
        if first >= n or first in covered or not _name_like(doc, first, words, gaz):
            continue
        if forced and doc[first].text in gaz.event_words:
            continue
        end = first + 1
        is_compound = doc[first].text in gaz.compounds
        if is_compound and end < n and end not in covered and _name_like(doc, end, words, gaz):
            end += 1
        # One more word in the article form belongs to the name ("أم الخير", "الخربة
        # الشرقية" stops at the descriptor, which is a stopper).
        if (
            end < n
            and end not in covered
            and doc[end].text.startswith(gaz.article)
            and _name_like(doc, end, words, gaz)
        ):
            if is_compound or end == first + 1 and not doc[first].text.startswith(gaz.article):
                end += 1
        kind_text, _, ptype = m.payload.detail.partition(":")
        kind: EntityKind = "place" if kind_text == "place" else "actor"
        s = doc[first].idx
        e = doc[end - 1].idx + len(doc[end - 1].text)
        known = gaz.bare_names.get(doc_text(doc)[s:e])
        if known is None and end - first == 2 and not is_compound:
            # "بمقاطعة أنانتناج الجبلية": a known name and an adjective after it
            alone = doc[first].idx + len(doc[first].text)
            if doc_text(doc)[s:alone] in gaz.bare_names:
                end, e, known = first + 1, alone, gaz.bare_names[doc_text(doc)[s:alone]]
        if known is not None and (known in gaz.places) == (kind == "place"):
            mention = gaz.mention(known, s, e, first, end, doc_text(doc)[s:e])
        else:
            mention = EntityMention(
                s, e, first, end, kind, None, None, ptype or None, "pattern", doc_text(doc)[s:e]
            )
        mention.phrase_start = start
        mention.lead_clitic = m.clitic
        out.append(mention)
        covered.update(range(start, end))
    return out


def _name_like(doc: Doc, i: int, words: dict[int, LexMatch[_Word]], gaz: Gazetteer) -> bool:
    tok = doc[i]
    if not tok.is_alpha or len(tok.text) < 2 or tok.text in gaz.stoppers:
        return False
    w = words.get(i)
    return w is None or w.payload.what not in ("trigger", "territory", "anaphor", "capital")


def _spelled_otherwise(
    doc: Doc, gaz: Gazetteer, mentions: list[EntityMention]
) -> list[EntityMention]:
    """A place name the gazetteer does not know, right before a place it knows with only a
    link word (`links`: "في") or quotes between ("مطار بيرمنجهام في بريطانيا"), is the one
    place inside that place whose name reads the same (`transliteration`: "برمينغهام");
    otherwise it stays unknown. The container keeps a foreign name from matching a
    namesake elsewhere (Birmingham in England, not in Alabama)."""
    spell = gaz.data.transliteration
    if spell is None:
        return mentions
    out = list(mentions)
    for index, m in enumerate(mentions):
        if m.kind != "place" or m.key is not None or m.source != "pattern":
            continue
        after = next((n for n in mentions[index + 1 :] if n.tok_start >= m.tok_end), None)
        if after is None or after.kind != "place" or after.key is None:
            continue
        between = [doc[i].text for i in range(m.tok_end, after.tok_start)]
        if not all(w in spell.links or not any(c.isalpha() for c in w) for w in between):
            continue
        if len(between) > 3 or not (between or after.lead_clitic):
            continue
        skel = spell.skeleton(m.surface)
        if len(skel) < spell.min_letters:
            continue
        inside = [k for k in gaz.skeletons.get(skel, ()) if after.key in gaz.ancestors(k)]
        if len(inside) != 1:
            continue  # none, or two namesakes in that place: refuse rather than guess
        found = gaz.mention(inside[0], m.start, m.end, m.tok_start, m.tok_end, m.surface)
        found.phrase_start, found.lead_clitic = m.phrase_start, m.lead_clitic
        out[index] = found
    return out


# Commas, which may stand beside a link word ("باهالجام، بمقاطعة أنانتناج").
_COMMAS = frozenset({",", "،"})
# Quotes that may enclose a name after a place word ("في «باهالجام»").
_NAME_QUOTES = frozenset("«»\"“”„'‘’")
# Point places: a town the text puts "in" one lies in that place's own container.
_POINT_TYPES = frozenset({"city", "town", "base", "airport", "crossing", "port", "camp", "site"})


def _towns(
    doc: Doc,
    gaz: Gazetteer,
    words: dict[int, LexMatch[_Word]],
    covered: set[int],
    mentions: list[EntityMention],
) -> list[EntityMention]:
    """Names the gazetteer does not know, read as towns of GeoNames' table
    (:mod:`claims.towns`), when exactly one town that reads the same lies inside a place
    the text names around it:

    - an unknown name after a place noun ("بلدة باهالجام"): inside a place of its
      sentence, or of the last sentence before it that names one;
    - a name after a direction word or a place preposition ("منطقة باهالجام بولاية جامو
      وكشمير", "في «باهالجام»، بمقاطعة أنانتناج"): inside the place named right after it
      (``place_right_after``), or, quoted, around it. Unquoted and with no place right
      after, it may be any word ("في طريقها"): it is left alone.

    A name no town takes stays as it was (unknown, or no mention at all)."""
    spell = gaz.data.transliteration
    if spell is None or spell.latin is None:
        return mentions
    latin = spell.latin
    links = frozenset([*spell.links, *_COMMAS])
    clitics = frozenset(spell.link_clitics)
    sentence_of = sentence_index(doc)
    from claims.towns import load_towns

    def town(first: int, end: int, around: Sequence[EntityMention]) -> Town | None:
        name = doc_text(doc)[doc[first].idx : doc[end - 1].idx + len(doc[end - 1].text)]
        table = load_towns()
        found = table.spelled(name, latin.of_arabic(name))
        if name[-1:] in spell.silent_endings:  # "كويته" is Quetta
            found += table.spelled(name[:-1], latin.of_arabic(name[:-1]))

        def fits(t: Town) -> bool:
            return name in t.arabic or any(latin.vowels_fit(name, n) for n in t.latin)

        return town_inside(gaz, list(dict.fromkeys(found)), around, fits)

    out = list(mentions)
    for index, m in enumerate(mentions):
        if m.kind != "place" or m.key is not None or m.source != "pattern":
            continue
        found = town(m.tok_start, m.tok_end, places_around(mentions, m.tok_start, sentence_of))
        if found is not None:
            mention = gaz.town_mention(found, m.start, m.end, m.tok_start, m.tok_end, m.surface)
            mention.phrase_start, mention.lead_clitic = m.phrase_start, m.lead_clitic
            out[index] = mention
    n = len(doc)
    for i in range(n):
        cue = words.get(i)
        if cue is not None and cue.payload.what == "direction":
            first, phrase, clitic = cue.end, i, cue.clitic
        elif doc[i].text in gaz.place_cues:
            first, phrase, clitic = i + 1, i, ""
        else:
            continue
        quoted = first < n and doc[first].text in _NAME_QUOTES
        first += quoted
        if first >= n or first in covered or first in words:
            continue
        if not _name_like(doc, first, words, gaz):
            continue
        if quoted and not (first + 1 < n and doc[first + 1].text in _NAME_QUOTES):
            continue
        around = place_right_after(doc, mentions, first + 1, links, clitics)
        if not around and quoted:
            around = places_around(mentions, first, sentence_of)
        found = town(first, first + 1, around) if around else None
        if found is None:
            continue
        s = doc[first].idx
        e = s + len(doc[first].text)
        mention = gaz.town_mention(found, s, e, first, first + 1, doc[first].text)
        mention.phrase_start, mention.lead_clitic = phrase, clitic
        out.append(mention)
        covered.add(first)
    out.sort(key=lambda x: x.tok_start)
    return out


def places_around(
    mentions: Sequence[EntityMention], tok: int, sentence_of: Callable[[int], int]
) -> list[EntityMention]:
    """The known places named around token ``tok``: in its sentence, or when that names
    none, in the last sentence before it that does."""
    here = sentence_of(tok)
    known = [m for m in mentions if m.kind == "place" and m.key is not None
             and not m.complement and sentence_of(m.tok_start) <= here]
    if not known:
        return []
    last = max(sentence_of(m.tok_start) for m in known)
    return [m for m in known if sentence_of(m.tok_start) == last]


def place_right_after(
    doc: Doc, mentions: Sequence[EntityMention], tok_end: int, links: frozenset[str],
    clitics: frozenset[str] = frozenset(),
) -> list[EntityMention]:
    """The known place right after token ``tok_end`` with only link words ("في", "in", a
    comma) or quotes between, or with a clitic of ``clitics`` on it ("بولاية"): [] or
    [that place]."""
    after = next((m for m in mentions if m.tok_start >= tok_end), None)
    if after is None or after.kind != "place" or after.key is None or after.complement:
        return []
    start = after.phrase_start if after.phrase_start >= tok_end else after.tok_start
    between = [doc[i].text for i in range(tok_end, start) if doc[i].text not in _NAME_QUOTES]
    if len(between) > 2 or not all(w in links for w in between):
        return []
    if not between and after.lead_clitic not in clitics:
        return []
    return [after]


def town_inside(
    gaz: Gazetteer,
    towns: Sequence[Town],
    around: Sequence[EntityMention],
    closer: Callable[[Town], bool] | None = None,
) -> Town | None:
    """The one town of ``towns`` inside one of the places ``around``, or when several
    are, the one that ``closer`` accepts. A point place (a city, a base) stands for the
    place that holds it ("near Pahalgam in Anantnag district": inside Kashmir, which
    holds Anantnag). None when no town or two are left (refuse rather than guess)."""
    containers: set[str] = set()
    for m in around:
        key = m.key or ""
        if key in gaz.places and gaz.places[key].type in _POINT_TYPES:
            key = gaz.places[key].parent or ""
        if key:
            containers.add(key)
    inside = []
    for town in towns:
        if town.parent not in gaz.places:
            continue
        chain = [town.parent, *gaz.ancestors(town.parent)]
        if containers & {*chain, *gaz.claimants(town.parent, chain[1:])}:
            inside.append(town)
    if len(inside) > 1 and closer is not None:
        inside = [t for t in inside if closer(t)]
    return inside[0] if len(inside) == 1 else None


def _resolve_anaphors(
    doc: Doc,
    gaz: Gazetteer,
    words: dict[int, LexMatch[_Word]],
    covered: set[int],
    mentions: list[EntityMention],
) -> None:
    """ "القاعدة" -> the base named last, if the last sentence naming a base names one.
    "البلاد" (a country) -> the country of the places the last sentence naming a place in
    a country names ("في أغاديز ... من البلاد": Niger), if they are in one."""
    sent_of = sentence_index(doc)
    resolved: list[EntityMention] = []
    for start, m in sorted(words.items()):
        if m.payload.what != "anaphor" or start in covered:
            continue
        prev = words.get(start - 1)
        if (
            prev is not None
            and prev.payload.what in ("trigger", "force")
            and "actor" in (prev.payload.detail or "actor")
        ):
            continue  # "تنظيم القاعدة" names a group
        ptype = m.payload.detail
        candidates: list[tuple[int, str]] = []  # (token, key) of what the noun may name
        for x in mentions:
            if x.tok_start >= start or x.key is None or x.anaphor:
                continue
            if x.type == ptype:
                candidates.append((x.tok_start, x.key))
            elif ptype == "country" and x.kind == "place":
                country = _country_of(x, gaz.places)
                if country is not None:
                    candidates.append((x.tok_start, country))
        if not candidates:
            continue
        candidates.sort()
        last_sentence = sent_of(candidates[-1][0])
        keys = {k for tok, k in candidates if sent_of(tok) == last_sentence}
        if len(keys) != 1:
            continue  # two bases in view: refuse rather than guess
        key = candidates[-1][1]
        s = doc[start].idx + len(m.clitic)
        e = doc[m.end - 1].idx + len(doc[m.end - 1].text)
        mention = gaz.mention(key, s, e, start, m.end, doc_text(doc)[s:e])
        mention.anaphor = True
        mention.lead_clitic = m.clitic
        resolved.append(mention)
        covered.update(range(start, m.end))
    mentions.extend(resolved)


def _ner_names(
    doc: Doc, gaz: Gazetteer, covered: set[int], spans_key: str = layers.NER_SPANS.key
) -> list[EntityMention]:
    """Names an NER component found where the gazetteer and patterns found nothing."""
    if spans_key not in doc.spans:
        return []
    out: list[EntityMention] = []
    bare: set[str] | None = None
    for span in doc.spans[spans_key]:
        kind = gaz.data.ner_labels.get(span.label_)
        if kind is None or any(i in covered for i in range(span.start, span.end)):
            continue
        if bare is None:
            bare = {t.text for t in doc}
        clitic = _ner_clitic(span.text.split(" ")[0], gaz, bare)
        if len(clitic) >= span.end_char - span.start_char:
            continue
        s = span.start_char + len(clitic)
        mention = EntityMention(
            s,
            span.end_char,
            span.start,
            span.end,
            kind,
            None,
            None,
            None,
            "ner",
            doc_text(doc)[s : span.end_char],
        )
        mention.lead_clitic = clitic
        out.append(mention)
        covered.update(range(span.start, span.end))
    return out


def _ner_clitic(first: str, gaz: Gazetteer, bare: set[str]) -> str:
    """The proclitic glued to the first word of an NER span ("بالعراق", "وسوريا"), which
    the model keeps inside its spans.

    The gazetteer knows its names and so where each proclitic ends; an NER name is
    unknown, and many names begin with a proclitic letter ("بغداد", "واشنطن", "فرنسا"). So
    a proclitic (the morphology's list, longest first) is split off only when the rest is
    certainly a word: it starts with the article ("بالعراق" -> "العراق"; "وللقوات" keeps
    "للقوات", as the gazetteer variants do), or it occurs bare elsewhere in the article
    ("وكاسينغا" after "كاسينغا")."""
    art = gaz.article
    for pro in gaz.proclitics:
        if not first.startswith(pro):
            continue
        rest = first[len(pro) :]
        if len(rest) > len(art) + 1 and rest.startswith(art):
            return pro
        if pro.endswith(gaz.contracting) and rest.startswith(art[1:]) and len(rest) > 2:
            # ل + ال contracted ("وللقوات"): only the conjunction before it goes.
            return pro[:-1]
        if len(rest) >= 3 and rest in bare:
            return pro
    return ""


def _phrases(doc: Doc, words: dict[int, LexMatch[_Word]], mentions: list[EntityMention]) -> None:
    """Extend each mention's phrase leftwards over trigger, direction and territory nouns
    and mark "خارج X" as the complement of X. A word of two tokens ("جنوب غرب") is passed
    over whole."""
    ends = {w.end: w for w in words.values()}
    for m in mentions:
        if m.phrase_start < 0:
            m.phrase_start = m.tok_start
        i = m.phrase_start
        while i > 0:
            w = ends.get(i)
            if w is None or w.payload.what not in ("trigger", "direction", "territory"):
                break
            i = w.start
            m.lead_clitic = w.clitic
        if i != m.phrase_start:
            m.phrase_start = i
        before = words.get(i - 1)
        if before is not None and before.payload.what == "outside" and m.kind == "place":
            m.complement = True


def state_within(
    doc: Doc, mentions: Sequence[EntityMention], links: frozenset[str],
    clitics: frozenset[str] = frozenset(),
) -> None:
    """ "باهالجام، بمقاطعة أنانتناج", "Pahalgam in Anantnag district": a town followed by
    a place of its own container, said to be in it by a link word (``links``: "في",
    "in") or a clitic of ``clitics`` on it, with at most a comma or quotes besides, lies
    inside that place (``stated_in``) where the gazetteer knows the two only as
    neighbours: GeoNames puts most towns straight in their first division, not in its
    districts. A comma alone says nothing: "حلب، دمشق وحمص" is a list."""
    places = [m for m in mentions if m.kind == "place" and m.key is not None]
    for a, b in zip(places, places[1:], strict=False):
        if a.type not in _POINT_TYPES or b.type not in _POINT_TYPES | {"district"}:
            continue
        if a.complement or b.complement or not a.ancestors or a.ancestors[:1] != b.ancestors[:1]:
            continue  # not two places of one container
        between = [doc[i].text for i in range(a.tok_end, b.phrase_start)]
        between = [w for w in between if w not in _NAME_QUOTES and w not in _COMMAS]
        if all(w in links for w in between) and (between or b.lead_clitic in clitics):
            a.stated_in = (*a.stated_in, b.key or "")


# --------------------------------------------------------------------------- compass

# How far back (in tokens) the place a direction situates may stand: "مدينه ابشي، التي
# تقع في شمال تشاد" has four link words between them.
_SITUATE_GAP = 6


@dataclass(frozen=True)
class Direction:
    """A compass word in a doc: its tokens, its point, and its first character after a
    proclitic ("بوسط" starts at "وسط")."""

    tok_start: int
    tok_end: int
    point: str
    start: int


@dataclass(frozen=True)
class CompassCues:
    """One language's compass words, ready to look up token by token (see
    :func:`situate`); ``lower`` compares words case-folded (English)."""

    country_nouns: tuple[tuple[str, ...], ...]
    links: frozenset[str]
    blockers: frozenset[str]
    articles: frozenset[str] = frozenset()
    conjunctions: tuple[str, ...] = ()
    lower: bool = False

    @classmethod
    def of(
        cls, words: CompassWords, conjunctions: tuple[str, ...] = (), lower: bool = False
    ) -> CompassCues:
        fold = str.casefold if lower else str
        return cls(
            country_nouns=tuple(tuple(fold(w) for w in n.split()) for n in words.country_nouns),
            links=frozenset(fold(w) for w in words.links),
            blockers=frozenset(fold(w) for w in words.blockers),
            articles=frozenset(fold(w) for w in words.articles),
            conjunctions=conjunctions,
            lower=lower,
        )

    def word(self, text: str) -> str:
        return text.casefold() if self.lower else text

    def is_in(self, text: str, words: frozenset[str]) -> bool:
        """Whether a token is one of ``words``, alone or after a conjunction ("ومن")."""
        text = self.word(text)
        if text in words:
            return True
        return any(text.startswith(c) and text[len(c):] in words for c in self.conjunctions)


def situate(
    doc: Doc,
    mentions: list[EntityMention],
    directions: list[Direction],
    cues: CompassCues,
    places: dict[str, PlaceEntry],
    forces: set[int],
) -> None:
    """Give place mentions the compass bearing the text says of them.

    A compass word before a place, inside its phrase ("في شمال تشاد", "72 km east of
    Marrakesh"), is a bearing of that place from itself: the claim's place lies in (or
    off) that side of it. The place named right before such a phrase, with only link
    words between ("مدينه ابشي، التي تقع في شمال تشاد", "Abeche, in eastern Chad"), lies
    on that side of the reference when the gazetteer puts it inside the reference;
    a different reference says nothing about it. A compass word before "the country"
    ("شرقي البلاد") takes the country of the place before it, or stays unresolved.
    A compass word after a blocker ("من شمال البلاد": an origin; "بين شمال البلاد
    وجنوبها": a route) or a force noun ("قوات شرق ليبيا": a force's name) situates nothing.
    """
    by_end = {m.tok_end: m for m in mentions}
    for d in directions:
        if _blocked(doc, d, cues, forces):
            continue
        target = next(
            (
                m
                for m in mentions
                if m.kind == "place"
                and not m.anaphor
                and m.phrase_start <= d.tok_start
                and d.tok_end <= m.tok_start
            ),
            None,
        )
        reference: str | None
        if target is not None:
            if target.key is None:
                continue
            reference, end = target.key, target.end
            if target.bearing is None:
                target.bearing = _bearing(doc, d, reference, end, places)
        else:
            noun_end = _country_noun(doc, d.tok_end, cues)
            if noun_end is None:
                continue
            reference, end = None, doc[noun_end - 1].idx + len(doc[noun_end - 1].text)
        subject = _situated(doc, d, by_end, cues)
        if subject is None or subject is target or subject.key is None or subject.bearing:
            continue
        if reference is None:
            reference = _country_of(subject, places)
        elif not subject.lies_in(reference):
            continue  # "X, north of Y" with X not inside Y: not a part of Y
        subject.bearing = _bearing(doc, d, reference, end, places)


def _bearing(
    doc: Doc, d: Direction, reference: str | None, end: int, places: dict[str, PlaceEntry]
) -> BearingMention:
    label = places[reference].label if reference in places else None
    point: CompassPoint = d.point  # type: ignore[assignment]  # checked by the schema
    return BearingMention(point, reference, label, d.start, end, doc_text(doc)[d.start : end])


def _blocked(doc: Doc, d: Direction, cues: CompassCues, forces: set[int]) -> bool:
    i = d.tok_start - 1
    while i >= 0 and cues.word(doc[i].text) in cues.articles:
        i -= 1  # "from the north of"
    return i >= 0 and (cues.is_in(doc[i].text, cues.blockers) or i + 1 in forces)


def _country_noun(doc: Doc, tok: int, cues: CompassCues) -> int | None:
    """The token after "البلاد" / "the country" when one starts at ``tok``."""
    for noun in cues.country_nouns:
        end = tok + len(noun)
        if end <= len(doc) and tuple(cues.word(t.text) for t in doc[tok:end]) == noun:
            return end
    return None


def _situated(
    doc: Doc, d: Direction, by_end: dict[int, EntityMention], cues: CompassCues
) -> EntityMention | None:
    """The place named right before a direction, with only link words between."""
    i = d.tok_start
    while i > 0 and d.tok_start - i <= _SITUATE_GAP:
        m = by_end.get(i)
        if m is not None:
            return m if m.kind == "place" else None
        if not cues.is_in(doc[i - 1].text, cues.links):
            return None
        i -= 1
    return None


def _country_of(m: EntityMention, places: dict[str, PlaceEntry]) -> str | None:
    """The country a place is in (itself when it is one), None when unknown."""
    for key in [m.key, *m.ancestors]:
        if key is not None and key in places and places[key].type == "country":
            return key
    return None


def sentence_index(doc: Doc) -> Callable[[int], int]:
    """The index of the sentence each token lies in."""
    starts = [s.tok_start for s in layers.SENTENCES.get(doc)] or [0]

    def sentence_of(i: int) -> int:
        return bisect_right(starts, i) - 1

    return sentence_of


def compiled_gazetteer() -> Gazetteer:
    """A new compiled gazetteer (its matchers are bound to one vocab by ``build``)."""
    return Gazetteer(load_gazetteer(), load_morphology())


@Language.factory("cc_entities")
def make_entities(nlp: Language, name: str) -> EntitiesComponent:
    gaz = compiled_gazetteer()
    gaz.build(nlp.vocab)
    return EntitiesComponent(gaz)
