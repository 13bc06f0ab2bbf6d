"""Tokenizer tweaks for normalised Arabic news text.

spaCy's Arabic defaults leave a few things glued that the matchers need apart:
a proclitic (و ف ب ل ك, optionally with the article) stuck to a digit, a quote or a
bracket ("ب50", "و(داعش", "بال2025"), a sentence-final period after a quote or a word
("أيام".), and a unit or era letter stuck to a digit ("2025م"). Decimal points inside
numbers ("3.5") are left alone because a suffix only ever matches at the end of a token.

The rules are written for *normalised* text (see ``claims.normalize``), which is what the
pipeline runs on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_prefix_regex, compile_suffix_regex
from spacy.vocab import Vocab

from claims import layers
from claims.lexicon.schemas import MorphologyFile, morphology_lexicon

# Arabic letters after normalisation (hamza .. ya).
_ARABIC = "\u0621-\u064a"
_OPENERS = r"0-9\(\[\"“”«'‘’"

EXTRA_SUFFIXES: tuple[str, ...] = (
    r"\.",
    rf"(?<=[0-9])[{_ARABIC}]+",
)


def extra_prefixes(morph: MorphologyFile) -> tuple[str, ...]:
    """A conjunction and/or preposition, optionally with the article, glued to a digit, a
    quote or a bracket; the article glued to a digit."""
    conj = "".join(re.escape(c) for c in morph.conjunctions)
    prep = "".join(re.escape(p) for p in morph.prepositions)
    art = re.escape(morph.article)
    return (
        rf"(?:[{conj}][{prep}]?|[{prep}])(?:{art})?(?=[{_OPENERS}])",
        rf"{art}(?=[0-9])",
    )


def customize_tokenizer(nlp: Language, morph: MorphologyFile | None = None) -> None:
    """Add the extra prefix/suffix rules to ``nlp``'s tokenizer (idempotent)."""
    extra = extra_prefixes(morph or load_morphology())
    prefixes = list(nlp.Defaults.prefixes or [])
    suffixes = list(nlp.Defaults.suffixes or [])
    prefixes = [*extra, *[p for p in prefixes if p not in extra]]
    suffixes = [*EXTRA_SUFFIXES, *[s for s in suffixes if s not in EXTRA_SUFFIXES]]
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search


# --------------------------------------------------------------------------- clitics
#
# Matching is done on whole tokens. Arabic glues clitics to words, so each lexicon entry
# is expanded once, at build time, into the surface forms it takes in text; matching then
# costs one hash lookup per token (:class:`VariantLexicon`).


def load_morphology() -> MorphologyFile:
    """``lexicon/ar/morphology.yaml`` (its schema is in :mod:`claims.lexicon.schemas`)."""
    return morphology_lexicon()


def without_conjunction(clitic: str, morph: MorphologyFile) -> str:
    """The preposition part of a proclitic ("وب" -> "ب")."""
    return clitic.lstrip("".join(morph.conjunctions))


def starts_with_conjunction(clitic: str, morph: MorphologyFile) -> bool:
    return clitic[:1] in morph.conjunctions


@dataclass(frozen=True)
class Variant:
    """One surface form of a lexicon word: its text and the proclitic it starts with."""

    text: str
    clitic: str = ""


def _with_proclitics(form: str, morph: MorphologyFile, proclitics: list[str]) -> list[Variant]:
    out = [Variant(form)]
    art = morph.article
    for pro in proclitics:
        if form.startswith(art) and pro.endswith(morph.contracting_preposition):
            # ل + ال contracts to لل ("للقوات"): the ل stays with the word, only a
            # conjunction before it ("وللقوات") is split off.
            out.append(Variant(pro + form[1:], pro[:-1]))
        else:
            out.append(Variant(pro + form, pro))
    return out


def noun_variants(
    lemma: str, morph: MorphologyFile, *, definite: bool = True, suffixes: bool = True
) -> list[Variant]:
    """Surface forms of a noun (or name) with article, pronoun suffixes and proclitics."""
    art = morph.article
    bases = [lemma]
    if definite and not lemma.startswith(art):
        bases.append(art + lemma)
    if not lemma.startswith(art) and lemma[-1:] not in morph.accusative_not_after:
        bases.append(lemma + morph.accusative_suffix)
    if suffixes and not lemma.startswith(art):
        stem = lemma
        if stem.endswith(morph.ta_marbuta):
            stem = stem[: -len(morph.ta_marbuta)] + morph.ta_before_suffix
        bases.extend(stem + suffix for suffix in morph.pronoun_suffixes)
    out: list[Variant] = []
    for base in bases:
        out.extend(_with_proclitics(base, morph, morph.proclitics))
    return out


def verb_variants(
    form: str, morph: MorphologyFile, *, object_suffixes: bool = True
) -> list[Variant]:
    """Surface forms of one conjugated verb: conjunctions before, object pronouns after."""
    bases = [form]
    if object_suffixes:
        bases.extend(form + suffix for suffix in morph.pronoun_suffixes)
    out: list[Variant] = []
    for base in bases:
        out.extend(_with_proclitics(base, morph, morph.verb_proclitics))
    return out


def future_forms(present: str, morph: MorphologyFile) -> list[str]:
    """ "سـ" + imperfect ("ينسحب" -> "سينسحب") when the form is an imperfect."""
    if present[:1] in morph.imperfect_prefixes:
        return [morph.future_prefix + present]
    return []


P = TypeVar("P")


@dataclass(frozen=True)
class LexMatch(Generic[P]):
    """A lexicon hit: token range, what the entry says, and the proclitic on its first
    token (so a caller can leave "ب" out of "بالأنبار" when it reports the name)."""

    start: int
    end: int
    payload: P
    clitic: str


class VariantLexicon(Generic[P]):
    """Token sequences -> payloads, matched leftmost-longest on whole tokens.

    The surface forms are the keys of one dict, and an index gives, for each first
    token, the lengths of the forms it starts: matching costs one dict lookup per token,
    and a few more where a form may start. (spaCy's PhraseMatcher finds the same spans,
    but a matcher of 200,000 forms is rebuilt pattern by pattern whenever the pipeline is
    read back from the cache: about a second in every new process.)

    When two entries expand to the same surface form the one with the shorter proclitic
    wins (a word as written beats a clitic reading of another word); equal claims keep
    the first entry and are recorded in ``conflicts`` so a test can show them.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._table: dict[tuple[str, ...], tuple[P, str]] = {}
        # Tens of thousands of forms share a few hundred (payload, clitic) values: one
        # object each keeps the garbage collector from walking them all on every pass.
        self._values: dict[tuple[P, str], tuple[P, str]] = {}
        self.conflicts: list[tuple[tuple[str, ...], str]] = []
        self._lengths: dict[str, tuple[int, ...]] | None = None

    def __len__(self) -> int:
        return len(self._table)

    def add(self, tokens: tuple[str, ...], payload: P, clitic: str = "") -> None:
        if not tokens or any(not t for t in tokens):
            return
        known = self._table.get(tokens)
        if known is not None:
            if known[0] == payload:
                return
            if len(clitic) > len(known[1]):
                return
            if len(clitic) == len(known[1]):
                self.conflicts.append((tokens, f"{known[0]!r} / {payload!r}"))
                return
        self._table[tokens] = self._intern(payload, clitic)

    def _intern(self, payload: P, clitic: str) -> tuple[P, str]:
        value = (payload, clitic)
        return self._values.setdefault(value, value)

    def replace(self, tokens: tuple[str, ...], payload: P, clitic: str = "") -> None:
        """Overwrite an entry (for callers that combine two readings of one word)."""
        self._table[tokens] = self._intern(payload, clitic)

    def build(self, vocab: Vocab | None = None) -> None:
        """Index the forms by their first token (after the last ``add``). ``vocab`` is
        not needed; it is accepted for callers that build every component alike."""
        self._lengths = length_index(self._table)

    def lookup(self, tokens: tuple[str, ...]) -> tuple[P, str] | None:
        return self._table.get(tokens)

    def __call__(self, doc: Doc) -> list[LexMatch[P]]:
        """All hits, leftmost-longest, none overlapping."""
        if self._lengths is None:
            raise RuntimeError(f"lexicon {self.name} used before build()")
        return [
            LexMatch(start, end, found[0], found[1])
            for start, end, found in longest_matches(token_words(doc), self._table, self._lengths)
        ]


K = TypeVar("K")


def length_index(table: Iterable[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    """First token -> the lengths of the keys it starts, longest first."""
    lengths: dict[str, set[int]] = {}
    for key in table:
        lengths.setdefault(key[0], set()).add(len(key))
    return {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}


def longest_matches(
    words: Sequence[str], table: Mapping[tuple[str, ...], K], lengths: Mapping[str, tuple[int, ...]]
) -> Iterator[tuple[int, int, K]]:
    """(start, end, value) of the keys of ``table`` found in ``words``, leftmost-longest:
    at each position the longest key that starts there, then on after it."""
    count = len(words)
    i = 0
    while i < count:
        step = 1
        for length in lengths.get(words[i], ()):
            if i + length > count:
                continue
            found = table.get(tuple(words[i : i + length]))
            if found is not None:
                yield i, i + length, found
                step = length
                break
        i += step


def seed_text(doc: Doc, text: str) -> None:
    """Give :func:`doc_text` the string the doc was made from (it is ``doc.text``)."""
    layers.TEXT.set(doc, text)


def doc_text(doc: Doc) -> str:
    """``doc.text``, computed once: spaCy rebuilds the string from tokens on every access."""
    cached = layers.TEXT.find(doc)
    if not isinstance(cached, str):
        cached = doc.text
        layers.TEXT.set(doc, cached)
    return cached


def token_words(doc: Doc) -> list[str]:
    """The text of every token (whitespace tokens included), read once per doc."""
    cached = layers.WORDS.find(doc)
    if isinstance(cached, list):
        return cached
    text = doc_text(doc)
    table = token_table(doc)
    words = [text[a:b] for a, b in zip(table.idx, table.end, strict=True)]
    layers.WORDS.set(doc, words)
    return words


@dataclass(frozen=True)
class TokenTable:
    """Per-token columns read once from the doc's arrays, so components never loop over
    Token objects (each access builds a Python object)."""

    idx: list[int]
    end: list[int]
    space: list[bool]
    punct: list[bool]

    def first_last(
        self, a: int, b: int, *, skip_punct_first: bool = False
    ) -> tuple[int, int] | None:
        """Character extent of tokens a..b without surrounding whitespace tokens."""
        i, j = a, b - 1
        while i <= j and (self.space[i] or (skip_punct_first and i == a and self.punct[i])):
            i += 1
        while j >= i and self.space[j]:
            j -= 1
        if i > j:
            return None
        return self.idx[i], self.end[j]


def token_table(doc: Doc) -> TokenTable:
    cached = layers.TOKENS.find(doc)
    if isinstance(cached, TokenTable):
        return cached
    if len(doc) == 0:
        table = TokenTable([], [], [], [])
    else:
        arr = doc.to_array(["IDX", "LENGTH", "IS_SPACE", "IS_PUNCT"]).tolist()
        idx = [row[0] for row in arr]
        table = TokenTable(
            idx=idx,
            end=[row[0] + row[1] for row in arr],
            space=[bool(row[2]) for row in arr],
            punct=[bool(row[3]) for row in arr],
        )
    layers.TOKENS.set(doc, table)
    return table
