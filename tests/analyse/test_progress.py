"""Analysis progress: reported as the work goes, scaled through nested stages, never backwards, free unheard."""
from __future__ import annotations

import itertools
import time

import pytest

from redactor.analyse.progress import listening, report, reporting, ticking, within


def test_nested_stages_scale_their_reports_and_never_go_back() -> None:
    seen: list[float] = []
    with reporting(seen.append):
        assert listening()
        with within(0.0, 0.5):
            report(0.5)
            with within(0.5, 1.0):
                report(0.5)          # 0.5 of the second half of the first half
            report(0.2)              # behind what was reported: not sent
        with within(0.5, 1.0):
            report(0.5)
    assert seen == [0.0, 0.25, 0.375, 0.5, 0.75, 1.0]
    assert not listening()
    report(0.5)                      # nobody listens: nothing happens


def test_a_silent_step_ticks_with_the_clock_and_stops_short_of_its_end() -> None:
    seen: list[float] = []
    with reporting(seen.append), within(0.0, 0.5), ticking(0.6):
        time.sleep(1.0)              # longer than expected: the ticks wait at 95% of the step
    ticks = [f for f in seen if 0.0 < f < 0.5]
    assert len(ticks) >= 2 and ticks == sorted(ticks) and max(ticks) == pytest.approx(0.475)
    assert seen[-1] == 1.0


@pytest.mark.slow
def test_a_long_analysis_reports_as_it_goes_and_finds_the_same(analyse_text) -> None:
    from redactor.analyse import engine

    para = "Shona MacPhail phoned 0141 496 0318 about Ruaridh McAllister on 14 March 2023 at Kilbraddan."
    text = "\n".join([para] * 400)
    quiet = analyse_text(text)
    seen: list[tuple[float, float]] = []
    old = engine.CHUNK_CHARS
    with reporting(lambda f: seen.append((time.perf_counter(), f))):
        heard = analyse_text(text)
    assert engine.CHUNK_CHARS == old and heard.spans == quiet.spans and heard.statements == quiet.statements
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len(set(fractions)) >= 8      # chunk, spaCy ticks, recognisers, later stages, statements
    assert max(b - a for a, b in itertools.pairwise(fractions)) < 0.5
