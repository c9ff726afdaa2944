from bench.harness import Result, table


def test_the_table_shows_times_rates_ratios_and_verdicts():
    rows = table(
        [
            Result("fit", 0.0117, "OLS", 0.0008, None),
            Result("savings", 0.105, "SQL", 0.060, 2.0),
            Result("too slow", 0.3, "SQL", 0.1, 2.0),
            Result("portfolio", 754.2, "aggregate", 38.0, None),
            Result(
                "uploads",
                1 / 20_000,
                "first 10",
                1 / 25_000,
                None,
                ours_text="20,000 rows/s",
                reference_text="25,000 rows/s",
            ),
        ]
    ).splitlines()
    assert rows[2] == "| fit | 11.7 ms | OLS | 0.8 ms | 14.62× | — | report |"
    assert rows[3] == "| savings | 105.0 ms | SQL | 60.0 ms | 1.75× | ≤ 2× | ok |"
    assert rows[4] == "| too slow | 300.0 ms | SQL | 100.0 ms | 3.00× | ≤ 2× | MISSED |"
    assert rows[5] == "| portfolio | 754.2 s | aggregate | 38.0 s | 19.85× | — | report |"
    assert rows[6] == "| uploads | 20,000 rows/s | first 10 | 25,000 rows/s | 1.25× | — | report |"
