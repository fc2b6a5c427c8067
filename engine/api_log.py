# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
"""What the API log keeps of a call, for support: its route (the template, not the ids),
method, status, latency, the key's prefix, the time and the error code. Never a body,
never a key.
"""

import json
import re

_KEY = re.compile(r"fcb_[0-9a-f]{40}", re.IGNORECASE)
NO_ROUTE = "(no route)"
CODE_LENGTH = 255
PATH_LENGTH = 255


def route_template(path, path_args):
    """The route a call took, its ids as ``{name}``: ``/customers/{external_id}``.

    :param str path: the request's path after the API's prefix
    :param dict path_args: the route's path arguments (name -> value)
    :rtype: str
    """
    segments = [part for part in path.split("/") if part]
    names = {}
    for name, value in path_args.items():
        names.setdefault(str(value), []).append(name)
    # The ids are the last segments that carry one: replace from the end, each name once.
    for index in range(len(segments) - 1, 0, -1):
        taken = names.get(segments[index])
        if taken:
            segments[index] = "{" + taken.pop() + "}"
    return "/" + "/".join(segments)


def unrouted(path):
    """A path no route took, as the log keeps it: a key written in it is masked."""
    return _KEY.sub("fcb_…", path)[:PATH_LENGTH]


def error_code(status, body):
    """The error code of an answer, for support: Lago's ``code``, and for a 422 the codes
    of its ``error_details`` (a batch's by index); ``None`` for a success.

    :param int status: the HTTP status
    :param bytes body: the JSON body of the answer
    :rtype: str or None
    """
    if status < 400:
        return None
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    codes = sorted(set(_detail_codes(data.get("error_details"))))
    code = data.get("code") or (data.get("error") if status in (400, 401) else None)
    text = ": ".join(part for part in (code, ", ".join(codes)) if part)
    return text[:CODE_LENGTH] or None


def _detail_codes(details):
    if isinstance(details, dict):
        for value in details.values():
            yield from _detail_codes(value)
    elif isinstance(details, list):
        for code in details:
            if isinstance(code, str):
                yield code
