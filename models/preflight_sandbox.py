# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""A block of work that leaves nothing behind: the pre-flight's sandbox.

The pre-flight runs native Enterprise code on a production database, code that was not
written to be undone. :func:`sandbox` runs it inside a savepoint that is **always**
rolled back, and for its duration:

* ``cr.commit()`` only flushes: the native recurring invoicing commits after each batch
  outside tests (odoo19-reference §8), which would make the throw-away records permanent;
* ``cr.rollback()`` rolls back to the innermost savepoint of the sandbox, never the
  caller's whole transaction;
* post-commit hooks queued inside (mail sent after commit, cron wake-ups, bus
  notifications) are dropped: the hooks are put back as they were on the way in;
* the environment's context carries an :class:`Outbox` under ``fc_preflight``: the
  guards (``preflight_guards.py``) refuse every outgoing mail, payment request and webhook
  delivery while it is set, and write down what was attempted.

Nothing reaches the outside world and no row stays; ids of PostgreSQL sequences used in
between are the only trace (a rolled-back insert keeps its id used, as in any
transaction).
"""

import copy
from contextlib import contextmanager

# Context key of the sandbox: its Outbox. The guards act only while it is set.
PREFLIGHT = "fc_preflight"
# Context key narrowing the native recurring invoicing to the pre-flight's own orders.
PREFLIGHT_ORDERS = "fc_preflight_order_ids"
HOOKS = ("precommit", "postcommit", "prerollback", "postrollback")


class Outbox:
    """What the code under test tried to send out, refused by the guards.

    Compared by identity (the ORM keeps it in a context, which it compares and hashes).
    """

    def __init__(self):
        self.attempts = []

    def record(self, kind, **facts):
        """Write down one refused attempt, e.g. ``record("mail", to=...)``."""
        self.attempts.append((kind, facts))

    def of(self, kind):
        """The facts of every attempt of one kind. :rtype: list"""
        return [facts for attempt_kind, facts in self.attempts if attempt_kind == kind]

    def counts(self):
        """``{kind: attempts}``. :rtype: dict"""
        result = {}
        for kind, _facts in self.attempts:
            result[kind] = result.get(kind, 0) + 1
        return result


def outbox_of(env):
    """The running sandbox's Outbox, or ``None`` outside a sandbox."""
    return env.context.get(PREFLIGHT)


class _Sandbox:
    """The state of one sandbox: its savepoints (innermost last) and its environment."""

    def __init__(self, env, outbox):
        self.env = env
        self.outbox = outbox
        self.savepoints = []

    @contextmanager
    def nested(self):
        """A block inside the sandbox that is rolled back on its own, whatever happens:
        each check starts from what the set-up left, not from the check before."""
        savepoint = self.env.cr.savepoint()
        self.savepoints.append(savepoint)
        try:
            yield self.env
        finally:
            self.savepoints.remove(savepoint)
            savepoint.close(rollback=True)
            self.env.invalidate_all(flush=False)

    def commit(self):
        # Enterprise commits per batch outside tests: here a commit writes to the
        # database but ends nothing, so the savepoint can still take it all back.
        self.env.cr.flush()

    def rollback(self):
        # A rollback after a failed batch goes back to the innermost savepoint: the
        # caller's transaction (and the sandbox's own start) is never touched.
        self.savepoints[-1].rollback()
        self.env.invalidate_all(flush=False)


def _patch(obj, name, value):
    """Set an attribute on an instance and return how to put it back."""
    had = name in vars(obj)
    old = vars(obj).get(name)
    setattr(obj, name, value)

    def undo():
        if had:
            setattr(obj, name, old)
        else:
            delattr(obj, name)
    return undo


def _save_hooks(cr):
    return {name: (list(getattr(cr, name)._funcs), copy.deepcopy(getattr(cr, name).data))
            for name in HOOKS}


def _restore_hooks(cr, saved):
    for name, (funcs, data) in saved.items():
        callbacks = getattr(cr, name)
        callbacks.clear()
        for func in funcs:
            callbacks.add(func)
        callbacks.data.update(data)


@contextmanager
def sandbox(env):
    """Run a block on ``env``'s cursor and roll all of it back.

    ::

        with sandbox(env) as box:
            with box.nested() as check_env:
                ...  # check_env carries the Outbox in context key fc_preflight
            box.outbox.counts()

    :param env: the environment to run in; its pending writes are flushed first
    :return: the sandbox (``env``, ``outbox``, ``nested()``)
    """
    cr = env.cr
    env.flush_all()
    cr.flush()  # the caller's pre-commit work is done now, not dropped at the rollback
    saved = _save_hooks(cr)
    outbox = Outbox()
    box = _Sandbox(env(context=dict(env.context, **{PREFLIGHT: outbox})), outbox)
    outer = cr.savepoint()
    box.savepoints.append(outer)
    undo = [_patch(cr, "commit", box.commit), _patch(cr, "rollback", box.rollback)]
    try:
        yield box
    finally:
        for step in reversed(undo):
            step()
        box.savepoints.clear()
        outer.close(rollback=True)
        env.invalidate_all(flush=False)
        _restore_hooks(cr, saved)
