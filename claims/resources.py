"""Loading language data files (YAML, JSONL) from the package, validated by pydantic.

Every lexicon and pattern file goes through :func:`load_yaml` or :func:`load_jsonl` with a
schema model (``extra="forbid"``), so a typo fails loudly at start-up, not in a batch.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)


class DataFileError(ValueError):
    """A language data file is missing or does not match its schema."""


def _read(relative: str) -> str:
    path = resources.files("claims").joinpath(relative)
    if not path.is_file():
        raise DataFileError(f"data file not found in package: claims/{relative}")
    return path.read_text(encoding="utf-8")


@cache
def _load_yaml_cached(relative: str, schema: type[BaseModel]) -> BaseModel:
    try:
        raw = yaml.safe_load(_read(relative))
        return schema.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise DataFileError(f"claims/{relative}: {exc}") from exc


def load_yaml(relative: str, schema: type[T]) -> T:
    """Load ``claims/<relative>`` (YAML) and validate it against ``schema``; cached."""
    loaded = _load_yaml_cached(relative, schema)
    assert isinstance(loaded, schema)
    return loaded


def load_jsonl(relative: str, schema: type[T]) -> list[T]:
    """Load ``claims/<relative>`` (one JSON object per line) validated against ``schema``."""
    items: list[T] = []
    for number, line in enumerate(_read(relative).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(schema.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise DataFileError(f"claims/{relative}:{number}: {exc}") from exc
    return items
