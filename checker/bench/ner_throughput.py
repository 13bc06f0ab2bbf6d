"""Benchmark: extraction throughput with the statistical NER off, gated and on whole docs.

Three pipelines extract claims from the same articles (by default the seed articles, read
as ``claimcheck eval --articles seeds`` reads them), in one process:

- ``rule-only``: the default pipeline (``CLAIMCHECK_PIPELINE_USE_NER`` unset);
- ``NER gated``: with ``cc_ner``, which runs the model only on sentences with an event
  trigger candidate and no place the gazetteer resolved (what ``USE_NER=1`` builds);
- ``NER whole doc``: the same pipeline with the gate off (the model reads every doc whole).

The NER model is loaded once (``claims.ner.load_model``) and shared by both NER pipelines.
After one warm-up pass each, the pipelines take turns, one pass over all articles at a
time, so that load from other processes on the machine falls on all three alike.
Throughput is articles per second over all timed passes. The script also counts the
sentences the gate keeps and checks whether each NER pipeline gives the same claims as the
rule-only one.

Run from the repository root::

    python -m checker.bench.ner_throughput [--passes 50] [--write docs/benchmarks.md]
"""

from __future__ import annotations

import os

# One thread for the model's matrix maths, as in the rest of the measurements (set before
# numpy is imported; an explicit setting in the environment wins).
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

from spacy.language import Language  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

from checker.bench import markdown  # noqa: E402
from checker.ingest import read_drop  # noqa: E402
from claims import ner  # noqa: E402
from claims.assemble import Assembler  # noqa: E402
from claims.model import Article  # noqa: E402
from claims.normalize import normalize_with_map  # noqa: E402
from claims.pipeline import PipelineSettings, build_pipeline, claims_with  # noqa: E402
from claims.tokenizer import seed_text  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SECTION = "## NER in extraction"
# Sections another benchmark rewrites: ours goes before it.
BEFORE = "## Batch benchmark"


@dataclass
class Timing:
    name: str
    nlp: Language
    passes: list[float] = field(default_factory=list)

    def articles_per_second(self, n_articles: int) -> float:
        return n_articles * len(self.passes) / sum(self.passes)


@dataclass
class Result:
    articles: int
    characters: int
    passes: int
    timings: list[Timing]
    sentences: int
    sentences_selected: int
    characters_selected: int
    characters_normalised: int
    ner_mentions: dict[str, int]
    same_claims: dict[str, int]
    model_loads: int
    when: dt.datetime
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def _claims_json(nlp: Language, assembler: Assembler, article: Article) -> list[str]:
    return [c.model_dump_json() for c in claims_with(nlp, assembler, article)]


def _doc(nlp: Language, article: Article, stop_before: str | None = None) -> Doc:
    """The processed doc, as :func:`claims.pipeline.claims_with` makes it (which returns
    only the claims), optionally stopped before one component."""
    norm = normalize_with_map(article.text)
    doc = nlp.make_doc(norm.text)
    doc.user_data["published"] = article.published
    seed_text(doc, norm.text)
    for name, component in nlp.pipeline:
        if name == stop_before:
            break
        doc = component(doc)
    return doc


def _ner_mentions(nlp: Language, articles: list[Article]) -> int:
    """NER names that reached the entity layer, over all articles."""
    return sum(
        1
        for article in articles
        for m in _doc(nlp, article).user_data.get("cc_entities", [])
        if m.source == "ner"
    )


def run_benchmark(articles: list[Article], passes: int) -> Result:
    load_before = os.getloadavg()
    loads = 0
    real_load = ner._load

    def counting_load() -> ner.NerModel:
        nonlocal loads
        loads += 1
        return real_load()

    ner._load = counting_load
    try:
        rule = build_pipeline(PipelineSettings(use_ner=False))
        gated = build_pipeline(PipelineSettings(use_ner=True))
        whole = build_pipeline(PipelineSettings(use_ner=True))
        component = whole.get_pipe("cc_ner")
        assert isinstance(component, ner.NamedEntityComponent)
        component.gated = False
        assembler = Assembler()
        timings = [
            Timing("rule-only", rule),
            Timing("NER gated", gated),
            Timing("NER whole doc", whole),
        ]
        reference = {a.name: _claims_json(rule, assembler, a) for a in articles}  # warm-up
        same: dict[str, int] = {}
        for t in timings[1:]:
            same[t.name] = sum(
                _claims_json(t.nlp, assembler, a) == reference[a.name] for a in articles
            )
        for _ in range(passes):
            for t in timings:
                start = time.perf_counter()
                for article in articles:
                    claims_with(t.nlp, assembler, article)
                t.passes.append(time.perf_counter() - start)
        gate = gated.get_pipe("cc_ner")
        assert isinstance(gate, ner.NamedEntityComponent)
        sentences = selected = selected_chars = normalised_chars = 0
        for article in articles:
            doc = _doc(gated, article, stop_before="cc_ner")
            sentences += len(doc.user_data["cc_sentences"])
            kept = gate.selected_sentences(doc)
            selected += len(kept)
            selected_chars += sum(s.end - s.start for s in kept)
            normalised_chars += len(doc.user_data["cc_text"])
        mentions = {t.name: _ner_mentions(t.nlp, articles) for t in timings[1:]}
    finally:
        ner._load = real_load
    return Result(
        articles=len(articles),
        characters=sum(len(a.text) for a in articles),
        passes=passes,
        timings=timings,
        sentences=sentences,
        sentences_selected=selected,
        characters_selected=selected_chars,
        characters_normalised=normalised_chars,
        ner_mentions=mentions,
        same_claims=same,
        model_loads=loads,
        when=dt.datetime.now(dt.UTC),
        load_before=load_before,
        load_after=os.getloadavg(),
    )


def render_markdown(result: Result, command: str) -> str:
    n = result.articles
    rule = result.timings[0].articles_per_second(n)
    lines = [
        SECTION,
        "",
        f"Measured {result.when:%Y-%m-%d %H:%M} UTC with `{command}` on {os.cpu_count()} cores "
        f"(Python {platform.python_version()}, one BLAS thread); load average "
        f"{_load(result.load_before)} at the start and {_load(result.load_after)} at the end "
        "(the machine was shared with other work). "
        f"{n} articles ({result.characters:,} characters), {result.passes} timed passes over "
        "all of them per pipeline after one warm-up pass, the pipelines taking turns pass by "
        f"pass. The NER model was loaded {result.model_loads} time(s) for the whole run.",
        "",
        "| pipeline | articles/s | vs rule-only | ms per pass, median | vs rule-only, "
        "medians | NER names added | articles with the same claims as rule-only |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    rule_median = statistics.median(result.timings[0].passes)
    for t in result.timings:
        aps = t.articles_per_second(n)
        median = statistics.median(t.passes)
        added = result.ner_mentions.get(t.name)
        same = result.same_claims.get(t.name)
        lines.append(
            f"| {t.name} | {aps:,.1f} | {aps / rule:.2f}x | {median * 1000:,.1f} | "
            f"{rule_median / median:.2f}x | {'-' if added is None else added} | "
            f"{'-' if same is None else f'{same}/{n}'} |"
        )
    gated = result.timings[1].articles_per_second(n)
    whole = result.timings[2].articles_per_second(n)
    target = "met" if gated >= rule / 2 else "**not met**"
    lines += [
        "",
        f"The gate kept {result.sentences_selected} of {result.sentences} sentences "
        "(those with an event trigger candidate and no place the gazetteer resolved), "
        f"{result.characters_selected:,} of the {result.characters_normalised:,} characters "
        "of normalised text. "
        f"Gated NER runs at {gated / rule:.2f}x the rule-only throughput (target: no worse "
        f"than 0.5x, {target}); the model on whole docs runs at {whole / rule:.2f}x.",
        "",
    ]
    return "\n".join(lines)


def _load(values: tuple[float, float, float]) -> str:
    return "[" + ", ".join(f"{v:.2f}" for v in values) + "]"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=Path, default=ROOT / "seeds", help="drop to read")
    parser.add_argument("--passes", type=int, default=50, help="timed passes per pipeline")
    parser.add_argument("--write", type=Path, help="Markdown file to put the section in")
    args = parser.parse_args(argv)
    articles = list(read_drop(args.articles).articles)
    if not articles:
        parser.error(f"no articles in {args.articles}")
    result = run_benchmark(articles, args.passes)
    command = "python -m checker.bench.ner_throughput"
    if args.passes != 50:
        command += f" --passes {args.passes}"
    section = render_markdown(result, command)
    print(section)
    if args.write:
        markdown.write_section(args.write, SECTION, section, before=BEFORE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
