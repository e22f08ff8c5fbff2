"""Runs scripts/duckdb_reports.sql on a dataset's cdr.csv, for scripts/bench.sh (issue 14).

    python3 scripts/duckdb_reports.py DATASET_DIR
"""
import pathlib
import sys

import duckdb

sql = (pathlib.Path(__file__).parent / "duckdb_reports.sql").read_text()
cdr = pathlib.Path(sys.argv[1]) / "cdr.csv"
duckdb.connect().execute(sql.replace("@CDR@", str(cdr).replace("'", "''")))
