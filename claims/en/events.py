"""English event triggers with their type, tense and phase cues.

The Arabic unit (:class:`claims.events.EventsComponent`) does the work: merging triggers
of one type, convoys absorbing the movement next to them, requirements ("left" counts
only near a force, a base or a figure), size words, quantities linked to their event. It
runs here on English lexicons (``lexicon/en/events.yaml``, the Arabic schema plus
``tenses``; ``patterns/en/presence.jsonl``), compiled without clitic expansion and matched
without regard to case.

What English needs on top is the tense of a verb, which English builds with auxiliaries
rather than prefixes: each trigger word found gets its tense from the words before it
(:func:`english_tense`): "will withdraw" is future (planned), "is withdrawing" present
(ongoing), "were killed" past (completed), "to withdraw" no tense (the verb governing it
decides, through a phase cue or the agreement it completes), and a present verb in a
headline tells a past event ("US hands over Tower 22 base").
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field
from spacy.lang.en import English
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from claims import layers
from claims.en.lexicon import PhraseLexicon, Tokenize
from claims.events import (
    EventLexicon,
    EventsComponent,
    EventsFile,
    Tense,
    TriggerMention,
    _cue_key,
    _CueKey,
    _SplitKey,
    _TriggerKey,
    _wider,
)
from claims.layers import Contract
from claims.resources import load_yaml
from claims.sentences import AnchoredMatcher, load_patterns
from claims.tokenizer import LexMatch, doc_text, load_morphology

__all__ = ["EnglishEventsFile", "load_english_events"]

EVENTS_FILE = "lexicon/en/events.yaml"
PRESENCE_PATTERNS_FILE = "patterns/en/presence.jsonl"


class EnglishTenses(BaseModel):
    """The auxiliaries that decide a verb's tense (see ``tenses`` in events.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    window: int = Field(ge=1)
    future: list[str]
    present: list[str]
    past: list[str]
    perfect: list[str]
    do_past: list[str]
    do_present: list[str]
    infinitive: list[str]
    skip: list[str]
    headline_present_is_past: bool


class EnglishEventsFile(EventsFile):
    """Schema of ``lexicon/en/events.yaml``: the Arabic schema plus the auxiliaries."""

    tenses: EnglishTenses


def load_english_events() -> EnglishEventsFile:
    return load_yaml(EVENTS_FILE, EnglishEventsFile)


def english_tense(doc: Doc, start: int, tense: Tense, tenses: EnglishTenses) -> Tense:
    """The tense of the trigger word at ``start`` read with the auxiliaries before it."""
    auxiliaries: list[str] = []
    i = start - 1
    while i >= 0 and start - i <= tenses.window:
        word = doc[i].lower_
        if word in tenses.skip:
            i -= 1
            continue
        if word in (
            *tenses.future, *tenses.present, *tenses.past, *tenses.perfect,
            *tenses.do_past, *tenses.do_present,
        ):
            auxiliaries.append(word)
            i -= 1
            continue
        break
    if any(a in tenses.future for a in auxiliaries):
        return "future"
    nearest = auxiliaries[0] if auxiliaries else None
    if tense in ("present", "participle"):
        if start > 0 and doc[start - 1].lower_ in tenses.infinitive:
            return "noun"  # "to withdraw": the verb that governs it decides
        if nearest in tenses.do_past:
            return "past"
        if nearest is not None:
            return "present"  # "is withdrawing", "were leaving", "have been stationed"
        if tense == "present" and tenses.headline_present_is_past and _in_headline(doc, start):
            return "past"
        return tense
    if tense == "past" and nearest in tenses.present and not auxiliaries[1:]:
        return "present"  # "are stationed", "is handed over": a state or a process now
    return tense


def _in_headline(doc: Doc, token: int) -> bool:
    """Whether the token is in a headline written as one: the first line, without a full
    stop at its end (a one-sentence text is not headlinese)."""
    sentences = layers.SENTENCES.get(doc)
    text = doc_text(doc)
    return any(
        s.headline and s.tok_start <= token < s.tok_end and text[s.end - 1 : s.end] not in ".!?"
        for s in sentences
    )


class TriggerLexicon(PhraseLexicon[_TriggerKey]):
    """English trigger words; each match carries the tense its auxiliaries give it."""

    def __init__(self, name: str, tokenize: Tokenize, tenses: EnglishTenses) -> None:
        super().__init__(name, tokenize)
        self.tenses = tenses

    def __call__(self, doc: Doc) -> list[LexMatch[_TriggerKey]]:
        out = []
        for m in super().__call__(doc):
            tense = english_tense(doc, m.start, m.payload.tense, self.tenses)
            payload = m.payload if tense == m.payload.tense else _TriggerKey(m.payload.group, tense)
            out.append(LexMatch(m.start, m.end, payload, m.clitic))
        return out


class EnglishEventLexicon(EventLexicon):
    """events.yaml for English compiled into phrase lexicons (built once per vocab)."""

    def __init__(self, data: EnglishEventsFile, tokenize: Tokenize) -> None:
        self.data = data
        # Only read by the Arabic light-verb step, which English data leaves off.
        self.morph = load_morphology()
        self.triggers = TriggerLexicon("event_triggers", tokenize, data.tenses)
        self.cues: PhraseLexicon[_CueKey] = PhraseLexicon("phase_cues", tokenize)
        self.past: PhraseLexicon[str] = PhraseLexicon("past_markers", tokenize)
        self.support: PhraseLexicon[str] = PhraseLexicon("force_base_nouns", tokenize)
        self.roles: PhraseLexicon[str] = PhraseLexicon("role_words", tokenize)
        self.size: PhraseLexicon[str] = PhraseLexicon("size_words", tokenize)
        self.light: PhraseLexicon[Tense] = PhraseLexicon("light_verbs", tokenize)
        # English keeps a verb next to its object ("gunmen opened fire"): none split.
        self.split: PhraseLexicon[tuple[_SplitKey, ...]] = PhraseLexicon("split_verbs", tokenize)
        forms: list[tuple[Tense, str]]
        for gi, group in enumerate(data.triggers):
            forms = [("noun", w) for w in group.nouns]
            forms += [("participle", w) for w in group.participles]
            forms += [("past", w) for w in group.past]
            forms += [("present", w) for w in group.present]
            for tense, word in forms:
                self.triggers.add_phrase(word, _TriggerKey(gi, tense))
        for phase, groups in data.phase_cues.items():
            for cg in groups:
                for word in cg.words:
                    self._put_english_cue(word, _cue_key(phase, cg))
        self.past.add_phrases(data.past_markers, "past")
        self.support.add_phrases(data.force_nouns, "force")
        self.support.add_phrases(data.base_nouns, "base")
        for role, words in data.roles.items():
            self.roles.add_phrases(words, role)
        self.roles.add_phrases(data.role_breakers, "breaker")
        self.size.add_phrases(data.size_words, "size")

    def _put_english_cue(self, word: str, key: _CueKey) -> None:
        """As the Arabic lexicon does: one word in two groups of one phase reaches as far
        as either allows."""
        tokens = tuple(t.lower() for t in self.cues.words(word))
        known = self.cues.lookup(tokens)
        if known is not None and known[0].phase == key.phase:
            old = known[0]
            merged = _CueKey(
                key.phase,
                key.events if key.events == old.events else None,
                _wider(old.reach_forward, key.reach_forward),
                _wider(old.reach_back, key.reach_back),
            )
            self.cues.replace(tokens, merged)
        else:
            self.cues.add(tokens, key)


class EnglishEvents(EventsComponent):
    """``cc_events`` for English: the Arabic component on English lexicons, plus one
    English step: a count of the dead said after another event's noun ("the death toll
    from the floods rose to 11,300") belongs to the casualties trigger before it."""

    contract: ClassVar[Contract] = EventsComponent.contract

    def __init__(self, lex: EnglishEventLexicon, vocab: Vocab) -> None:
        self.lex = lex
        self.data = lex.data
        self.presence = AnchoredMatcher(vocab, load_patterns(PRESENCE_PATTERNS_FILE))
        self._presence_group = next(
            (i for i, g in enumerate(self.data.triggers) if g.event == "troop_presence"), 0
        )

    def _triggers(self, doc: Doc) -> list[TriggerMention]:
        triggers = super()._triggers(doc)
        self._link_casualty_counts(doc, triggers)
        return triggers

    def _link_casualty_counts(self, doc: Doc, triggers: list[TriggerMention]) -> None:
        """A quantity counting the dead, injured or missing whose nearest trigger before
        it in its sentence is another event's ("the death toll from the floods rose to
        11,300") is linked to the last casualties trigger before it in the sentence, if
        none of another word stands between (the Arabic lexicon never gives such a count
        to another event: ``casualty_units``)."""
        words = {"killed": {"killed", "casualties"}, "injured": {"injured", "casualties"},
                 "missing": {"missing", "casualties"}}
        sentences = layers.SENTENCES.get(doc)
        links = layers.QUANTITY_LINKS.setdefault(doc, {})
        for quantity in layers.QUANTITIES.get(doc):
            if quantity.span is None or quantity.unit not in words:
                continue
            span = doc.char_span(quantity.span.start, quantity.span.end, alignment_mode="expand")
            if span is None or span.start in links:
                continue
            sentence = next(
                (s for s in sentences if s.tok_start <= span.start < s.tok_end), None
            )
            if sentence is None:
                continue
            before = [
                t for t in triggers if sentence.tok_start <= t.tok_start and t.tok_end <= span.start
            ]
            if not before or before[-1].event == "casualties":
                continue
            counted = [t for t in before if t.event == "casualties"]
            if counted and counted[-1].word in words[quantity.unit]:
                links[span.start] = counted[-1].tok_start


@English.factory("cc_events")
def make_events(nlp: Language, name: str) -> EnglishEvents:
    lex = EnglishEventLexicon(load_english_events(), nlp.make_doc)
    lex.build(nlp.vocab)
    return EnglishEvents(lex, nlp.vocab)
