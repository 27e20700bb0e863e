"""The web service's API, and the only code that knows its addresses and its answers.

Written for a REST service that answers JSON at ``<api_url>/<collection>/<value>``, as
VirusTotal-like services do; the TODOs are where yours differs.
"""

from urllib.parse import quote


class Client:
    def __init__(self, session, api_url, api_key):
        self.session = session
        self.api_url = api_url.rstrip("/")
        # TODO: the header (or query parameter) your service takes its key in.
        self.session.headers["x-apikey"] = api_key

    def lookup(self, collection, value):
        """What the service knows of ``value`` in ``collection``, as a dict; None when it does not know it."""
        # The value is quoted whole: an IOC is user data and must not change the path or query.
        response = self.session.get(f"{self.api_url}/{collection}/{quote(value, safe='')}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        # TODO: return the part of the answer your report and tags use.
        return response.json()
