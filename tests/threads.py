"""Running calls at the same moment in threads, for the concurrency tests."""

import threading

from django.db import connection


def fire_at_once(calls, timeout: float = 60):
    """Run the callables in threads released together by a barrier; return the
    results (an exception in place of the result when a call raised)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=20)
            results[index] = call()
        except Exception as error:  # reported by the caller's assertions
            results[index] = error
        finally:
            # Each thread has its own database connection; leave none open behind.
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
