"""A stand-in extractor for batch tests: claims written out in the article, one per line.

A line ``@ attack mosul 2025-03-04 12`` becomes an attack claim at Mosul (inside Nineveh,
inside Iraq) on that day with a count of 12 people. Places: a key of ``PLACES``, ``?``
for none, ``!iraq`` for "outside Iraq", ``~name`` for a place known only by name. Count
``-`` for none. Every other line is ignored. The claims go through the real linker and
rules, so batch behaviour (incremental linking, delta, crash recovery) can be tested
on stories built to link and to conflict, whatever the Arabic extractor does today.

Module-level functions, so that worker processes can unpickle them.
"""

from __future__ import annotations

import random
import re
import time
from pathlib import Path

from claims.model import Article, Claim, Entity, Quantity, Span
from tests.claim_builders import day

PLACES: dict[str, list[str]] = {
    "iraq": [],
    "nineveh": ["iraq"],
    "mosul": ["nineveh", "iraq"],
    "sinjar": ["nineveh", "iraq"],
    "anbar": ["iraq"],
    "ramadi": ["anbar", "iraq"],
    "syria": [],
    "homs": ["syria"],
    "damascus": ["syria"],
    "lebanon": [],
    "tyre": ["lebanon"],
}
EVENTS = ("attack", "casualties", "relocation", "base_closure", "withdrawal")
LINE = re.compile(r"^@ (\w+) (\S+) (\d{4}-\d{2}-\d{2}) (\S+)$", re.M)


def _place(token: str) -> Entity | None:
    if token == "?":
        return None
    if token.startswith("~"):
        return Entity(kind="place", key=None, surface=token[1:], source="pattern")
    complement = token.startswith("!")
    key = token.lstrip("!")
    return Entity(
        kind="place", key=key, label=key.title(), surface=key, complement=complement,
        ancestors=list(PLACES[key]),
    )


def spec_extract(article: Article) -> list[Claim]:
    claims = []
    for match in LINE.finditer(article.text):
        event, place, when, count = match.groups()
        span = Span(start=match.start(), end=match.end(), text=match.group())
        claims.append(
            Claim(
                article_id=article.id,
                sentence=span,
                evidence=span,
                quote=match.group(),
                event=event,  # type: ignore[arg-type]
                location=_place(place),
                time=day(when),
                quantity=None if count == "-" else Quantity(value=float(count), unit="people"),
            )
        )
    return claims


def slow_spec_extract(article: Article) -> list[Claim]:
    """``spec_extract``, but an article whose text says ``SLOW`` takes 60 seconds."""
    if "SLOW" in article.text:
        time.sleep(60)
    return spec_extract(article)


def random_lines(rng: random.Random, count: int) -> list[str]:
    """``count`` claim lines about a few places and days, so that they link and clash."""
    tokens = list(PLACES) + ["?", "!iraq", "~tal_hamra"]
    lines = []
    for _ in range(count):
        event = rng.choice(EVENTS)
        place = rng.choice(tokens)
        when = f"2025-03-{rng.randint(1, 6):02d}"
        amount = rng.choice(["-", "10", "12", "40"])
        lines.append(f"@ {event} {place} {when} {amount}")
    return lines


def write_article(folder: Path, name: str, lines: list[str], title: str = "تقرير") -> Path:
    path = folder / f"{name}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title} {name}\n\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def random_drop(folder: Path, articles: int, seed: int, prefix: str = "a") -> Path:
    rng = random.Random(seed)
    for number in range(articles):
        write_article(folder, f"{prefix}{number:03d}", random_lines(rng, rng.randint(1, 3)))
    return folder


def stubborn_spec_extract(article: Article) -> list[Claim]:
    """``spec_extract``, but an article whose text says ``STUCK`` hangs where SIGALRM
    cannot reach it (the signal is blocked), as C code that never returns would."""
    if "STUCK" in article.text:
        import signal

        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(60)
    return spec_extract(article)


def dying_spec_extract(article: Article) -> list[Claim]:
    """``spec_extract``, but an article whose text says ``DIE`` kills its process (in a
    worker; in the main process, where that would end the test, it raises)."""
    if "DIE" in article.text:
        import multiprocessing
        import os

        if multiprocessing.parent_process() is None:
            raise RuntimeError("would have killed the process")
        os._exit(3)
    return spec_extract(article)


def force_pool(monkeypatch: object) -> None:
    """Make ``run(jobs=N)`` start its pool right after the first article, however few."""
    for name, value in (("PARALLEL_MIN_ARTICLES", 2), ("POOL_PROBE_SECONDS", 0.0),
                        ("POOL_START_SECONDS", 0.0), ("POOL_WAIT_READY", True)):
        monkeypatch.setattr(f"checker.run.{name}", value)  # type: ignore[attr-defined]
