"""One HTTP session per hook call, set up the way IRIS's admins expect.

- Proxies come from IRIS's server settings (``http_proxy``, ``https_proxy``, lowercase),
  each for its own scheme, and not from the worker's environment.
- Every request gets the module's timeout unless it gives its own.
- TLS is verified unless the admin switches it off; a CA bundle path trusts a private CA.
- 429 and 5xx answers are retried with growing waits, obeying Retry-After.
"""

RETRY_STATUSES = (429, 500, 502, 503, 504)
BACKOFF_FACTOR = 1  # seconds: retries wait about 0, 2, 4, 8... unless the service says Retry-After


def new_session(settings, server_settings, user_agent="iris-module"):
    """A ``requests.Session`` for ``settings`` (timeout, retries, verify_tls, ca_bundle)."""
    # Imported here, not at the top: IRIS instantiates the module for every call, and only
    # hook calls that reach the network should pay for requests' import.
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    class Session(requests.Session):
        def request(self, method, url, **kwargs):
            kwargs.setdefault("timeout", settings.timeout)
            return super().request(method, url, **kwargs)

    session = Session()
    session.trust_env = False  # IRIS's proxy settings rule, not the worker's environment
    session.headers["User-Agent"] = user_agent
    session.proxies = {
        scheme: server_settings[f"{scheme}_proxy"]
        for scheme in ("http", "https")
        if server_settings.get(f"{scheme}_proxy")
    }
    session.verify = (settings.ca_bundle or True) if settings.verify_tls else False
    retry = Retry(
        total=settings.retries,
        backoff_factor=BACKOFF_FACTOR,
        status_forcelist=RETRY_STATUSES,
        respect_retry_after_header=True,
        raise_on_status=False,
    )
    for prefix in ("http://", "https://"):
        session.mount(prefix, HTTPAdapter(max_retries=retry))
    return session
