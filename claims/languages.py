"""The languages with an extraction pipeline, and telling the language of a text.

Kept apart from :mod:`claims.pipeline` so that ingestion can decide which articles it can
read without loading spaCy. The list is data (``lexicon/languages.yaml``); a test checks
that every language listed there has a pipeline.

:func:`detect_language` asks py3langid (its model ships inside the wheel, nothing is
downloaded), adds up the probabilities of the detector labels of one language (the
detector tells Egyptian and Moroccan Arabic apart from Modern Standard Arabic) and refuses
to answer below ``min_confidence`` or ``min_letters``: a text too short or too mixed to
tell is not read with a guessed language, unless it has letters of the script of a
language listed in ``script_fallback`` (a short text with Arabic letters, or one without
letters, is read as Arabic).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from claims.lexicon.schemas import LanguagesFile, languages_file

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier


@dataclass(frozen=True)
class Detection:
    """What the detector says about a text: the language (None when it cannot tell), the
    probability of its best guess and that guess."""

    language: str | None
    confidence: float
    best_guess: str
    by_script: bool = False  # the detector could not tell; the script did


def supported_languages() -> dict[str, str]:
    """Code -> English name of every language with a pipeline, in the file's order."""
    return {entry.code: entry.name for entry in languages_file().languages}


def is_supported(code: str) -> bool:
    return code in supported_languages()


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def _label_map() -> dict[str, str]:
    data: LanguagesFile = languages_file()
    return {label: entry.code for entry in data.languages for label in entry.detector_labels}


def detect_language(text: str) -> Detection:
    """The language of ``text`` by its probability summed over the detector's labels of
    each language; ``language`` is None when the best one falls below the threshold."""
    labels = _label_map()
    totals: dict[str, float] = {}
    for label, probability in _identifier().rank(text):
        code = labels.get(label, label)
        totals[code] = totals.get(code, 0.0) + float(probability)
    best, confidence = max(totals.items(), key=lambda item: item[1])
    data = languages_file()
    letters = sum(1 for ch in text if ch.isalpha())
    if confidence >= data.min_confidence and letters >= data.min_letters:
        return Detection(best, round(confidence, 4), best)
    scripts = _scripts(text)
    for code in data.script_fallback:
        entry = next(e for e in data.languages if e.code == code)
        # Its script among the letters (Arabic copy carries Latin names and codes, English
        # copy no Arabic letters), or no letters at all (figures, punctuation).
        if entry.script in scripts or not scripts:
            return Detection(entry.code, round(confidence, 4), best, by_script=True)
    return Detection(None, round(confidence, 4), best)


def _scripts(text: str) -> set[str]:
    """The scripts of the letters of ``text`` (the first word of their Unicode names)."""
    return {unicodedata.name(ch, "?").split(" ")[0] for ch in text if ch.isalpha()}
