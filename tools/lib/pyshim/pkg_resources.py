# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""The one function of setuptools' old ``pkg_resources`` that gevent 22 imports at start
(``gevent.events``), for the multi-worker Odoo servers the fault suite and the soak start
(``PYTHONPATH``): setuptools 81 and later no longer ship ``pkg_resources``, and Odoo's
prefork master would respawn its crashing gevent worker in a loop. Test harness only."""

from importlib.metadata import entry_points


def iter_entry_points(group, name=None):
    return [point for point in entry_points(group=group) if name in (None, point.name)]
