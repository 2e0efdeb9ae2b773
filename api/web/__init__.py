"""The officers' web page: sign in, upload a week, plan it, watch the search, read the plan.

Pages are rendered on the server (Jinja2, ``templates/``); two small scripts of our own
(``static/``) make the upload's drop zone and the live progress chart.  Every page reads
through the API's own helpers (``api.access``, ``api.auth``), so roles and offices hold as in
the API.  ``mount(app)`` adds the pages to the service; they stay out of the OpenAPI schema.
"""

from api.web.pages import mount

__all__ = ["mount"]
