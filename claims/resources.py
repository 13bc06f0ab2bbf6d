"""Loading language data files (YAML, JSONL) from the package, validated by pydantic.

Every lexicon and pattern file goes through :func:`load_yaml` or :func:`load_jsonl` with a
schema model (``extra="forbid"``), so a typo fails loudly at start-up, not in a batch.

Parsing and validating the lexicons (the gazetteer above all) takes a new process a good
part of a second, so a validated file is also kept on disk, pickled, in the user's cache
directory (:func:`cache_dir`), and read back by the next process. An entry's key is the
digest of every file of the ``claims`` package (code, lexicons, patterns, models:
:func:`package_digest`) with the file, its schema and the versions of Python and pydantic:
a changed lexicon, or a changed schema, is never served from the cache; it is parsed
again and cached under its new key. ``CLAIMCHECK_CACHE_DIR`` chooses the directory;
``CLAIMCHECK_CACHE_DIR=off`` keeps nothing on disk. The extraction pipeline is cached the
same way (``claims.pipeline``).
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import pickle
import platform
import sys
import threading
import uuid
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)
R = TypeVar("R")

CACHE_ENV = "CLAIMCHECK_CACHE_DIR"
# Entries kept per kind of cached object (a pipeline, a lexicon file): enough for a few
# trees in use side by side (a benchmark's frozen copy beside the working tree).
CACHE_KEEP = 4
_FORMAT = b"claimcheck-cache-1\n"


class DataFileError(ValueError):
    """A language data file is missing or does not match its schema."""


def _read(relative: str) -> str:
    path = resources.files("claims").joinpath(relative)
    if not path.is_file():
        raise DataFileError(f"data file not found in package: claims/{relative}")
    return path.read_text(encoding="utf-8")


# -- the on-disk cache ----------------------------------------------------------------------


def cache_dir() -> Path | None:
    """Where cached objects are kept: ``$CLAIMCHECK_CACHE_DIR``, else the user's cache
    directory (``$XDG_CACHE_HOME/claimcheck`` or ``~/.cache/claimcheck``; on macOS
    ``~/Library/Caches/claimcheck``, on Windows ``%LOCALAPPDATA%\\claimcheck\\Cache``).
    None when caching is off (``CLAIMCHECK_CACHE_DIR=off``) or no home is known."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        if chosen.strip().lower() in ("", "off", "0", "no", "false", "none"):
            return None
        return Path(chosen).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "claimcheck" / "Cache" if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "claimcheck"
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "claimcheck"
    try:
        return Path.home() / ".cache" / "claimcheck"
    except RuntimeError:  # no home directory
        return None


def _package_files(root: Path) -> list[Path]:
    return sorted(
        path for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


_digest_lock = threading.Lock()
_digests: dict[Path, tuple[tuple[tuple[str, int, int], ...], str]] = {}


def package_digest(root: Path | None = None) -> str:
    """SHA-256 (hex) of every file of the ``claims`` package (or of ``root``): each file's
    path relative to the root, a NUL byte, then its bytes, in path order. The files are
    hashed again whenever one of them changed size or time, or appeared or went."""
    root = Path(str(resources.files("claims"))) if root is None else root
    paths = _package_files(root)
    stamp = tuple(
        (p.relative_to(root).as_posix(), (st := p.stat()).st_size, st.st_mtime_ns) for p in paths
    )
    with _digest_lock:
        known = _digests.get(root)
        if known is not None and known[0] == stamp:
            return known[1]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    value = digest.hexdigest()
    with _digest_lock:
        _digests[root] = (stamp, value)
    return value


def cache_key(*parts: object) -> str:
    """A key for the on-disk cache: the parts with the versions of Python and pydantic."""
    import pydantic

    described = json.dumps(
        [platform.python_implementation(), sys.version, pydantic.VERSION, *map(str, parts)]
    )
    return hashlib.sha256(described.encode("utf-8")).hexdigest()


def _entry(directory: Path, kind: str, key: str) -> Path:
    return directory / f"{kind}-{key[:32]}.pickle"


def cache_load(kind: str, key: str, directory: Path | None = None) -> Any | None:
    """The object cached under ``kind`` and ``key``, or None (none, unreadable, or
    written under another key)."""
    directory = cache_dir() if directory is None else directory
    if directory is None:
        return None
    path = _entry(directory, kind, key)
    collecting = gc.isenabled()
    try:
        with path.open("rb") as handle:
            if handle.readline() != _FORMAT or handle.readline().strip() != key.encode():
                return None
            # Nothing read back is garbage: no collection while the objects are made.
            gc.disable()
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a damaged entry is rebuilt, never fatal
        return None
    finally:
        if collecting:
            gc.enable()


def cache_store(kind: str, key: str, value: Any, directory: Path | None = None) -> None:
    """Keep ``value`` under ``kind`` and ``key`` (written whole or not at all), and only
    the newest ``CACHE_KEEP`` entries of that kind. Failing to write is not an error."""
    directory = cache_dir() if directory is None else directory
    if directory is None:
        return
    path = _entry(directory, kind, key)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tmp.open("wb") as handle:
            handle.write(_FORMAT + key.encode() + b"\n")
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        older = sorted(
            (p for p in directory.glob(f"{kind}-*.pickle") if p != path),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for stale in older[CACHE_KEEP - 1 :]:
            stale.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - a read-only or full disk only costs the cache
        pass
    finally:
        tmp.unlink(missing_ok=True)


def cached(kind: str, key: str, build: Callable[[], R], directory: Path | None = None) -> R:
    """The object cached under ``kind`` and ``key``, else ``build()``, cached."""
    found = cache_load(kind, key, directory)
    if found is not None:
        return found
    value = build()
    cache_store(kind, key, value, directory)
    return value


# -- data files -----------------------------------------------------------------------------


def _parse_yaml(relative: str, schema: type[BaseModel]) -> BaseModel:
    try:
        raw = yaml.safe_load(_read(relative))
        return schema.model_validate(raw)
    except (yaml.YAMLError, ValidationError) as exc:
        raise DataFileError(f"claims/{relative}: {exc}") from exc


@cache
def _load_yaml_cached(relative: str, schema: type[BaseModel]) -> BaseModel:
    if cache_dir() is None or not resources.files("claims").joinpath(relative).is_file():
        return _parse_yaml(relative, schema)
    key = cache_key(
        "yaml", package_digest(), relative, f"{schema.__module__}.{schema.__qualname__}"
    )
    kind = "yaml-" + relative.replace("/", "_").removesuffix(".yaml")
    loaded = cached(kind, key, lambda: _parse_yaml(relative, schema))
    if not isinstance(loaded, schema):  # a class of that name from another build
        loaded = _parse_yaml(relative, schema)
    return loaded


def load_yaml(relative: str, schema: type[T]) -> T:
    """Load ``claims/<relative>`` (YAML) and validate it against ``schema``; cached (in
    this process, and on disk: see the module docstring)."""
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
