"""Reading a drop: a folder (or one file) of news reports, into articles.

Bad input never stops a batch: each file (or JSONL line) that cannot become an article is
returned as a :class:`RejectedInput` with a reason code and a plain-English detail, and
the rest of the drop loads. Only a drop path that does not exist or cannot be read raises
(:class:`DropError`), because then there is no batch to speak of.

Forms read:

- ``.txt``: the first non-empty line is the title; the article text is the whole file
  text exactly as stored (title line included, line endings kept, a leading byte-order
  mark dropped), because quotes and offsets refer to the file text.
- ``.md`` / ``.markdown``: optional YAML front matter gives metadata; the text is the body.
- ``.html`` / ``.htm``: the main text is extracted with trafilatura (scripts, styles,
  navigation dropped); title, outlet, canonical URL and date from the page's metadata.
- ``.jsonl``: one article per line (``name``, ``title``, ``text``, ``url``, ``outlet``,
  ``published``, ``language``); a bad line is rejected with its line number.
- ``manifest.jsonl`` in any folder: metadata (``file`` plus the fields above) for the
  plain files of that folder; it overrides what the file itself says.

The language of each article is the one its metadata gives (``language``, a code such as
``ar`` or ``en-GB``); without one it is detected from the text
(:func:`claims.languages.detect_language`). An article in a language without an extraction
pipeline, or whose language cannot be told, is rejected (``unsupported_language``) rather
than read into an empty list of claims.

Every article is named by its path relative to the drop root with forward slashes (a JSONL
record by its ``name``, or ``file.jsonl#line``). Files whose extension is not one of the
above are listed as ignored; hidden files and folders are skipped.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from claims.languages import detect_language, supported_languages
from claims.model import Article

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MANIFEST_NAME = "manifest.jsonl"
TEXT_SUFFIXES = frozenset({".txt"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
ARTICLE_SUFFIXES = TEXT_SUFFIXES | MARKDOWN_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES

# Legacy Arabic code pages tried when a file is not UTF-8. Restricting the detector to
# them keeps it from "finding" some other single-byte encoding for a broken UTF-8 file.
LEGACY_ARABIC_ENCODINGS = ["cp1256", "iso8859_6"]
MAX_LEGACY_CHAOS = 0.2
MIN_ARABIC_LETTER_SHARE = 0.6

RejectReason = Literal[
    "empty",
    "binary",
    "encoding",
    "invalid_utf8",
    "too_large",
    "symlink_outside",
    "unreadable",
    "malformed_json",
    "missing_text",
    "invalid_metadata",
    "manifest_error",
    "no_text",
    "duplicate",
    "extraction_error",
    "timeout",  # extraction of the article ran past the per-article time limit
    "unsupported_language",  # no extraction pipeline for the article's language
]


class RejectedInput(BaseModel):
    """An input that did not become an article, and why."""

    model_config = ConfigDict(extra="forbid")

    path: str
    reason: RejectReason
    detail: str
    drop: str = ""
    seen_at: datetime | None = None


class DropError(Exception):
    """The drop itself cannot be read (missing path, not a folder or file, no access)."""


@dataclass
class DropResult:
    """What a drop gave: articles, rejected inputs, and files ignored for their type."""

    drop: str
    articles: list[Article] = field(default_factory=list)
    rejected: list[RejectedInput] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


class _Rejected(Exception):
    """Internal: this input is rejected with a reason."""

    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.reason: RejectReason = reason
        self.detail = detail


def duplicate_of(path: str, first_name: str, drop: str = "") -> RejectedInput:
    """The rejection of an input whose text is already stored under another name."""
    return RejectedInput(
        path=path,
        reason="duplicate",
        detail=f"same text as the article {first_name!r}, which is kept",
        drop=drop,
    )


def _is_text(value: str) -> bool:
    """False for a string holding lone surrogates, which no UTF-8 store, file or page can
    hold. They reach Python through JSON escapes ("\\ud800") and through file names that
    are not UTF-8 (decoded with surrogateescape)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(name: str) -> str:
    """A file name that is not UTF-8, shown with its bad bytes as \\xNN escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


NOT_TEXT = "holds an escaped lone surrogate (\\ud800-\\udfff), which is not a character"


def _parse_published(value: object) -> date | None:
    """ISO dates (or ISO datetimes, of which the day is kept); anything else is an error
    rather than a guess, because a publication date anchors relative dates."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
        raise ValueError(f"published {value!r} is not an ISO date (YYYY-MM-DD)")
    raise ValueError(f"published {value!r} is not an ISO date (YYYY-MM-DD)")


class ArticleMetadata(BaseModel):
    """Metadata that a manifest, front matter or JSONL record may give.

    Unknown fields are ignored: drops come from outside and often carry extra fields.
    """

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None
    language: str | None = None

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value: object) -> date | None:
        return _parse_published(value)

    @field_validator("title", "outlet", "url", "language", mode="after")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _is_text(value):
            raise ValueError(NOT_TEXT)
        value = value.strip()
        return value or None

    @field_validator("language", mode="after")
    @classmethod
    def _language_tag(cls, value: str | None) -> str | None:
        if value is None:
            return None
        primary = value.split("-")[0].split("_")[0].lower()
        if not (2 <= len(primary) <= 3 and primary.isascii() and primary.isalpha()):
            raise ValueError(f"language {value!r} is not a language code such as 'ar'")
        return primary

    def fields(self) -> dict[str, Any]:
        """The fields that were given (not None)."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class _ManifestEntry(ArticleMetadata):
    file: str

    @field_validator("file", mode="after")
    @classmethod
    def _file_is_text(cls, value: str) -> str:
        if not _is_text(value):
            raise ValueError(NOT_TEXT)
        return value


class _JsonlRecord(ArticleMetadata):
    name: str | None = None
    text: str

    @field_validator("name", mode="after")
    @classmethod
    def _name_is_text(cls, value: str | None) -> str | None:
        if value is not None and not _is_text(value):
            raise ValueError(NOT_TEXT)
        return value


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "record"
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


# -- decoding ------------------------------------------------------------------------


def _control_share(data: bytes) -> float:
    sample = data[:8192]
    if not sample:
        return 0.0
    controls = sum(1 for b in sample if b < 0x09 or 0x0E <= b < 0x20 or b == 0x7F)
    return controls / len(sample)


def _arabic_letter_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    arabic = sum(1 for ch in letters if "ARABIC" in unicodedata.name(ch, ""))
    return arabic / len(letters)


def decode_bytes(data: bytes) -> str:
    """Bytes of one input to text, or :class:`_Rejected` with the reason.

    UTF-8 (with or without BOM) and UTF-16/32 with a BOM are decoded. A file that is not
    UTF-8 is decoded as windows-1256 or ISO-8859-6 only when charset-normalizer is
    confident and the result is mostly Arabic letters; otherwise it is rejected.
    """
    if not data.strip():
        raise _Rejected("empty", "the file is empty or holds only whitespace")
    for bom, codec in (
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise _Rejected(
                    "encoding", f"starts with a {codec.upper()} byte-order mark but is not "
                    f"valid {codec.upper()} ({exc.reason} at byte {exc.start})"
                ) from exc
    if b"\x00" in data or _control_share(data) > 0.05:
        raise _Rejected("binary", "binary data, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    good_multibyte = sum(1 for ch in replaced if ord(ch) > 0x7F and ch != "\ufffd")
    if good_multibyte and good_multibyte >= bad:
        # Mostly well-formed UTF-8 with a few broken sequences: a truncated or corrupted
        # file, not another encoding. Guessing here would silently change the text.
        where = utf8_error.start
        if where >= len(data) - 3:
            detail = f"invalid UTF-8: the file ends inside a character (truncated at byte {where})"
        else:
            detail = f"invalid UTF-8 at byte {where} of {len(data)} ({bad} broken sequences)"
        raise _Rejected("invalid_utf8", detail)
    return _decode_legacy_arabic(data)


def _decode_legacy_arabic(data: bytes) -> str:
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=LEGACY_ARABIC_ENCODINGS).best()
    if best is None or best.chaos > MAX_LEGACY_CHAOS:
        raise _Rejected(
            "encoding",
            "not UTF-8, and not recognisable as Arabic text in windows-1256 or ISO-8859-6",
        )
    text = str(best)
    share = _arabic_letter_share(text)
    if share < MIN_ARABIC_LETTER_SHARE:
        raise _Rejected(
            "encoding",
            f"not UTF-8; decoded as {best.encoding} only {share:.0%} of the letters are "
            "Arabic, so the encoding is uncertain",
        )
    return text


# -- one file per format ---------------------------------------------------------------


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _parse_txt(text: str) -> tuple[str, dict[str, Any]]:
    return text, {"title": _first_line(text)}


def _parse_markdown(text: str) -> tuple[str, dict[str, Any]]:
    import frontmatter

    handler = frontmatter.YAMLHandler()
    stripped = text.lstrip("\ufeff")
    meta: dict[str, Any] = {}
    body = stripped
    if handler.detect(stripped):
        try:
            front, body = handler.split(stripped)
        except ValueError:
            front, body = "", stripped
        if front:
            try:
                loaded = handler.load(front)
            except yaml.YAMLError as exc:
                raise _Rejected(
                    "invalid_metadata", f"front matter is not valid YAML: {exc}"
                ) from exc
            except Exception as exc:
                # PyYAML's constructors raise plain Python errors on scalars they cannot
                # build ("2024-13-45", "!!bool maybe", "!!timestamp x": ValueError,
                # KeyError, AttributeError) and RecursionError on deep nesting.
                raise _Rejected(
                    "invalid_metadata",
                    f"front matter is not valid YAML: {type(exc).__name__}: {exc}",
                ) from exc
            if loaded is not None and not isinstance(loaded, dict):
                raise _Rejected("invalid_metadata", "front matter is not a mapping of fields")
            meta = dict(loaded or {})
    body = body.strip()
    metadata = _validated(meta)
    if "title" not in metadata:
        metadata["title"] = _first_line(body).lstrip("#").strip()
    return body, metadata


def _parse_html(text: str) -> tuple[str, dict[str, Any]]:
    import trafilatura
    from trafilatura.utils import load_html

    extracted = trafilatura.extract(
        text,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        favor_recall=True,
        deduplicate=False,
    )
    if not extracted or not extracted.strip():
        # Short pages fall below trafilatura's thresholds; its baseline keeps article
        # and paragraph text, still without scripts or styles.
        _tree, extracted, _length = trafilatura.baseline(text)
    if not extracted or not extracted.strip():
        raise _Rejected("no_text", "no main text could be extracted from the page")
    page = trafilatura.extract_metadata(text, extensive=False)
    raw: dict[str, Any] = {
        "title": page.title,
        "outlet": page.sitename,
        "url": page.url,
        "published": page.date,
    }
    tree = load_html(text)
    if tree is not None:
        raw["language"] = tree.get("lang") or None
    try:
        metadata = ArticleMetadata.model_validate(raw).fields()
    except ValidationError:
        # Page metadata is best effort; a malformed tag must not cost the article, but
        # neither may it be trusted: keep only the fields that validate one by one.
        metadata = {}
        for key, value in raw.items():
            try:
                metadata.update(ArticleMetadata.model_validate({key: value}).fields())
            except ValidationError:
                continue
    return extracted.strip(), metadata


def _validated(raw: dict[str, Any]) -> dict[str, Any]:
    try:
        return ArticleMetadata.model_validate(raw).fields()
    except ValidationError as exc:
        raise _Rejected("invalid_metadata", _validation_message(exc)) from exc


def _article_language(text: str, given: str | None) -> str:
    """The language of an article: the one its metadata gives, else the detected one.
    Raises :class:`_Rejected` (``unsupported_language``) for a language without a
    pipeline, or when the text does not tell which language it is in."""
    supported = supported_languages()
    listed = ", ".join(f"{name} ({code})" for code, name in supported.items())
    if given is not None:
        if given not in supported:
            raise _Rejected(
                "unsupported_language",
                f"the metadata gives the language {given!r}; claims are extracted only "
                f"from {listed}",
            )
        return given
    found = detect_language(text)
    if found.language is None:
        raise _Rejected(
            "unsupported_language",
            f"the language of the text cannot be told (best guess {found.best_guess!r} at "
            f"{found.confidence:.2f}); give it as 'language' in the metadata",
        )
    if found.language not in supported:
        raise _Rejected(
            "unsupported_language",
            f"the text is in {found.language!r} (detected, {found.confidence:.2f}); claims "
            f"are extracted only from {listed}",
        )
    return found.language


# -- the drop ----------------------------------------------------------------------------


@dataclass
class _Reader:
    root: Path
    root_real: Path
    drop: str
    max_bytes: int
    result: DropResult
    seen: dict[str, str] = field(default_factory=dict)  # article ID -> first name

    def reject(self, path: str, reason: RejectReason, detail: str) -> None:
        self.result.rejected.append(
            RejectedInput(path=path, reason=reason, detail=detail, drop=self.drop)
        )

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def inside(self, path: Path) -> bool:
        real = Path(os.path.realpath(path))
        return real == self.root_real or self.root_real in real.parents

    def keep(self, article: Article, rel: str) -> None:
        first = self.seen.get(article.id)
        if first is not None:
            self.result.rejected.append(duplicate_of(rel, first, self.drop))
            return
        self.seen[article.id] = article.name
        self.result.articles.append(article)

    # A folder: its manifest, its files, then its sub-folders (sorted, deterministic).
    def read_folder(self, folder: Path, only: set[str] | None = None) -> None:
        manifest = self.read_manifest(folder)
        used: set[str] = set()
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            self.reject(self.rel(folder) or ".", "unreadable", f"cannot list folder: {exc}")
            return
        subfolders: list[Path] = []
        for entry in entries:
            if only is not None and entry.name not in only:
                continue
            if entry.name.startswith("."):
                continue
            rel = self.rel(entry)
            if not _is_text(rel):
                # The name cannot be stored or shown as it is; guessing its encoding could
                # give two files one name. Renaming the file makes it readable.
                kind = "folder" if entry.is_dir() else "file"
                self.reject(
                    _shown(rel), "encoding",
                    f"the {kind} name is not valid UTF-8 (shown with \\x escapes); rename "
                    f"the {kind} to read it",
                )
                continue
            if entry.is_symlink():
                if not entry.exists():
                    self.reject(rel, "unreadable", "broken symbolic link")
                    continue
                if not self.inside(entry):
                    self.reject(
                        rel, "symlink_outside",
                        "symbolic link to a place outside the drop; not followed",
                    )
                    continue
                if entry.is_dir():
                    # Its target is inside the drop and is read there; following it could loop.
                    self.result.ignored.append(rel)
                    continue
            if entry.is_dir():
                subfolders.append(entry)
                continue
            if entry.name == MANIFEST_NAME:
                continue
            suffix = entry.suffix.lower()
            if suffix not in ARTICLE_SUFFIXES or not entry.is_file():
                self.result.ignored.append(rel)
                continue
            if suffix in JSONL_SUFFIXES:
                self.read_jsonl(entry, rel)
                continue
            described = manifest.get(entry.name)
            overrides = described[1] if described else None
            if described is not None:
                used.add(entry.name)
            if isinstance(overrides, str):
                self.reject(rel, "invalid_metadata", overrides)
                continue
            self.read_file(entry, rel, suffix, overrides)
        for name, (number, _fields) in manifest.items():
            if name not in used and (only is None or name in only):
                self.reject(
                    f"{self.rel(folder / MANIFEST_NAME)}#{number}",
                    "manifest_error",
                    f"line {number} names {name!r}, which is not an article file in this folder",
                )
        for sub in subfolders:
            self.read_folder(sub)

    def read_manifest(self, folder: Path) -> dict[str, tuple[int, dict[str, Any] | str]]:
        """File name -> (manifest line, metadata fields or why the line is invalid)."""
        path = folder / MANIFEST_NAME
        if not path.is_file():
            return {}
        rel = self.rel(path)
        if path.is_symlink() and not self.inside(path):
            self.reject(rel, "symlink_outside", "symbolic link to a place outside the drop")
            return {}
        entries: dict[str, tuple[int, dict[str, Any] | str]] = {}
        for number, line in self.lines(path, rel):
            raw: object = None
            try:
                raw = json.loads(line)
                if not isinstance(raw, dict):
                    raise ValueError("the line is not a JSON object")
                entry = _ManifestEntry.model_validate(raw)
            except RecursionError:
                self.reject(
                    f"{rel}#{number}", "manifest_error", f"line {number}: JSON nested too deep"
                )
                continue
            except (ValueError, ValidationError) as exc:
                detail = (
                    _validation_message(exc) if isinstance(exc, ValidationError) else str(exc)
                )
                named = raw.get("file") if isinstance(raw, dict) else None
                if isinstance(exc, ValidationError) and isinstance(named, str) and named.strip():
                    # The line names its file but its metadata is wrong: the article is
                    # rejected rather than loaded without the metadata it was meant to have.
                    entries.setdefault(named.strip(), (number, f"{rel} line {number}: {detail}"))
                    continue
                self.reject(f"{rel}#{number}", "manifest_error", f"line {number}: {detail}")
                continue
            name = entry.file.strip()
            if "/" in name or "\\" in name:
                self.reject(
                    f"{rel}#{number}", "manifest_error",
                    f"line {number}: 'file' must name a file in this folder, got {name!r}",
                )
                continue
            if name in entries:
                self.reject(
                    f"{rel}#{number}", "manifest_error",
                    f"line {number}: {name!r} is already described on an earlier line",
                )
                continue
            fields = entry.fields()
            fields.pop("file", None)
            entries[name] = (number, fields)
        return entries

    def lines(self, path: Path, rel: str) -> Iterator[tuple[int, str]]:
        """Non-blank lines of a JSONL file, decoded; bad lines are rejected here."""
        try:
            handle = path.open("rb")
        except OSError as exc:
            self.reject(rel, "unreadable", f"cannot open: {exc.strerror or exc}")
            return
        with handle:
            for number, raw in enumerate(handle, start=1):
                if len(raw) > self.max_bytes:
                    self.reject(
                        f"{rel}#{number}", "too_large",
                        f"line {number} is {len(raw)} bytes, over the limit of {self.max_bytes}",
                    )
                    continue
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    self.reject(
                        f"{rel}#{number}", "invalid_utf8",
                        f"line {number}: invalid UTF-8 at byte {exc.start} of the line",
                    )
                    continue
                if number == 1:
                    line = line.lstrip("\ufeff")
                if line.strip():
                    yield number, line

    def read_jsonl(self, path: Path, rel: str) -> None:
        records = 0
        for number, line in self.lines(path, rel):
            records += 1
            where = f"{rel}#{number}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                self.reject(
                    where, "malformed_json",
                    f"line {number}: not valid JSON "
                    f"({exc.msg.removesuffix(' at')}, column {exc.colno})",
                )
                continue
            except (ValueError, RecursionError) as exc:
                # json raises these outside JSONDecodeError: an integer of more than 4300
                # digits, arrays or objects nested too deep.
                self.reject(where, "malformed_json", f"line {number}: not usable JSON ({exc})")
                continue
            if not isinstance(raw, dict):
                self.reject(where, "malformed_json", f"line {number}: not a JSON object")
                continue
            text = raw.get("text")
            if not isinstance(text, str):
                self.reject(
                    where, "missing_text", f"line {number}: the record has no 'text' string"
                )
                continue
            if not text.strip():
                self.reject(where, "empty", f"line {number}: the record's text is empty")
                continue
            if not _is_text(text):
                self.reject(where, "encoding", f"line {number}: the text {NOT_TEXT}")
                continue
            try:
                record = _JsonlRecord.model_validate(raw)
            except ValidationError as exc:
                self.reject(where, "invalid_metadata", f"line {number}: {_validation_message(exc)}")
                continue
            name = (record.name or "").strip() or where
            metadata = record.fields()
            for key in ("name", "text"):
                metadata.pop(key, None)
            if "title" not in metadata:
                metadata["title"] = _first_line(record.text)
            try:
                metadata["language"] = _article_language(record.text, metadata.get("language"))
            except _Rejected as rejected:
                self.reject(where, rejected.reason, f"line {number}: {rejected.detail}")
                continue
            article = Article.from_text(
                name,
                record.text,
                source_path=f"{(self.root / rel).as_posix()}#{number}",
                **metadata,
            )
            self.keep(article, where)
        if records == 0 and not any(r.path.startswith(f"{rel}#") for r in self.result.rejected):
            self.reject(rel, "empty", "the JSONL file holds no records")

    def read_file(
        self, path: Path, rel: str, suffix: str, overrides: dict[str, Any] | None
    ) -> None:
        try:
            size = path.stat().st_size
            if size > self.max_bytes:
                raise _Rejected(
                    "too_large", f"{size} bytes, over the limit of {self.max_bytes} bytes"
                )
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise _Rejected("unreadable", f"cannot read: {exc.strerror or exc}") from exc
            text = decode_bytes(data)
            if not text.strip():
                raise _Rejected("empty", "the file holds only whitespace")
            if suffix in MARKDOWN_SUFFIXES:
                body, metadata = _parse_markdown(text)
            elif suffix in HTML_SUFFIXES:
                body, metadata = _parse_html(text)
            else:
                body, metadata = _parse_txt(text)
            if not body.strip():
                raise _Rejected("empty", "no article text after the metadata")
            if overrides:
                metadata.update(overrides)
            metadata["language"] = _article_language(body, metadata.get("language"))
            article = Article.from_text(
                rel, body, source_path=(self.root / rel).as_posix(), **metadata
            )
        except _Rejected as rejected:
            self.reject(rel, rejected.reason, rejected.detail)
            return
        except OSError as exc:
            self.reject(rel, "unreadable", f"cannot read: {exc.strerror or exc}")
            return
        self.keep(article, rel)


def read_drop(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> DropResult:
    """Read every article of a drop (a folder, recursively, or a single file).

    Raises :class:`DropError` only when the drop path itself is unusable; everything
    wrong with its content comes back in ``DropResult.rejected``.
    """
    path = Path(path)
    drop = str(path)
    if not path.exists():
        raise DropError(f"drop not found: {drop}")
    if path.is_dir():
        if not os.access(path, os.R_OK | os.X_OK):
            raise DropError(f"drop folder is not readable: {drop}")
        root, only = path, None
    elif path.is_file():
        if not os.access(path, os.R_OK):
            raise DropError(f"drop file is not readable: {drop}")
        root, only = path.parent, {path.name}
    else:
        raise DropError(f"drop is neither a folder nor a file: {drop}")
    result = DropResult(drop=drop)
    reader = _Reader(
        root=root,
        root_real=Path(os.path.realpath(root)),
        drop=drop,
        max_bytes=max_bytes,
        result=result,
    )
    if only is not None and path.name == MANIFEST_NAME:
        raise DropError(f"{drop} is a manifest, not an article; give its folder instead")
    reader.read_folder(root, only)
    return result
