"""The load benchmark (``python -m benchmarks.load``), run short: a real server answers every
fetch of both phases.  Correctness only: how fast is for the benchmark itself to say."""

from __future__ import annotations

from benchmarks.load import ENDPOINTS, PHASES, markdown, run_load, shown_command


def test_a_short_load_run_answers_every_fetch_and_orders_its_percentiles(database_url: str) -> None:
    run = run_load(clients=2, seconds=3, db=database_url, say=lambda _: None)
    assert [(r.phase, r.endpoint) for r in run.results] == [(p, e) for p in PHASES for e in ENDPOINTS]
    for r in run.results:
        assert r.requests > 0 and r.errors == 0, (r, run.errors)
        assert r.p50_ms is not None and r.p90_ms is not None and r.p99_ms is not None and r.max_ms is not None
        assert 0 < r.p50_ms <= r.p90_ms <= r.p99_ms <= r.max_ms, r
    assert run.solve is not None
    assert run.solve.running_throughout, "the clients of the solving phase ran while nothing solved"
    assert run.solve.state_after == "cancelled"
    report = markdown(run, "python -m benchmarks.load --clients 2 --seconds 3")
    assert report.count("| optimizer solving |") == 2 and report.count("| nothing solving (baseline) |") == 2


def test_the_report_never_shows_the_database_url() -> None:
    url = "postgresql+psycopg://repat:secret@127.0.0.1/repat"
    for arguments in (["--db", url, "--clients", "2"], [f"--db={url}"]):
        shown = shown_command(arguments)
        assert "secret" not in shown and "URL" in shown
