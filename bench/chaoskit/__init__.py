"""The chaos run of issue 13, shared by bench/chaos.py and tests/e2e/test_chaos.py."""
