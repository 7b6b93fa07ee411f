"""Helpers for the race tests: requests released together from real threads."""

import threading

import pytest
from django.db import connection


def skip_unless_postgresql() -> None:
    """SQLite serialises every writer, so a race there proves nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers: PostgreSQL")


def run_at_once(actions, *, timeout: float = 60) -> list:
    """Run the callables in threads released together; their results in the given order.

    A thread's exception is raised here, after all have finished; a thread that never
    reaches the start (or never ends) fails the test instead of hanging it.
    """
    barrier = threading.Barrier(len(actions), timeout=timeout)
    results: list = [None] * len(actions)
    errors: list[BaseException] = []

    def worker(index, action):
        try:
            barrier.wait()
            results[index] = action()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=worker, args=(index, action))
        for index, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    if any(thread.is_alive() for thread in threads):
        raise TimeoutError(f"a thread ran longer than {timeout} s")
    if errors:
        raise errors[0]
    return results
