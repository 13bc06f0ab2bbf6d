"""Benchmark: the Arabic date tagger (claims.time) against dateparser's ``search_dates``.

Both systems read the same texts: the five seed articles (dates labelled by hand in
``checker/bench/seed_dates.yaml``), the sentences of ``tests/data/time_cases.yaml`` (their
expected calendar values) and held-out sentences (``checker/bench/heldout_dates.yaml``).
In texts that state no date, such as "قتل 1400 جندي", every date found is a false positive.
Accuracy is precision and recall of the calendar
values found; speed is texts per second over several repeats.

Matching is lenient towards dateparser, which always returns a full datetime: a found
value matches an expected one when it starts with it ("2025-09-14" matches "2025-09").

Run from the repository root::

    python -m checker.bench.dates_vs_dateparser [--write docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from checker.bench import markdown
from claims.normalize import normalize
from claims.time import find_times

ROOT = Path(__file__).resolve().parents[2]
SEED_LABELS = Path(__file__).with_name("seed_dates.yaml")
TIME_CASES = ROOT / "tests" / "data" / "time_cases.yaml"
HELD_OUT = Path(__file__).with_name("heldout_dates.yaml")
SEEDS = ROOT / "seeds"
SECTION = "## Date tagger vs dateparser"
_CALENDAR_VALUE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


@dataclass(frozen=True)
class Sample:
    group: str
    text: str
    published: dt.date | None
    expected: tuple[str, ...]


@dataclass(frozen=True)
class Tally:
    found: int = 0
    expected: int = 0
    matched: int = 0
    false_on_negatives: int = 0

    def add(self, other: Tally) -> Tally:
        return Tally(
            self.found + other.found,
            self.expected + other.expected,
            self.matched + other.matched,
            self.false_on_negatives + other.false_on_negatives,
        )

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Result:
    samples: list[Sample]
    tallies: dict[tuple[str, str], Tally]  # (system, group) -> counts
    seconds: dict[str, float]  # system -> seconds for one pass over all texts
    repeats: dict[str, int]


GROUPS = ("seeds", "test sentences", "held-out")
TAGGER, TAGGER_ONLY, DATEPARSER = "find_times", "find_times (text already normalised)", "dateparser"


def load_samples() -> list[Sample]:
    """The seed articles, the time test sentences and the held-out sentences."""
    samples: list[Sample] = []
    labels: dict[str, list[str]] = yaml.safe_load(SEED_LABELS.read_text(encoding="utf-8"))
    for name, values in sorted(labels.items()):
        text = (SEEDS / name).read_text(encoding="utf-8")
        samples.append(Sample("seeds", text, None, tuple(values)))
    for case in yaml.safe_load(TIME_CASES.read_text(encoding="utf-8")):
        stated = tuple(_calendar(e["value"]) for e in case["expect"] if _calendar(e["value"]))
        samples.append(Sample("test sentences", case["text"], _day(case["published"]), stated))
    for case in yaml.safe_load(HELD_OUT.read_text(encoding="utf-8")):
        samples.append(
            Sample("held-out", case["text"], _day(case["published"]), tuple(case["expected"]))
        )
    return samples


def _day(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _calendar(value: str | None) -> str:
    """A TIMEX value as a calendar value: "2026-Q1" and "2019-SU" name parts of a year and
    count at year precision; "XXXX-09" (no year) has none."""
    if not value:
        return ""
    if _CALENDAR_VALUE.match(value):
        return value
    return value[:4] if re.match(r"^\d{4}-[A-Z]", value) else ""


def tagger_values(sample: Sample) -> list[str]:
    return _tagged(normalize(sample.text), sample.published)


def _tagged(text: str, published: dt.date | None) -> list[str]:
    values = (_calendar(v.value) for v in find_times(text, published))
    return [v for v in values if v]


def dateparser_values(sample: Sample) -> list[str]:
    from dateparser.search import search_dates

    settings: dict[str, object] = {}
    if sample.published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(sample.published, dt.time())
    found = search_dates(sample.text, languages=["ar"], settings=settings) or []
    return [when.date().isoformat() for _, when in found]


def match_count(found: Sequence[str], expected: Sequence[str]) -> int:
    """How many found values match a distinct expected value (prefix match, greedy,
    most precise expected value first)."""
    left = sorted(expected, key=len, reverse=True)
    matched = 0
    for value in found:
        for i, want in enumerate(left):
            if value.startswith(want):
                matched += 1
                del left[i]
                break
    return matched


def _tally(values: list[str], sample: Sample) -> Tally:
    return Tally(
        len(values),
        len(sample.expected),
        match_count(values, sample.expected),
        0 if sample.expected else len(values),
    )


def _time(run: Callable[[], object], repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        run()
    return (time.perf_counter() - start) / repeats


def run_benchmark(repeats: int = 5) -> Result:
    samples = load_samples()
    for sample in samples[:3]:  # warm up: compile patterns, load dateparser's language data
        tagger_values(sample)
        dateparser_values(sample)
    tallies: dict[tuple[str, str], Tally] = {}
    for system, extract in ((TAGGER, tagger_values), (DATEPARSER, dateparser_values)):
        for sample in samples:
            key = (system, sample.group)
            tallies[key] = tallies.get(key, Tally()).add(_tally(extract(sample), sample))
    normalised = [(normalize(s.text), s.published) for s in samples]
    runs: dict[str, Callable[[], object]] = {
        TAGGER: lambda: [tagger_values(s) for s in samples],
        TAGGER_ONLY: lambda: [_tagged(t, p) for t, p in normalised],
        DATEPARSER: lambda: [dateparser_values(s) for s in samples],
    }
    fast = 20
    totals = dict.fromkeys(runs, 0.0)
    # Interleaved rounds, so that load from other processes falls on every system alike.
    for _ in range(repeats):
        for system, run in runs.items():
            totals[system] += _time(run, 1 if system == DATEPARSER else fast)
    seconds = {system: total / repeats for system, total in totals.items()}
    counts = {TAGGER: repeats * fast, TAGGER_ONLY: repeats * fast, DATEPARSER: repeats}
    return Result(samples, tallies, seconds, counts)


def render_markdown(result: Result) -> str:
    import dateparser

    count = {g: sum(1 for s in result.samples if s.group == g) for g in GROUPS}
    negatives = sum(1 for s in result.samples if not s.expected)
    n = len(result.samples)
    lines = [
        SECTION,
        "",
        "Measured with `python -m checker.bench.dates_vs_dateparser` on "
        f"{n} texts: the {count['seeds']} seed articles (dates labelled by hand in "
        "`checker/bench/seed_dates.yaml`), the "
        f"{count['test sentences']} sentences of `tests/data/time_cases.yaml` and "
        f"{count['held-out']} held-out sentences (`checker/bench/heldout_dates.yaml`, written "
        "and labelled after the tagger and not used to tune it). "
        f'{negatives} texts state no calendar date (counts such as "1400 جندي", relative '
        "times without a publication date): every date found in them is a false positive. A "
        "found value matches an expected one when it starts with it, which favours dateparser "
        '(it always returns a full date: "2025-09-14" matches "2025-09"). dateparser '
        f'{dateparser.__version__} with `languages=["ar"]` and `RELATIVE_BASE` = the '
        f"publication date when known; Python {platform.python_version()}, one process on a "
        "shared 2-core machine.",
        "",
        "The test sentences were written together with the tagger, so its score on them (and "
        "on the seeds, which it was developed next to) is optimistic; the held-out row is the "
        "fairer estimate.",
        "",
        "| system | texts | found | expected | matched | precision | recall | F1 |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for system in (TAGGER, DATEPARSER):
        total = Tally()
        for group in GROUPS:
            t = result.tallies.get((system, group), Tally())
            total = total.add(t)
            lines.append(_row(system, group, t))
        lines.append(_row(system, "**all**", total))
    ours = n / result.seconds[TAGGER]
    bare = n / result.seconds[TAGGER_ONLY]
    theirs = n / result.seconds[DATEPARSER]
    wrong = {
        system: sum(result.tallies[(system, g)].false_on_negatives for g in GROUPS)
        for system in (TAGGER, DATEPARSER)
    }
    lines += [
        "",
        "| system | texts/s | ms for all texts | passes timed |",
        "|---|---:|---:|---:|",
        f"| `claims.time.find_times`, normalisation included | {ours:,.0f} | "
        f"{result.seconds[TAGGER] * 1000:.1f} | {result.repeats[TAGGER]} |",
        f"| `claims.time.find_times` on normalised text | {bare:,.0f} | "
        f"{result.seconds[TAGGER_ONLY] * 1000:.1f} | {result.repeats[TAGGER_ONLY]} |",
        f"| `dateparser.search.search_dates` | {theirs:,.0f} | "
        f"{result.seconds[DATEPARSER] * 1000:.0f} | {result.repeats[DATEPARSER]} |",
        "",
        f"find_times is {ours / theirs:.0f}x faster than dateparser with normalisation "
        f"included ({bare / theirs:.0f}x on text the pipeline has already normalised). "
        f"Dates found in the {negatives} texts that state none: find_times {wrong[TAGGER]}, "
        f"dateparser {wrong[DATEPARSER]}.",
        "",
    ]
    return "\n".join(lines)


def _row(system: str, group: str, t: Tally) -> str:
    return (
        f"| {system} | {group} | {t.found} | {t.expected} | {t.matched} | {t.precision:.2f} | "
        f"{t.recall:.2f} | {t.f1:.2f} |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeats", type=int, default=5, help="timing passes for dateparser")
    parser.add_argument("--write", type=Path, help="Markdown file to put the section in")
    args = parser.parse_args(argv)
    section = render_markdown(run_benchmark(args.repeats))
    print(section)
    if args.write:
        markdown.write_section(args.write, SECTION, section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
