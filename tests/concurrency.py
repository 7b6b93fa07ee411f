"""Helpers for the race tests: requests released together from real threads."""

import threading

import pytest
from django.db import connection


def skip_unless_postgresql() -> None:
    """SQLite serialises every writer, so a race there proves nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: PostgreSQL")


def run_at_once(actions) -> list:
    """Run the callables in threads released together; their results in the given order."""
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def worker(index, action):
        try:
            barrier.wait()
            results[index] = action()
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(index, action))
        for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
