"""The load benchmark's figures from its phases' recorded requests, worked out by hand."""

from pacekeeper.bench.load import Answer, _figures


def _phase(seconds, *requests, errors=0):
    # Each answer ends two seconds after the one before.
    answers = [Answer("GET", name, ms, False, 1000.0 + 2 * index) for index, (name, ms) in enumerate(requests)]
    return {"seconds": seconds, "errors": errors, "requests": answers}


def test_figures_are_the_people_at_work_and_the_busy_phase_over_the_quiet_one():
    trivial = _phase(10, *[("trivial", 1)] * 30)  # 3 requests a second
    warm_up = _phase(15, ("my day", 9000), errors=1)
    quiet = _phase(
        10,
        *[("my day", 100), ("page", 200), ("team", 300), ("page", 400), ("my day", 500)],
        *[("large export", 20000), ("sign in", 900), ("sign in (page)", 800)],
        errors=2,
    )
    busy = _phase(10, ("my day", 100), ("team", 200), ("page", 300), ("team", 400), ("x", 1000), ("storm: x", 5000))

    logged = []
    figures = _figures(trivial, warm_up, quiet, busy, log=logged.append)

    # Quiet: 100, 200, 300, 400, 500 (the export and sign-ins left out), in 10 s.
    # p95 (inclusive): 400 + 0.8 × (500 − 400) = 480; busy: 400 + 0.8 × (1000 − 400) = 880.
    assert figures["p50_ms"] == 300
    assert figures["p95_ms"] == 480
    assert figures["rps"] == 0.5  # 5 requests / 10 s
    assert figures["vs_trivial"] == 0.167  # 0.5 / 3
    assert figures["p95_under_import_ratio"] == 1.83  # 880 / 480
    assert figures["errors"] == 3
    # Busy by 5-second windows: 100, 200, 300 (at 0, 2, 4 s), then 400, 1000 (at 6, 8 s).
    assert "  busy · p95 per 5 s: 290, 970" in logged  # 200 + 0.9 × 100; 400 + 0.95 × 600
