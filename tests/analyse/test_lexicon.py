"""The people lexicon: one file of titles, particles, kin words and labels, loaded once and used everywhere."""
from __future__ import annotations

import pytest

from redactor.analyse import lexicon as lexicon_module
from redactor.analyse.lexicon import SECTIONS, lexicon
from redactor.analyse.names import PARTICLE_RX, TITLES
from redactor.analyse.recognisers.people import KIN_NAME, LABELS, ROLE_INITIALS
from redactor.errors import RulesError


def test_every_section_is_loaded_and_used():
    lex = lexicon()
    assert "Mrs" in lex.titles and "DCI" in lex.titles and TITLES == lex.titles
    assert "Ní" in lex.particles and "Ní" in PARTICLE_RX
    assert KIN_NAME.search("her half-sister Jade") and KIN_NAME.search("Dale's friend Gaz")
    assert ROLE_INITIALS.search("seen by HV LB") and "subject" in LABELS
    assert "mum" in lex.speaker_roles and "appendix" in lex.letter_heads


def test_a_bad_lexicon_is_refused_with_the_section_named(tmp_path, monkeypatch):
    (tmp_path / "lexicon.yaml").write_text("\n".join(f"{s}: [x]" for s in SECTIONS if s != "kin") + "\nkin: 3\n")
    monkeypatch.setattr(lexicon_module, "RULES_DIR", tmp_path)
    lexicon.cache_clear()
    try:
        with pytest.raises(RulesError, match="'kin' must be a list"):
            lexicon()
    finally:
        monkeypatch.undo()
        lexicon.cache_clear()
