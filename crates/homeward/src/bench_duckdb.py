# The same patterns tiles as Homeward's, answered by DuckDB with a full scan of the same
# facts (exported to CSV by `homeward bench --scale`), for comparison. Run by the benchmark:
#   python3 bench_duckdb.py facts.csv duties.csv windows.json runs
# Prints one JSON object per line: window, tile, p50 and p95 in milliseconds, and for the
# headline the number of episodes, to check both answered the same question.
import json
import sys
import time

import duckdb

facts, duties, windows_file, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
windows = json.load(open(windows_file))
con = duckdb.connect()
con.execute(f"CREATE TABLE f AS SELECT * FROM read_csv('{facts}', header = true, all_varchar = false)")
con.execute(f"CREATE TABLE d AS SELECT * FROM read_csv('{duties}', header = true, all_varchar = false)")

IN_TIME = 72 * 3600 * 1000


def tiles(w):
    cond = (
        f"f.phase <> 'recorded_in_error' AND f.started_at >= {w['from']} "
        f"AND f.started_at < {w['before']}"
    )
    if w.get("service"):
        cond += f" AND f.service_id = '{w['service']}'"
    day_ago = w["now"] - 24 * 3600 * 1000

    def n(c):
        return f"SUM(CASE WHEN {c} THEN 1 ELSE 0 END)"

    headline = ", ".join(
        [
            "COUNT(*)",
            n("f.episode_number = 1"),
            n("f.episode_number > 1"),
            n("f.found_at IS NULL"),
            n(f"(f.away_minutes > 1440 OR (f.found_at IS NULL AND f.started_at < {day_ago}))"),
            n("f.reported_after_minutes IS NOT NULL"),
            n("f.reported_after_minutes IS NULL"),
            n("f.returned_at IS NOT NULL"),
            n("f.returned_at IS NOT NULL AND f.interview_offers > 0"),
            n(
                "f.returned_at IS NOT NULL AND f.interview_first_offered_at IS NOT NULL "
                f"AND f.interview_first_offered_at <= f.returned_at + {IN_TIME}"
            ),
            n("f.returned_at IS NOT NULL AND f.interview_declines > 0"),
            n("f.returned_at IS NOT NULL AND f.interview = 'held'"),
            n("f.returned_at IS NOT NULL AND f.interview_offers = 0"),
        ]
    )
    return {
        "headline": [f"SELECT {headline} FROM f WHERE {cond}"],
        "people": [f"SELECT COUNT(DISTINCT f.person_id) FROM f WHERE {cond}"],
        "durations": [
            "SELECT quantile_disc(f.away_minutes, 0.5), "
            f"quantile_disc(f.reported_after_minutes, 0.5) FROM f WHERE {cond}"
        ],
        "grades": [
            f"SELECT f.police_grade, COUNT(*) FROM f WHERE {cond} "
            "AND f.police_grade IS NOT NULL GROUP BY 1"
        ],
        "grid": [
            f"SELECT f.start_weekday, f.start_hour, COUNT(*) FROM f WHERE {cond} GROUP BY 1, 2"
        ],
        "places": [
            f"SELECT f.last_seen_place, COUNT(*) c FROM f WHERE {cond} "
            "AND f.last_seen_place IS NOT NULL GROUP BY 1 ORDER BY c DESC LIMIT 10",
            f"SELECT f.found_town, COUNT(*) c FROM f WHERE {cond} "
            "AND f.found_town IS NOT NULL GROUP BY 1 ORDER BY c DESC LIMIT 10",
        ],
        "risks": [
            "SELECT r, COUNT(*), COUNT(DISTINCT person_id) FROM (SELECT f.person_id, "
            f"unnest(string_split(f.risks, ',')) AS r FROM f WHERE {cond} "
            "AND f.risks IS NOT NULL) GROUP BY r"
        ],
        "most": [
            f"SELECT f.person_id, COUNT(*) c FROM f WHERE {cond} "
            "GROUP BY 1 ORDER BY c DESC, 1 LIMIT 10"
        ],
        "duties": [
            "SELECT d.rule, COUNT(*), "
            + n("d.status = 'done' AND (d.due_at IS NULL OR d.done_at IS NULL OR d.done_at <= d.due_at)")
            + ", "
            + n("d.status = 'done' AND d.due_at IS NOT NULL AND d.done_at > d.due_at")
            + ", "
            + n(f"d.status = 'open' AND d.due_at IS NOT NULL AND d.due_at < {w['now']}")
            + ", quantile_disc(CASE WHEN d.status = 'done' AND d.done_at > d.due_at "
            "THEN (d.done_at - d.due_at) // 60000 END, 0.5) "
            f"FROM d JOIN f ON f.episode_id = d.episode_id WHERE {cond} "
            "AND d.status <> 'information' GROUP BY 1"
        ],
        "together": [
            "SELECT a.episode_id, c.episode_id FROM f a JOIN f c ON c.service_id = a.service_id "
            "AND c.person_id <> a.person_id AND c.phase <> 'recorded_in_error' "
            "AND c.started_at >= a.started_at AND c.started_at <= a.started_at + 3600000 "
            "AND (c.started_at > a.started_at OR c.episode_id > a.episode_id) "
            f"WHERE {cond.replace('f.', 'a.')} ORDER BY a.started_at DESC, a.episode_id, "
            "c.started_at LIMIT 200"
        ],
    }


for i, w in enumerate(windows):
    for tile, queries in tiles(w).items():
        times = []
        first = None
        for _ in range(runs):
            t = time.perf_counter()
            for q in queries:
                rows = con.execute(q).fetchall()
                if first is None:
                    first = rows
            times.append((time.perf_counter() - t) * 1000)
            # A query that takes many seconds is timed three times, not fifty: its p95 is
            # then its slowest, which is enough to compare with.
            if len(times) >= 3 and sum(times) > 15000:
                break
        times.sort()
        out = {
            "window": i,
            "tile": tile,
            "p50": times[round((len(times) - 1) * 0.5)],
            "p95": times[round((len(times) - 1) * 0.95)],
        }
        if tile == "headline":
            out["episodes"] = first[0][0]
        print(json.dumps(out), flush=True)
