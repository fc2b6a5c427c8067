# Copyright 2026 NexaSystems
# License LGPL-3.0 or later (http://www.gnu.org/licenses/lgpl).
from odoo import models

from ..engine import wire


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _match(cls, path_info):
        """Under the billing API, repeated and trailing slashes are ignored rather than
        redirected (Werkzeug's answer is an HTML 308). Wrong methods never reach here:
        the API's catch-all takes every method and answers 405 itself."""
        if not wire.in_api(path_info):
            return super()._match(path_info)
        return super()._match(wire.normalise_path(path_info))
