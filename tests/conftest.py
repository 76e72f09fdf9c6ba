# --doctest-modules would import every .py file under tests/ as a top-level module (records/random.py
# would shadow the standard library's `random`); records and helpers are imported by the tests instead.
collect_ignore_glob = ["records/*.py", "op_record.py", "oracle_checks.py"]
