"""Open Arabic NER corpora -> spaCy DocBin files (deterministic).

Usage::

    python -m checker.ner_training.convert --data ../shared/data --out build/ner

Every token goes through :func:`claims.normalize.normalize`, the normaliser the runtime
uses; tokens that normalise to nothing (a lone tatweel or diacritic) are dropped and the
BIO tags are repaired around them. Tags become BIO over four coarse labels: PER, ORG, LOC,
MISC. One sentence is one Doc, tokenised as in the corpus (ANERcorp's tokens are what
``spacy.blank("ar")`` produces for all but 0.2% of them).

Splits (fixed; no random numbers are drawn):

- ``train.spacy``: the first nine tenths of the ANERcorp (CAMeL Lab split) train
  sentences, plus the optional extra sources (``--sources``: ``newsfane`` entities added
  to that text, ``wikifane`` sentences, ``aqmar``). The shipped model uses none of them;
- ``dev.spacy``: the last tenth of the ANERcorp train sentences (plain ANERcorp labels), for
  choosing between configurations;
- ``aner_test.spacy``: the ANERcorp test split, never trained on;
- ``newsfane_heldout.spacy``: NewsFANE Gold sentences whose text lies in the ANERcorp test
  split, with NewsFANE's own tokens and (coarse) labels;
- ``newsfane_heldout_aner_tokens.spacy``: the same NewsFANE annotation projected onto the
  ANERcorp test tokens (runtime-like tokenisation, clitics attached);
- ``wikifane.spacy``: WikiFANE Gold with the clitics it splits off glued back, minus the
  sentences that share text with the ANERcorp test split (the auxiliary model's data);
- ``aqmar_wojood.spacy``: AQMAR and the Wojood sample (name lists and unlabelled text).

NewsFANE Gold is a fine-grained re-annotation of the ANERcorp text with clitics split off
("bi al-Filibin" as two tokens), in a different sentence order. A held-out split by
sentence index would therefore leak: the same text is in ANERcorp train. The NewsFANE
held-out split is instead the part whose text is in the ANERcorp test split. With
``--sources newsfane`` the NewsFANE entities of the ANERcorp *train* text are projected onto
the ANERcorp tokens and added where ANERcorp has no entity (ANERcorp leaves most
ministries, armies and media untagged; NewsFANE tags them).

``manifest.json`` records the counts and a SHA-256 of each split's tokens and tags.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from claims.normalize import normalize

LABELS = ("PER", "ORG", "LOC", "MISC")
DEV_FRACTION = 10  # the last tenth of the ANERcorp train sentences is dev

ANER_DIR = "anercorp_camel"
ANER_TRAIN = "ANERCorp_CamelLab_train.txt"
ANER_TEST = "ANERCorp_CamelLab_test.txt"
FANE_DIR = "fane_gold"
NEWSFANE = "NewsFANE_Gold_2014_170K.txt"
WIKIFANE = "WikiFANE_Gold_2014_500K.txt"
AQMAR_DIR = "aqmar/articles"
WOJOOD_DIR = "wojood_sample"
WOJOOD_FILES = ("train.txt", "val.txt", "test.txt")
# Wojood classes that are names of the four coarse kinds (FAC is a place, as in FANE).
WOJOOD_LABELS = {"PERS": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}

ANER_LABELS = {"PERS": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}

# FANE fine-grained classes (Alotaibi and Lee 2014, ACE-style two-level taxonomy) ->
# coarse label. None = not an entity for this model.
FANE_COARSE: dict[str, str | None] = {
    # PER
    "Politician": "PER", "Athlete": "PER", "Businessperson": "PER", "Artist": "PER",
    "Scientist": "PER", "Police": "PER", "Religious_PER": "PER", "Engineer": "PER",
    "Lawyer": "PER", "Other_PER": "PER",
    # PER.Group: peoples and communities (Arabs, Muslims, Israelis, Kurds), not named
    # groups; ANERcorp leaves 85% of these same tokens untagged, so they are dropped.
    "Group": None,
    # ORG
    "Government": "ORG", "Commercial": "ORG", "Educational": "ORG", "Media": "ORG",
    "Religious_ORG": "ORG", "Sports": "ORG", "Medical-Science": "ORG",
    "Entertainment": "ORG", "Non-Governmental": "ORG",
    # GPE -> LOC
    "Continent": "LOC", "Nation": "LOC", "State-or-Province": "LOC",
    "County-or-District": "LOC", "Population-Center": "LOC", "GPE-Cluster": "LOC",
    # LOC
    "Water-Body": "LOC", "Land-Region-Natural": "LOC", "Celestial": "LOC",
    # FAC -> LOC
    "Airport": "LOC", "Building-Grounds": "LOC", "Path": "LOC", "Plant": "LOC",
    "Subarea-Facility": "LOC",
    # VEH, WEA, PRO -> MISC
    "Land": "MISC", "Air": "MISC", "Water": "MISC",
    "Blunt": "MISC", "Exploding": "MISC", "Nuclear": "MISC", "Projectile": "MISC",
    "Sharp": "MISC", "Shooting": "MISC", "Chemical": "MISC",
    "Book": "MISC", "Movie": "MISC", "Sound": "MISC", "Hardware": "MISC",
    "Software": "MISC", "Food": "MISC", "Drug": "MISC",
}
# Misspelt class names found in WikiFANE Gold.
FANE_ALIASES = {
    "Continnt": "Continent", "Population-Cntr": "Population-Center",
    "Watr-Body": "Water-Body",
}

# AQMAR: PER/LOC/ORG plus MIS0..MIS3 (miscellaneous subclasses), and a few typos.
AQMAR_TAG_FIXES = {
    "OO": "O",
    "IO": "O",  # one adjective after an O token: outside
    "I--ORG": "I-ORG",
    "B-MISS1": "B-MIS1",
    "B-MIS1`": "B-MIS1",
    # These mark foreign-script tokens (a chemical symbol, a street name), not a class.
    "B-ENGLISH": "O",
    "B-SPANISH": "O",
}


class CorpusError(ValueError):
    """A corpus file does not look as its README describes."""


@dataclass
class Sentence:
    tokens: list[str]
    tags: list[str]  # BIO over LABELS
    source: str = ""

    def entities(self) -> list[tuple[int, int, str]]:
        """Token spans [start, end) with their labels."""
        spans: list[tuple[int, int, str]] = []
        start, label = -1, ""
        for i, tag in enumerate([*self.tags, "O"]):
            if tag == "O" or tag.startswith("B-"):
                if start >= 0:
                    spans.append((start, i, label))
                start, label = (i, tag[2:]) if tag.startswith("B-") else (-1, "")
        return spans


@dataclass
class Projection:
    """NewsFANE entities projected onto one ANERcorp sentence (token spans)."""

    spans: list[tuple[int, int, str]] = field(default_factory=list)
    covered: set[int] = field(default_factory=set)  # token indices inside matched text


# ---------------------------------------------------------------------------- reading


def read_columns(path: Path, *, tab: bool) -> list[list[tuple[str, str]]]:
    """``token TAG`` lines, blank line between sentences. Strips BOM, LRM marks, CR."""
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for raw in handle:
            line = raw.rstrip("\r\n").replace("\u200e", "").replace("\ufeff", "")
            if not line.strip():
                if current:
                    sentences.append(current)
                    current = []
                continue
            parts = line.rsplit("\t", 1) if tab else line.rsplit(None, 1)
            if len(parts) != 2 or not parts[0].strip():
                # A token without a tag (or a tag without a token): skip the line but keep
                # the sentence; a handful occur in AQMAR.
                continue
            current.append((parts[0].strip(), parts[1].strip()))
    if current:
        sentences.append(current)
    return sentences


def repair_bio(tags: Sequence[str]) -> list[str]:
    """IOB1-like tags -> valid BIO: an I- that does not continue the same type opens one."""
    out: list[str] = []
    previous = "O"
    for tag in tags:
        if tag.startswith("I-") and (previous == "O" or previous[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def map_sentence(
    pairs: Sequence[tuple[str, str]], mapper: Callable[[str], str | None], source: str
) -> Sentence:
    """Map fine tags to coarse BIO, normalise tokens, drop tokens that become empty."""
    tokens: list[str] = []
    tags: list[str] = []
    for token, tag in pairs:
        if tag == "O":
            coarse = "O"
        else:
            prefix, _, cls = tag.partition("-")
            if prefix not in ("B", "I") or not cls:
                raise CorpusError(f"{source}: malformed tag {tag!r}")
            label = mapper(cls)
            coarse = f"{prefix}-{label}" if label else "O"
        tokens.append(token)
        tags.append(coarse)
    tags = repair_bio(tags)
    kept_tokens: list[str] = []
    kept_tags: list[str] = []
    for token, tag in zip(tokens, tags, strict=True):
        norm = "".join(normalize(token).split())
        if not norm:
            continue  # its tag goes with it; repair_bio below re-opens a following I-
        kept_tokens.append(norm)
        kept_tags.append(tag)
    return Sentence(kept_tokens, repair_bio(kept_tags), source)


def aner_label(cls: str) -> str | None:
    if cls not in ANER_LABELS:
        raise CorpusError(f"ANERcorp: unknown class {cls!r}")
    return ANER_LABELS[cls]


def fane_label(cls: str) -> str | None:
    cls = FANE_ALIASES.get(cls, cls)
    if cls not in FANE_COARSE:
        raise CorpusError(f"FANE: unknown class {cls!r}")
    return FANE_COARSE[cls]


def aqmar_label(cls: str) -> str | None:
    if cls in ("PER", "LOC", "ORG"):
        return cls
    if cls.startswith("MIS"):  # MIS, MIS0..MIS3, MIS-1, MIS-2
        return "MISC"
    raise CorpusError(f"AQMAR: unknown class {cls!r}")


def read_aner(data: Path, name: str) -> list[Sentence]:
    raw = read_columns(data / ANER_DIR / name, tab=False)
    return [map_sentence(s, aner_label, f"aner:{name}") for s in raw]


def read_fane(data: Path, name: str) -> list[Sentence]:
    raw = read_columns(data / FANE_DIR / name, tab=True)
    return [map_sentence(s, fane_label, f"fane:{name}") for s in raw]


def read_wojood(data: Path) -> list[Sentence]:
    """Wojood's public sample (all three files): nested tags, several per token. A token
    takes its first tag of a class that maps to PER, ORG or LOC; the other classes (dates,
    numbers, nationalities and so on) are not names here."""
    sentences: list[Sentence] = []
    for name in WOJOOD_FILES:
        path = data / WOJOOD_DIR / name
        pairs: list[tuple[str, str]] = []
        with path.open(encoding="utf-8-sig") as handle:
            for line in [*handle, ""]:
                parts = line.split()
                if not parts:
                    if pairs:
                        sentences.append(map_sentence(pairs, _wojood_label, f"wojood:{name}"))
                        pairs = []
                    continue
                tag = next((t for t in parts[1:] if t.partition("-")[2] in WOJOOD_LABELS), "O")
                pairs.append((parts[0], tag))
    return sentences


def _wojood_label(cls: str) -> str | None:
    return WOJOOD_LABELS[cls]


def read_aqmar(data: Path) -> list[Sentence]:
    sentences: list[Sentence] = []
    for path in sorted((data / AQMAR_DIR).glob("*.txt")):
        for raw in read_columns(path, tab=False):
            fixed = [(tok, AQMAR_TAG_FIXES.get(tag, tag)) for tok, tag in raw]
            sentences.append(map_sentence(fixed, aqmar_label, f"aqmar:{path.stem}"))
    return sentences


# ------------------------------------------------------------------ NewsFANE alignment


class CharStream:
    """The space-free concatenation of a corpus's normalised tokens, with each character's
    (sentence, token) position, so text tokenised differently can be located in it."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        chars: list[str] = []
        self.where: list[tuple[int, int]] = []
        for si, sentence in enumerate(sentences):
            for ti, token in enumerate(sentence.tokens):
                chars.append(token)
                self.where.extend([(si, ti)] * len(token))
        self.text = "".join(chars)

    def contains_any_chunk(self, text: str, size: int = 25) -> bool:
        chunks = [text[i : i + size] for i in range(0, max(1, len(text) - size + 1), size)]
        return any(chunk in self.text for chunk in chunks)


def split_newsfane(
    newsfane: Sequence[Sentence], aner_train: Sequence[Sentence], aner_test: Sequence[Sentence]
) -> tuple[list[Sentence], list[Sentence], Counter[str]]:
    """(sentences whose text is in ANERcorp train only, in ANERcorp test only, counts)."""
    train_stream, test_stream = CharStream(aner_train), CharStream(aner_test)
    in_train: list[Sentence] = []
    in_test: list[Sentence] = []
    counts: Counter[str] = Counter()
    for sentence in newsfane:
        text = "".join(sentence.tokens)
        a = train_stream.contains_any_chunk(text)
        b = test_stream.contains_any_chunk(text)
        if a and not b:
            in_train.append(sentence)
            counts["aner_train_text"] += 1
        elif b and not a:
            in_test.append(sentence)
            counts["aner_test_text"] += 1
        else:  # both (boilerplate such as "(Reuters)") or neither: used nowhere
            counts["both" if a else "unmatched"] += 1
    return in_train, in_test, counts


def align(text: str, stream: CharStream, min_matched: float = 0.9) -> dict[int, int] | None:
    """Map character positions of ``text`` to positions in ``stream`` (None if not found).

    The two texts may differ slightly (a word changed, a ta marbuta written as ta before a
    split-off clitic), so a 25-character chunk found verbatim anchors a window that is then
    aligned character by character."""
    size = 25
    anchor = -1
    for k in range(0, max(1, len(text) - size + 1), size):
        pos = stream.text.find(text[k : k + size])
        if pos >= 0:
            anchor = pos - k
            break
    if anchor < 0 or not text:
        return None
    lo = max(0, anchor - 60)
    window = stream.text[lo : anchor + len(text) + 60]
    matcher = difflib.SequenceMatcher(None, text, window, autojunk=False)
    mapping: dict[int, int] = {}
    for a, b, n in matcher.get_matching_blocks():
        for i in range(n):
            mapping[a + i] = lo + b + i
    if len(mapping) < min_matched * len(text):
        return None
    return mapping


def project(
    sources: Sequence[Sentence], targets: Sequence[Sentence]
) -> tuple[dict[int, Projection], Counter[str]]:
    """Project the entities of ``sources`` onto the tokens of ``targets`` through the
    space-free text; an entity covers every target token from its first to its last
    character."""
    stream = CharStream(targets)
    out: dict[int, Projection] = {}
    counts: Counter[str] = Counter()
    for sentence in sources:
        text = "".join(sentence.tokens)
        mapping = align(text, stream)
        if mapping is None:
            counts["not_found"] += 1
            continue
        counts["found"] += 1
        for target in mapping.values():
            si, ti = stream.where[target]
            out.setdefault(si, Projection()).covered.add(ti)
        starts = [0]
        for token in sentence.tokens:
            starts.append(starts[-1] + len(token))
        for start, end, label in sentence.entities():
            first_char, last_char = starts[start], starts[end] - 1
            if first_char not in mapping or last_char not in mapping:
                counts["entity_not_aligned"] += 1
                continue
            first = stream.where[mapping[first_char]]
            last = stream.where[mapping[last_char]]
            if first[0] != last[0] or first[1] > last[1]:
                counts["entity_not_aligned"] += 1
                continue
            out.setdefault(first[0], Projection()).spans.append((first[1], last[1] + 1, label))
            counts["entities"] += 1
    return out, counts


@dataclass(frozen=True)
class Clitics:
    """Token forms that FANE splits off and ANERcorp (like the runtime tokenizer) keeps
    attached: ``before`` attach to the next token, ``after`` to the previous one."""

    before: frozenset[str]
    after: frozenset[str]


def learn_clitics(
    split: Sequence[Sentence], whole: Sequence[Sentence], min_count: int = 20,
    min_share: float = 0.9,
) -> Clitics:
    """Learn the clitic forms from the same text tokenised both ways (NewsFANE vs
    ANERcorp): a form that is part of a larger ANERcorp token, on the same side, in at
    least ``min_share`` of its ``min_count`` or more occurrences."""
    stream = CharStream(whole)
    roles: dict[str, Counter[str]] = {}
    for sentence in split:
        text = "".join(sentence.tokens)
        mapping = align(text, stream, min_matched=1.0)
        if mapping is None:
            continue
        owner: list[tuple[int, int]] = []
        offset = 0
        for token in sentence.tokens:
            first = stream.where[mapping[offset]]
            last = stream.where[mapping[offset + len(token) - 1]]
            owner.append(first if first == last else (-1, -1))
            offset += len(token)
        for i, token in enumerate(sentence.tokens):
            if owner[i] == (-1, -1):
                continue
            with_prev = i > 0 and owner[i - 1] == owner[i]
            with_next = i + 1 < len(owner) and owner[i + 1] == owner[i]
            role = "before" if with_next and not with_prev else (
                "after" if with_prev and not with_next else "other")
            roles.setdefault(token, Counter())[role] += 1
    before, after = set(), set()
    for token, counts in roles.items():
        total = sum(counts.values())
        if total < min_count:
            continue
        if counts["before"] >= min_share * total:
            before.add(token)
        elif counts["after"] >= min_share * total:
            after.add(token)
    return Clitics(frozenset(before), frozenset(after))


def rejoin(sentence: Sentence, clitics: Clitics) -> Sentence:
    """Glue split-off clitics back onto their host token, as the runtime tokenizer sees
    them. The glued token takes the first entity tag among its parts."""
    groups: list[list[int]] = []
    glue_next = False
    for i, token in enumerate(sentence.tokens):
        if groups and (glue_next or token in clitics.after):
            groups[-1].append(i)
        else:
            groups.append([i])
        glue_next = token in clitics.before
    tokens = ["".join(sentence.tokens[i] for i in g) for g in groups]
    tags = [next((sentence.tags[i] for i in g if sentence.tags[i] != "O"), "O") for g in groups]
    return Sentence(tokens, repair_bio(tags), sentence.source)


def with_spans(sentence: Sentence, spans: Iterable[tuple[int, int, str]]) -> Sentence:
    tags = ["O"] * len(sentence.tokens)
    for start, end, label in spans:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return Sentence(list(sentence.tokens), tags, sentence.source)


def add_non_overlapping(
    sentence: Sentence, extra: Sequence[tuple[int, int, str]], counts: Counter[str]
) -> Sentence:
    """The sentence's own entities plus the extra spans that overlap none of them."""
    spans = sentence.entities()
    taken = {i for start, end, _ in spans for i in range(start, end)}
    for start, end, label in sorted(set(extra)):
        if any(i in taken for i in range(start, end)):
            continue
        spans.append((start, end, label))
        taken.update(range(start, end))
        counts[f"added_{label}"] += 1
    return with_spans(sentence, spans)


def newsfane_on_aner_tokens(
    aner_test: Sequence[Sentence], projections: dict[int, Projection]
) -> list[Sentence]:
    """ANERcorp test sentences wholly covered by held-out NewsFANE text, with only the
    NewsFANE entities (non-overlapping, first wins)."""
    out: list[Sentence] = []
    for si, sentence in enumerate(aner_test):
        projection = projections.get(si)
        # The first token is exempt: in this copy of the test split it is not the
        # original word (see evaluate.py), so it never aligns.
        if projection is None or not set(range(1, len(sentence.tokens))) <= projection.covered:
            continue
        spans: list[tuple[int, int, str]] = []
        taken: set[int] = set()
        for start, end, label in sorted(set(projection.spans)):
            if any(i in taken for i in range(start, end)):
                continue
            spans.append((start, end, label))
            taken.update(range(start, end))
        out.append(with_spans(Sentence(sentence.tokens, [], "newsfane-on-aner"), spans))
    return out


# ------------------------------------------------------------------------ augmentation


def to_doc(vocab: Vocab, sentence: Sentence) -> Doc:
    return Doc(vocab, words=sentence.tokens, spaces=[True] * len(sentence.tokens),
               ents=sentence.tags)


def digest(sentences: Sequence[Sentence]) -> str:
    h = hashlib.sha256()
    for s in sentences:
        h.update(json.dumps([s.tokens, s.tags], ensure_ascii=False).encode("utf-8"))
    return h.hexdigest()


def describe(sentences: Sequence[Sentence]) -> dict[str, object]:
    labels: Counter[str] = Counter(label for s in sentences for _, _, label in s.entities())
    return {
        "sentences": len(sentences),
        "tokens": sum(len(s.tokens) for s in sentences),
        "entities": dict(sorted(labels.items())),
        "sha256": digest(sentences),
    }


def write(out: Path, name: str, sentences: Sequence[Sentence]) -> None:
    vocab = Vocab()
    docbin = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"])
    for sentence in sentences:
        if sentence.tokens:
            docbin.add(to_doc(vocab, sentence))
    docbin.to_disk(out / f"{name}.spacy")


SOURCES = ("newsfane", "aqmar", "wikifane")


def convert(data: Path, out: Path, sources: Sequence[str]) -> dict[str, object]:
    unknown = set(sources) - set(SOURCES)
    if unknown:
        raise SystemExit(f"unknown source(s): {sorted(unknown)}; choose from {SOURCES}")
    aner_train = read_aner(data, ANER_TRAIN)
    aner_test = read_aner(data, ANER_TEST)
    newsfane = read_fane(data, NEWSFANE)
    nf_train, nf_test, nf_counts = split_newsfane(newsfane, aner_train, aner_test)
    test_projection, test_proj_counts = project(nf_test, aner_test)
    manifest: dict[str, object] = {"sources": ["anercorp", *sources],
                                   "newsfane_split": dict(nf_counts),
                                   "newsfane_test_projection": dict(test_proj_counts)}

    train_base = list(aner_train)
    if "newsfane" in sources:
        projections, proj_counts = project(nf_train, aner_train)
        added: Counter[str] = Counter()
        train_base = [
            add_non_overlapping(s, projections[i].spans, added) if i in projections else s
            for i, s in enumerate(aner_train)
        ]
        manifest["newsfane_train_projection"] = {**proj_counts, **added}

    # Dev is the last tenth of the ANERcorp train split: later articles, as the test split
    # is, so model choice rewards recognising unseen names rather than memorising them.
    # Dev keeps the plain ANERcorp annotation, the convention the test split follows.
    cut = len(aner_train) - len(aner_train) // DEV_FRACTION
    dev = list(aner_train[cut:])
    train = list(train_base[:cut])

    # WikiFANE, with the clitics it splits off glued back as the runtime tokenizer leaves
    # them, and without the sentences that share text with the ANERcorp test split.
    test_stream = CharStream(aner_test)
    wiki_all = read_fane(data, WIKIFANE)
    wikifane = [s for s in wiki_all if not test_stream.contains_any_chunk("".join(s.tokens))]
    manifest["wikifane_filter"] = {"sentences": len(wiki_all),
                                   "dropped_sharing_text_with_aner_test":
                                   len(wiki_all) - len(wikifane)}
    clitics = learn_clitics(newsfane, aner_train)
    manifest["clitics"] = {"before": sorted(clitics.before), "after": sorted(clitics.after)}
    wikifane = [rejoin(s, clitics) for s in wikifane]
    aqmar = read_aqmar(data)
    wojood = read_wojood(data)
    if "aqmar" in sources:
        train += aqmar
    if "wikifane" in sources:
        train += wikifane

    splits = {
        "train": train,
        "dev": dev,
        "aner_test": aner_test,
        "newsfane_heldout": nf_test,
        "newsfane_heldout_aner_tokens": newsfane_on_aner_tokens(aner_test, test_projection),
        # Other corpora, for the models and resources built beside the ANERcorp model.
        "wikifane": wikifane,
        "aqmar_wojood": [*aqmar, *wojood],
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, sentences in splits.items():
        write(out, name, sentences)
        manifest[name] = describe(sentences)
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"),
                        help="folder with anercorp_camel/, fane_gold/, aqmar/, wojood_sample/")
    parser.add_argument("--out", type=Path, default=Path("build/ner"))
    parser.add_argument("--sources", default="",
                        help=f"comma-separated extra training sources: {', '.join(SOURCES)}")
    args = parser.parse_args(argv)
    missing = [d for d in (ANER_DIR, FANE_DIR, AQMAR_DIR, WOJOOD_DIR)
               if not (args.data / d).is_dir()]
    if missing:
        parser.error(f"{args.data} lacks the corpus folder(s) {', '.join(missing)}; "
                     "give the folder that holds them with --data (make train-ner DATA=...)")
    sources = [s for s in args.sources.split(",") if s]
    manifest = convert(args.data, args.out, sources)
    json.dump(manifest, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
