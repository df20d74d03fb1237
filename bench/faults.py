"""Faults under load: PostgreSQL restarted while simulated users work (issue 7, point 8).

    .venv/bin/python bench/faults.py [--users 20] [--seconds 40] [--outage-at 10] [--down 5]

Runs bench/load.py's production servers and users against the bench's own PostgreSQL
(bench/.pgdata, never the dev database), and `--outage-at` seconds into the measured
window stops PostgreSQL (`pg_ctl stop -m fast`: open connections are cut mid-request),
keeps it down `--down` seconds, and starts it again. The app servers are never touched.

It then reports, from what the clients saw:
- during the outage: every answer is the project's 503 page (status 503, the page's
  title, a Retry-After header), never a 500 or a traceback. A CSV download already
  streaming when the database goes cannot change its status any more: it is cut off,
  and the client sees the chunked body end without its terminator (a failed download,
  never a complete-looking file); those are counted apart;
- after PostgreSQL is back: how long until requests succeed again, and that no error
  follows once recovered (no app restart);
- nothing half-written: each client's tags (created minus deleted) against the database,
  every tag row complete, every tag's history ending in a snapshot equal to the row.

The second fault, killing an import halfway, is an automated test:
tests/test_import_kill.py (it runs in a few seconds, so CI runs it).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import (
    Stats,
    arguments,
    check_integrity,
    count_tags,
    cpu_probes,
    outcome_lines,
    run_load,
    start_all,
    summarise,
    table,
    write_results,
)

RECOVERY_GRACE = 3.0  # seconds after PostgreSQL is back before every request must succeed


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument("--outage-at", type=float, default=10, help="s into the window")
    parser.add_argument("--down", type=float, default=5, help="seconds PostgreSQL stays down")
    parser.set_defaults(users=20, seconds=40)
    args = parser.parse_args()
    if args.database_url:
        parser.error("faults need the bench's own PostgreSQL (no --database-url)")
    postgres, url, prepared, servers = start_all(args)
    stats = Stats()
    marks: dict[str, float] = {}

    def outage() -> None:
        marks["stop"] = time.monotonic() - stats.started
        postgres.stop("fast")
        marks["stopped"] = time.monotonic() - stats.started
        time.sleep(args.down)
        marks["start"] = time.monotonic() - stats.started
        postgres.start_again()
        marks["back"] = time.monotonic() - stats.started

    timer = threading.Timer(args.outage_at, outage)
    try:
        print(
            f"running {args.users + args.reviewers} users for {args.seconds:g} s; PostgreSQL "
            f"goes down at {args.outage_at:g} s for {args.down:g} s…",
            flush=True,
        )
        meta, ledgers = run_load(
            [s.port for s in servers],
            prepared,
            seconds=args.seconds,
            think=args.think,
            stats=stats,
            cpu_probes=cpu_probes(postgres, servers),
            warmup=args.warmup,
            on_window=timer.start,
        )
    finally:
        if timer.is_alive():
            timer.join()
        for server in servers:
            server.stop()
    records = stats.records

    def answered(r) -> float:  # a request belongs to the phase in which it was answered
        return r.at + r.ms / 1000

    during = [r for r in records if marks["stop"] <= answered(r) < marks["back"]]
    after = [r for r in records if answered(r) >= marks["back"]]
    before = [r for r in records if answered(r) < marks["stop"]]
    bad_during = [r for r in during if not (r.ok or r.outage_page or r.interrupted)]
    cut = [r for r in during if r.interrupted]
    first_ok = min((r.at for r in after if r.ok), default=None)
    recovered_at = marks["back"] + RECOVERY_GRACE
    late_errors = [r for r in after if r.at >= recovered_at and not r.ok]
    counts = count_tags(ledgers)
    integrity = check_integrity()
    phases = {
        "before": dict(Counter(r.status for r in before)),
        "during": dict(Counter(r.status for r in during)),
        "after": dict(Counter(r.status for r in after)),
    }
    ok = (
        not bad_during
        and any(r.outage_page for r in during)
        and first_ok is not None
        and not late_errors
        and counts["ok"]
        and integrity["ok"]
    )
    report = {
        "settings": vars(args),
        "marks_s": {k: round(v, 2) for k, v in marks.items()},
        "status_by_phase": phases,
        "outage_pages": sum(r.outage_page for r in during),
        "downloads_cut_off": [(r.name, round(r.at, 1)) for r in cut],
        "bad_answers_during_outage": [(r.name, r.status) for r in bad_during][:50],
        "first_success_after_restart_s": round(first_ok - marks["back"], 2) if first_ok else None,
        "errors_after_recovery": [(round(r.at, 1), r.name, r.status) for r in late_errors][:50],
        "run": meta,
        "endpoints": summarise(records, meta["seconds"]),
        "tag_count": counts,
        "integrity": integrity,
        "first_errors": stats.errors[:20],
        "ok": ok,
    }
    recovery = (
        f"{first_ok - marks['back']:.2f} s after PostgreSQL was back" if first_ok else "NEVER"
    )
    text = "\n".join(
        [
            f"Fault: PostgreSQL stopped (fast) at {marks['stop']:.1f} s, started again at "
            f"{marks['start']:.1f} s, accepting at {marks['back']:.1f} s; "
            f"{args.users} editors + {args.reviewers} reviewer(s), {args.servers} server(s)",
            f"answers by status — before: {phases['before']}; during: {phases['during']}; "
            f"after: {phases['after']}",
            f"during the outage: {report['outage_pages']} answers were the 503 page with "
            f"Retry-After; other failures: {len(bad_during)} "
            f"{report['bad_answers_during_outage'][:5]}; streamed downloads cut off mid-way "
            f"(the client sees an incomplete chunked body, not a whole file): {len(cut)}",
            f"first success {recovery}; errors later than {RECOVERY_GRACE:g} s after: "
            f"{len(late_errors)}",
            table(report["endpoints"]),
            *outcome_lines(meta, counts, integrity, stats.errors),
            f"verdict: {'PASS' if ok else 'FAIL'}",
        ]
    )
    path = write_results("faults-pg-restart", report, text)
    print(text)
    print(f"results: {path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
