"""Lexicon matching (claims.tokenizer.VariantLexicon): whole tokens, leftmost-longest."""

from __future__ import annotations

import pytest
import spacy

from claims.tokenizer import VariantLexicon


def test_a_lexicon_matches_leftmost_longest_on_whole_tokens() -> None:
    """Where forms overlap, the one starting first wins, then the longest; a form is
    found only on whole tokens, and a whitespace token breaks a form."""
    nlp = spacy.blank("ar")
    lexicon: VariantLexicon[str] = VariantLexicon("places")
    lexicon.add(("قاعده",), "base")
    lexicon.add(("قاعده", "عين", "الاسد"), "ain_al_asad")
    lexicon.add(("عين", "الاسد"), "asad_only")
    lexicon.add(("الاسد", "الجويه"), "air_wing")
    lexicon.build(nlp.vocab)
    doc = nlp.make_doc("غادرت القوات قاعده عين الاسد الجويه وعين  الاسد والقاعدة")
    found = [(doc[m.start : m.end].text, m.payload) for m in lexicon(doc)]
    assert found == [("قاعده عين الاسد", "ain_al_asad")]
    unbuilt: VariantLexicon[str] = VariantLexicon("unbuilt")
    with pytest.raises(RuntimeError):
        unbuilt(doc)
