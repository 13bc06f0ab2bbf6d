"""The Arabic proclitics of ``lexicon/ar/morphology.yaml`` as the taggers use them.

The lexicon expansion (:mod:`claims.tokenizer`) makes surface forms from the morphology
file; the time, number and quantity taggers match with regexes instead, and take their
clitic clusters and character classes from here, so the clitics are written once, in the
data file. Which clusters a pattern accepts is the pattern's choice (grammar, in the
tagger); which letters make up a cluster is the file's.

- conjunctions (و ف) may be glued to any word;
- the temporal prepositions are the prepositions that can be glued to a date, a time word
  or a count: all but the comparative one (ك, "like");
- a preposition that contracts with the article (ل + ال -> لل) never stands bare before
  it: before a definite word the taggers accept the other prepositions bare and the
  contracted article ("للعام").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from claims.lexicon.schemas import MorphologyFile, morphology_lexicon


@dataclass(frozen=True)
class Clitics:
    """The clitics of the morphology file, in the groups the taggers need."""

    conjunctions: tuple[str, ...]  # و ف
    coordinator: str  # و: "and", which joins names and amounts
    prepositions: tuple[str, ...]  # ب ل ك
    temporal: tuple[str, ...]  # ب ل: prepositions glued to a date, a time word or a count
    plain: tuple[str, ...]  # ب: temporal prepositions that keep the article
    keeping_article: tuple[str, ...]  # ب ك: prepositions that keep the article ("بال")
    contracting: str  # ل
    article: str  # ال
    contracted: str  # لل: the contracting preposition on the article
    proclitics: tuple[str, ...]  # every proclitic of the file, longest first

    def definite(self, proclitics: Iterable[str]) -> list[str]:
        """The article after each proclitic ("" for none), contracted where the
        preposition merges with it: "ال", "وال", "بال", "لل", "ولل"."""
        out = []
        for pro in proclitics:
            if pro.endswith(self.contracting):
                out.append(pro[: -len(self.contracting)] + self.contracted)
            else:
                out.append(pro + self.article)
        return out

    def with_contracted(self, forms: Iterable[str]) -> list[str]:
        """Forms with the article, plus their shape after the contracting preposition
        ("العام" -> "للعام")."""
        out = list(forms)
        out += [self.contracted + f[len(self.article) :] for f in out if f.startswith(self.article)]
        return out


def one_of(letters: Iterable[str]) -> str:
    """A regex matching one of ``letters``: the letter itself, or a character class."""
    chosen = [re.escape(letter) for letter in letters]
    return chosen[0] if len(chosen) == 1 else "[" + "".join(chosen) + "]"


def clusters(first: Iterable[str], second: Iterable[str]) -> list[str]:
    """Every cluster of an optional first part and an optional second one ("" included):
    for the conjunctions and the temporal prepositions, "", و, ف, ب, ل, وب, ول, فب, فل."""
    firsts, seconds = list(first), list(second)
    return ["", *firsts, *seconds, *(f + s for f in firsts for s in seconds)]


def from_morphology(morph: MorphologyFile) -> Clitics:
    temporal = tuple(p for p in morph.prepositions if p != morph.comparative_preposition)
    return Clitics(
        conjunctions=tuple(morph.conjunctions),
        coordinator=morph.coordinating_conjunction,
        prepositions=tuple(morph.prepositions),
        temporal=temporal,
        plain=tuple(p for p in temporal if p != morph.contracting_preposition),
        keeping_article=tuple(
            p for p in morph.prepositions if p != morph.contracting_preposition
        ),
        contracting=morph.contracting_preposition,
        article=morph.article,
        contracted=morph.contracting_preposition + morph.article[1:],
        proclitics=tuple(sorted(morph.proclitics, key=len, reverse=True)),
    )


@cache
def clitics() -> Clitics:
    """The clitics of ``lexicon/ar/morphology.yaml``."""
    return from_morphology(morphology_lexicon())
