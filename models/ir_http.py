# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.routing import RequestRedirect

from odoo import models

from ..engine import wire


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _match(cls, path_info):
        """Under the billing API, never an HTML page or a redirect: repeated and trailing
        slashes are ignored, and a known path with another method answers a JSON 405."""
        if not wire.in_api(path_info):
            return super()._match(path_info)
        path = wire.normalise_path(path_info)
        try:
            return super()._match(path)
        except (MethodNotAllowed, RequestRedirect):
            return super()._match(f"{wire.API_PREFIX}/__error__/405")
