# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""Work in threads at once, each on a real cursor of its own: how the concurrency tests
play two Odoo servers (or workers) on one database."""

import threading

from psycopg2.errors import DeadlockDetected, LockNotAvailable, SerializationFailure

from odoo import SUPERUSER_ID, api
from odoo.exceptions import ConcurrencyError
from odoo.orm.environments import Transaction


def in_threads(registry, work, count=2, timeout=120):
    """Run ``work(env, index)`` in ``count`` threads released together.

    :return: ``(results by index, errors)``
    """
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        try:
            with registry.cursor() as cr:
                # The test runner holds the registry lock: give the cursor its
                # transaction directly instead of looking the registry up by name.
                cr.transaction = Transaction(registry)
                env = api.Environment(cr, SUPERUSER_ID, {})
                barrier.wait(timeout=10)
                results[index] = work(env, index)
        except Exception as error:  # noqa: BLE001 - reported to the calling test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results, errors


def retrying(work, env, tries=5):
    """Run ``work(env)`` and commit, as Odoo runs every request
    (``odoo.service.model.retrying``): roll back and run again on a serialization failure.
    (That helper itself looks the registry up by name, which the test runner's lock
    forbids in a thread.)"""
    for attempt in range(tries):
        try:
            result = work(env)
            env.cr.flush()
            env.cr.commit()
            return result
        except (SerializationFailure, DeadlockDetected, LockNotAvailable, ConcurrencyError):
            if attempt == tries - 1:
                raise
            env.cr.rollback()
            env.invalidate_all(flush=False)
    return None
