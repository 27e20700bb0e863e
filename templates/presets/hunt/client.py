"""Velociraptor's API through pyvelociraptor: the only code that talks to the server.

Values that come from IRIS (an IOC, a description) reach VQL as query variables (``env``),
never pasted into the query's text, so no value can change what the query does.
"""

import json
from time import sleep

# TODO: the artifact your hunts run, and its parameter. LocalHashes matches MD5 hashes
# against each client's hash database (run Generic.Forensic.LocalHashes.Glob first).
ARTIFACT = "Generic.Forensic.LocalHashes.Query"
START_HUNT = (
    "SELECT hunt(description=Description, artifacts=[Artifact], expires=now() + {seconds},"
    " spec=dict(`{artifact}`=dict(Hashes=Hashes))) AS Hunt FROM scope()"
)
HUNT_RESULTS = "SELECT * FROM hunt_results(hunt_id=HuntId, artifact=Artifact)"


class Velociraptor:
    """Hunts on a Velociraptor server; ``query(vql, env)`` returns the rows of one VQL query."""

    def __init__(self, query):
        self.query = query

    def start_hunt(self, hashes, description, expires_in):
        """Start a hunt for ``hashes`` on every client; its hunt id."""
        vql = START_HUNT.format(seconds=int(expires_in), artifact=ARTIFACT)
        env = {"Description": description, "Artifact": ARTIFACT, "Hashes": "Hash\n" + "\n".join(hashes) + "\n"}
        rows = self.query(vql, env)
        hunt = rows[0].get("Hunt") if rows else None
        if not hunt:
            raise RuntimeError("Velociraptor did not start the hunt: see the server's log")
        return hunt["HuntId"]

    def hunt_results(self, hunt_id):
        """The rows the hunt's clients have sent back so far."""
        return self.query(HUNT_RESULTS, {"HuntId": hunt_id, "Artifact": ARTIFACT})


def backoff_delays(total, first=5):
    """Waits of ``first``, twice that, and so on, adding up to at most ``total`` seconds."""
    delays, delay = [], first
    while sum(delays) + delay <= total:
        delays.append(delay)
        delay *= 2
    return delays


def wait_for_rows(fetch, delays):
    """``fetch()`` after each delay until it returns rows or the delays run out: a bounded backoff."""
    for delay in delays:
        sleep(delay)
        rows = fetch()
        if rows:
            return rows
    return []


def connect(api_config, timeout):
    """A ``query(vql, env)`` function for the server an API client config describes.

    ``api_config`` is the text of the file ``velociraptor config api_client`` writes
    (api.config.yaml).
    """
    # Imported here: IRIS builds the module for every call, and only hunts need gRPC.
    import grpc
    import yaml
    from pyvelociraptor import api_pb2, api_pb2_grpc

    config = yaml.safe_load(api_config)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=config["ca_certificate"].encode(),
        private_key=config["client_private_key"].encode(),
        certificate_chain=config["client_cert"].encode(),
    )
    # The server's certificate is issued to this name, whatever its address.
    options = (("grpc.ssl_target_name_override", "VelociraptorServer"),)

    def query(vql, env):
        request = api_pb2.VQLCollectorArgs(
            max_wait=1,
            max_row=1000,
            Query=[api_pb2.VQLRequest(Name="iris", VQL=vql)],
            env=[api_pb2.VQLEnv(key=key, value=str(value)) for key, value in env.items()],
        )
        rows = []
        with grpc.secure_channel(config["api_connection_string"], credentials, options) as channel:
            for response in api_pb2_grpc.APIStub(channel).Query(request, timeout=timeout):
                if response.Response:  # other messages carry the server's log lines
                    rows.extend(json.loads(response.Response))
        return rows

    return query
