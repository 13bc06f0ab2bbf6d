"""Article -> claims: the spaCy pipeline and the function the rest of claimcheck calls.

The pipeline is ``spacy.blank("ar")`` with the tokenizer tweaks of
:mod:`claims.tokenizer` and rule components fed from data files:

=================  ==========================  =============================================
component          module                      gives
=================  ==========================  =============================================
cc_sentences       claims.sentences            sentences, lines, paragraphs, headline
cc_times           claims.time                 time expressions (TimeValue)
cc_quantities      claims.quantity             amounts with units (Quantity)
cc_entities        claims.entities             places and actors
cc_ner (optional)  claims.ner                  names no gazetteer lists (doc.spans["ner"]),
                                               added to the places and actors
cc_context         claims.context              the date the text gives for itself, when the
                                               article has no publication date
cc_attribution     claims.attribution          sources and modality cues
cc_events          claims.events               triggers, phase cues, role words
cc_clauses         claims.sentences            clauses
(assembly)         claims.assemble             one Claim per event mention
=================  ==========================  =============================================

Each component declares its contract (:class:`claims.layers.Contract`): the claim fields
it fills and the document layers (:mod:`claims.layers`) it reads and writes;
:func:`check_pipeline` verifies, when the pipeline is built, that every Claim field has a
provider and every layer a unit reads is written by an earlier unit, and reports all
problems at once. The extraction settings are one class (:mod:`claims.settings`);
:func:`settings_fingerprint` digests them.

``cc_ner`` (on with ``CLAIMCHECK_PIPELINE_USE_NER=1``) comes after ``cc_entities`` so that
it runs the model only on sentences with a trigger candidate and no place the gazetteer
resolved, and before the attribution and event taggers, which read the entities. The
time and quantity taggers are optional at build time: without them the pipeline still
runs and leaves ``time``/``quantity`` empty (reported as warnings).

Each article is read by the pipeline of its language (``Article.language``): Arabic as
above, English with ``spacy.blank("en")`` and the units of :mod:`claims.en`, which register
their components under the same names for English only and leave the same layers on the
doc, so the same assembler turns both into language-neutral claims (``EN_UNITS``; see
docs/languages.md). An article in a language without a pipeline raises
:class:`UnsupportedLanguageError`; ingestion rejects such articles before they get here.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from claims import layers, resources
from claims.assemble import Assembler
from claims.context import ReferenceDate
from claims.en import events as en_events
from claims.en import normalize as en_normalize
from claims.languages import supported_languages
from claims.layers import Contract, DocLayer
from claims.model import Article, Claim
from claims.normalize import Normalized, normalize_with_map
from claims.settings import PipelineSettings, extraction_settings
from claims.tokenizer import customize_tokenizer, seed_text

log = logging.getLogger(__name__)


class UnsupportedLanguageError(ValueError):
    """No extraction pipeline for the article's language."""

    def __init__(self, language: str) -> None:
        self.language = language
        names = ", ".join(f"{name} ({code})" for code, name in supported_languages().items())
        super().__init__(f"no claim pipeline for language {language!r}; there are: {names}")


class PipelineError(RuntimeError):
    """The pipeline cannot be built: every problem found, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "claim pipeline is incomplete:\n" + "\n".join(f"  - {p}" for p in problems)
        )


@dataclass(frozen=True)
class Unit:
    """One step of the extraction: its name (the spaCy component's), the class that does it
    (``"module:Class"``; the assembly is no spaCy component), and whether the pipeline can
    do without it. The class declares the unit's contract (:class:`claims.layers.Contract`),
    read when the pipeline is checked; a unit made up for a test may give its own."""

    name: str
    component: str
    optional: bool = False
    factory: bool = True  # a spaCy component (False: a plain function after the doc)
    declared: Contract | None = None

    @property
    def module(self) -> str:
        return self.component.partition(":")[0]

    @property
    def contract(self) -> Contract:
        if self.declared is not None:
            return self.declared
        module, _, name = self.component.partition(":")
        found = getattr(getattr(importlib.import_module(module), name), "contract", None)
        if not isinstance(found, Contract):
            raise TypeError(f"{self.component} declares no contract")
        return found


# What the pipeline itself puts on the doc before the first component (see _run).
GIVEN: tuple[DocLayer, ...] = (layers.PUBLISHED, layers.TEXT)

UNITS: tuple[Unit, ...] = (
    Unit("cc_sentences", "claims.sentences:SentencesComponent"),
    Unit("cc_times", "claims.time:TimesComponent", optional=True),
    Unit("cc_quantities", "claims.quantity:QuantitiesComponent", optional=True),
    Unit("cc_entities", "claims.entities:EntitiesComponent"),
    # After cc_entities: it runs the model only where the gazetteer resolved no place, and
    # adds its names to the entities before attribution and events read them.
    Unit("cc_ner", "claims.ner:NamedEntityComponent", optional=True),
    # After the entities (a dateline names the place of writing) and the times: without a
    # publication date it reads the date of writing from the text and re-anchors the times.
    Unit("cc_context", "claims.context:ContextComponent"),
    Unit("cc_attribution", "claims.attribution:AttributionComponent"),
    Unit("cc_events", "claims.events:EventsComponent"),
    Unit("cc_clauses", "claims.sentences:ClausesComponent"),
    Unit("assemble", "claims.assemble:Assembler", factory=False),
)


# The English pipeline: the same units in the same order (no statistical NER), each from
# its English module; the assembly is the Arabic one, fed the English event lexicon.
EN_UNITS: tuple[Unit, ...] = (
    Unit("cc_sentences", "claims.en.sentences:EnglishSentences"),
    Unit("cc_times", "claims.en.time:EnglishTimes", optional=True),
    Unit("cc_quantities", "claims.en.quantity:EnglishQuantities", optional=True),
    Unit("cc_entities", "claims.en.entities:EnglishEntities"),
    Unit("cc_context", "claims.en.context:EnglishContext"),
    Unit("cc_attribution", "claims.en.attribution:EnglishAttribution"),
    Unit("cc_events", "claims.en.events:EnglishEvents"),
    Unit("cc_clauses", "claims.en.sentences:EnglishClauses"),
    Unit("assemble", "claims.assemble:Assembler", factory=False),
)


@dataclass(frozen=True)
class LanguagePipeline:
    """What differs between two languages' extraction: the units and where they come
    from, the tokenizer tweaks, the one normaliser, and the assembler's event lexicon."""

    units: tuple[Unit, ...]
    customize: Callable[[Language], None]
    normalize: Callable[[str], Normalized]
    assembler: Callable[[], Assembler]


def _no_tweaks(nlp: Language) -> None:
    """spaCy's English tokenizer already splits what the English units match."""


LANGUAGES: dict[str, LanguagePipeline] = {
    "ar": LanguagePipeline(UNITS, customize_tokenizer, normalize_with_map, Assembler),
    "en": LanguagePipeline(
        EN_UNITS,
        _no_tweaks,
        en_normalize.normalize_with_map,
        lambda: Assembler(data=en_events.load_english_events()),
    ),
}


def language_pipeline(language: str) -> LanguagePipeline:
    """The pipeline description of ``language``; :class:`UnsupportedLanguageError` when
    there is none."""
    found = LANGUAGES.get(language)
    if found is None or language not in supported_languages():
        raise UnsupportedLanguageError(language)
    return found


def check_pipeline(units: list[Unit], available: dict[str, bool]) -> tuple[list[str], list[str]]:
    """(errors, warnings) for this sequence of units.

    A unit whose module cannot be imported is skipped: an error if it is required, a
    warning if it is optional. Then every Claim field needs a provider among the units
    that run (a missing field is a warning when only an optional unit would provide it),
    and every layer a unit reads must be written by an earlier unit (or given by the
    pipeline itself: the publication date). The layers a unit reads only when present
    are not checked: it does without them (cc_entities reads the names of an NER that ran
    before it; in this pipeline cc_ner runs after it and adds its names itself)."""
    errors: list[str] = []
    warnings: list[str] = []
    running = []
    for unit in units:
        if available.get(unit.name, True):
            running.append(unit)
        elif unit.optional:
            warnings.append(f"{unit.name} ({unit.module}) not available, its fields stay empty")
        else:
            errors.append(f"{unit.name} ({unit.module}) not available")
    written: set[DocLayer] = set(GIVEN)
    for k, unit in enumerate(running):
        later = running[k + 1 :]
        for layer in unit.contract.reads:
            if layer not in written:
                errors.append(f"{unit.name}: needs {_unwritten(unit, layer, later)}")
        written.update(unit.contract.writes)
    provided = set().union(*(u.contract.provides for u in running)) if running else set()
    optional_fields = set().union(*(_provides(u) for u in units if u.optional))
    for name in Claim.model_fields:
        if name in provided:
            continue
        if name in optional_fields:
            warnings.append(
                f"claim field {name!r}: no unit provides it (its optional tagger is missing)"
            )
        else:
            errors.append(f"claim field {name!r}: no unit provides it")
    return errors, warnings


def _provides(unit: Unit) -> frozenset[str]:
    """The claim fields a unit fills; none known when its module cannot be imported."""
    try:
        return unit.contract.provides
    except ImportError:
        return frozenset()


def _unwritten(unit: Unit, layer: DocLayer, later: list[Unit]) -> str:
    """A layer no unit before ``unit`` writes, and who writes it after."""
    writers = [u.name for u in later if layer in u.contract.writes]
    after = f" ({', '.join(writers)} writes it after {unit.name})" if writers else ""
    return f"the layer {layer.describe()}, which no earlier unit writes{after}"


def settings_fingerprint(settings: PipelineSettings | None = None) -> str:
    """A stable digest of the extraction settings (by default this process's, read from
    the environment): every one of them changes what extraction gives, so stored articles
    extracted under other settings are extracted again (``checker.run``)."""
    chosen = settings or extraction_settings()
    return hashlib.sha256(chosen.model_dump_json().encode("utf-8")).hexdigest()[:12]


def _importable(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError as exc:
        log.warning("cannot import %s: %s", module, exc)
        return False
    return True


def build_pipeline(settings: PipelineSettings | None = None, language: str = "ar") -> Language:
    """A new extraction pipeline for ``language``. Raises :class:`PipelineError` listing
    every problem."""
    settings = settings or extraction_settings()
    spec = language_pipeline(language)
    units = [u for u in spec.units if u.name != "cc_ner" or settings.use_ner]
    available = {u.name: _importable(u.module) for u in units}
    if settings.use_ner and available.get("cc_ner"):
        from claims.ner import NerModelMissing, load_model

        try:
            load_model()
        except NerModelMissing as exc:
            log.warning("NER requested but unavailable: %s", exc)
            available["cc_ner"] = False
    errors, warnings = check_pipeline(units, available)
    for w in warnings:
        log.warning("claim pipeline: %s", w)
    if errors:
        raise PipelineError(errors)
    nlp = spacy.blank(language)
    spec.customize(nlp)
    for unit in units:
        if unit.factory and available[unit.name]:
            nlp.add_pipe(unit.name)
    return nlp


_lock = threading.Lock()


def pipeline_cache_key(language: str, root: Path | None = None) -> str:
    """The key of a built pipeline in the on-disk cache: the digest of every file of the
    ``claims`` package (code, lexicons, patterns, models), the language, the versions of
    spaCy, pydantic and Python, and every ``CLAIMCHECK_*`` setting in the environment
    (the taggers read theirs when they are built)."""
    settings = sorted(
        (name, value) for name, value in os.environ.items()
        if name.startswith("CLAIMCHECK_") and name != resources.CACHE_ENV
    )
    return resources.cache_key(
        "pipeline", resources.package_digest(root), language, spacy.__version__, settings
    )


def _build_shared(language: str) -> tuple[Language, Assembler]:
    return build_pipeline(language=language), language_pipeline(language).assembler()


@cache
def _shared(language: str = "ar") -> tuple[Language, Assembler]:
    """The pipeline and assembler of ``language``: built once per process, and kept in
    the on-disk cache (``claims.resources``) for the next process, which reads it back
    (a fraction of the time building it takes). The cache key covers every input of the
    build, so a changed lexicon, pattern or tagger is built anew."""
    with _lock:
        language_pipeline(language)  # UnsupportedLanguageError before any cache lookup
        if resources.cache_dir() is None:
            return _build_shared(language)
        key = pipeline_cache_key(language)
        found = resources.cache_load(f"pipeline-{language}", key)
        if (
            isinstance(found, tuple)
            and len(found) == 2
            and isinstance(found[0], Language)
            and isinstance(found[1], Assembler)
        ):
            return found[0], found[1]
        built = _build_shared(language)
        resources.cache_store(f"pipeline-{language}", key, built)
        return built


def release() -> None:
    """Drop the process-wide pipelines (a process that extracted a large batch and goes
    on with other work gets their memory back); the next use reads them from the cache
    again, or builds them."""
    _shared.cache_clear()


def get_pipeline(language: str = "ar") -> Language:
    """The process-wide pipeline of ``language``, built on first use."""
    return _shared(language)[0]


def extract_claims(article: Article) -> list[Claim]:
    """All claims of one article, by the pipeline of its language. A pure function of the
    article (parallelisable). :class:`UnsupportedLanguageError` for a language without a
    pipeline."""
    nlp, assembler = _shared(article.language)
    return claims_with(nlp, assembler, article)


def _run(nlp: Language, norm: Normalized, published: date | None) -> Doc:
    doc = nlp.make_doc(norm.text)
    # The time tagger anchors relative dates to this (GIVEN to every unit).
    layers.PUBLISHED.set(doc, published)
    # doc.text rebuilds the string from its tokens; the components share this copy.
    seed_text(doc, norm.text)
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


def _normalizer(language: str) -> Callable[[str], Normalized]:
    return language_pipeline(language).normalize


def _outside_title(article: Article, norm: Normalized) -> Normalized | None:
    """The article's title, normalised, when its words are not the start of its text (a
    page title, a Markdown front-matter title); None when the text carries it."""
    title = _normalizer(article.language)(article.title.strip())
    words = title.text.split()
    if not words:
        return None
    head = " ".join(norm.text[: len(title.text) + 400].split())
    return None if " ".join(words) in head else title


def claims_with(nlp: Language, assembler: Assembler, article: Article) -> list[Claim]:
    """The claims of ``article`` from a given pipeline (for tests and other builds).

    A title that is not part of the text is read too, as the lead whose date and place
    carry to the claims of the text; it gives no claims of its own."""
    norm = _normalizer(article.language)(article.text)
    doc = _run(nlp, norm, article.published)
    lead = None
    title = _outside_title(article, norm)
    if title is not None:
        reference = layers.REFERENCE_DATE.find(doc)
        anchor = reference.day if isinstance(reference, ReferenceDate) else article.published
        lead = assembler.lead(_run(nlp, title, anchor), title)
    return assembler.claims(doc, article, norm, lead)
