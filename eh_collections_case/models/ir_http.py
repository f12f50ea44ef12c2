import json

from odoo import models
from odoo.http import request
from odoo.tools import config

# The models of the suite an outside client calls over JSON-2.
API_PATH_PREFIX = "/json/2/eh.collections."


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _handle_error(cls, exception):
        """An error answered over JSON-2 on the suite's models keeps its status, name
        and message, but not the server's traceback (Odoo adds it as "debug"): a
        client reads what went wrong in the collector's words, not the code's insides.
        Developers running with --dev keep it."""
        response = super()._handle_error(exception)
        path = request.httprequest.path if request else ""
        if path.startswith(API_PATH_PREFIX) and not config.get("dev_mode") and _is_json(response):
            body = json.loads(response.get_data())
            if isinstance(body, dict) and body.pop("debug", None) is not None:
                response.set_data(json.dumps(body))
        return response


def _is_json(response):
    return getattr(response, "mimetype", "") == "application/json"
