"""The document layers: each declared once (claims.layers), and every unit's contract says
what it really reads and writes, so the build-time check of the pipeline can be trusted."""

from __future__ import annotations

from typing import Any

import pytest
from spacy.tokens import Doc

from claims import layers
from claims.layers import Contract, DocLayer, Layer, SpanLayer
from claims.model import Article
from claims.pipeline import _shared, language_pipeline
from claims.tokenizer import seed_text

TEXTS = {
    "ar": (
        "بغداد - 12 يناير 2025\n"
        "أعلنت وزارة الدفاع العراقية أن القوات الأمريكية انسحبت من قاعدة عين الأسد أمس، "
        "ونقلت أكثر من 50 آلية إلى أربيل، ولم يسقط ضحايا."
    ),
    "en": (
        "BAGHDAD, Jan 12, 2025 -\n"
        "US troops withdrew from Ain al-Asad air base on Saturday, the Iraqi defence ministry "
        "said, moving more than 50 vehicles to Erbil. No one was killed."
    ),
}
# Filled on first use by whoever needs them, never part of a contract.
CACHES = {layer.key for layer in layers.CACHE_LAYERS}


class _Recording(dict[str, Any]):
    """``doc.user_data`` that notes which keys a component reads and writes."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.read: set[str] = set()
        self.written: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.read.add(key)
        return super().__contains__(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.written.add(key)
        super().__setitem__(key, value)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self.read.add(key)
        if not super().__contains__(key):
            self.written.add(key)
        return super().setdefault(key, default)


def _keys(found: tuple[DocLayer, ...], kind: type[DocLayer]) -> set[str]:
    return {layer.key for layer in found if isinstance(layer, kind)}


def _check(name: str, contract: Contract, doc: Doc, before: dict[str, object]) -> None:
    data = doc.user_data
    assert isinstance(data, _Recording)
    declared_reads = _keys(contract.reads + contract.reads_if_present + contract.writes, Layer)
    assert data.read - CACHES <= declared_reads, f"{name} reads undeclared layers"
    assert data.written - CACHES <= _keys(contract.writes, Layer), f"{name} writes undeclared"
    changed = {key for key, group in doc.spans.items() if before.get(key) is not group}
    assert changed <= _keys(contract.writes, SpanLayer), f"{name} writes undeclared spans"


@pytest.mark.parametrize("language", ["ar", "en"])
def test_every_unit_reads_and_writes_only_the_layers_its_contract_declares(
    language: str,
) -> None:
    nlp, assembler = _shared(language)
    spec = language_pipeline(language)
    units = {u.name: u for u in spec.units}
    norm = spec.normalize(TEXTS[language])
    doc = nlp.make_doc(norm.text)
    layers.PUBLISHED.set(doc, None)  # the dateline gives the reference date
    seed_text(doc, norm.text)
    for name, component in nlp.pipeline:
        doc.user_data = _Recording(doc.user_data)
        before = dict(doc.spans.items())
        doc = component(doc)
        _check(name, units[name].contract, doc, before)
    doc.user_data = _Recording(doc.user_data)
    claims = assembler.claims(doc, Article.from_text("a", TEXTS[language]), norm)
    _check("assemble", units["assemble"].contract, doc, dict(doc.spans.items()))
    assert claims and layers.REFERENCE_DATE.get(doc) is not None  # every unit had work


def test_a_layer_gives_its_declared_empty_value_until_a_component_sets_it() -> None:
    nlp, _ = _shared("ar")
    doc = nlp.make_doc("نص")
    assert layers.TRIGGERS.get(doc) == [] and layers.TRIGGERS.find(doc) is None
    assert layers.QUANTITY_LINKS.get(doc) == {} and layers.DATELINE.get(doc) is None
    assert layers.QUANTITY_SPANS.spans(doc) == [] and not layers.QUANTITY_SPANS.has(doc)
    links = layers.QUANTITY_LINKS.setdefault(doc, {})
    links[0] = 1
    assert layers.QUANTITY_LINKS.get(doc) == {0: 1}


def test_every_layer_has_its_own_key() -> None:
    declared = [v for v in vars(layers).values() if isinstance(v, DocLayer)]
    user_data = [v.key for v in declared if isinstance(v, Layer)]
    spans = [v.key for v in declared if isinstance(v, SpanLayer)]
    assert len(user_data) == len(set(user_data)) and len(spans) == len(set(spans))


@pytest.mark.parametrize("language", ["ar", "en"])
def test_each_unit_names_the_class_that_runs_it(language: str) -> None:
    """The contract checked at build time is the one of the component that runs."""
    nlp, assembler = _shared(language)
    for unit in language_pipeline(language).units:
        if unit.factory and unit.name not in nlp.pipe_names:
            continue  # the optional NER, off
        runner = nlp.get_pipe(unit.name) if unit.factory else assembler
        assert f"{type(runner).__module__}:{type(runner).__name__}" == unit.component
        assert type(runner).contract is unit.contract  # type: ignore[attr-defined]
