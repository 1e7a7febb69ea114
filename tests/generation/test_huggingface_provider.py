"""The image provider against a local server that answers like the Hugging Face endpoint."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from generation.providers.base import MediaRequest, ProviderError, TransientProviderError
from generation.providers.huggingface import HuggingFaceImageProvider
from tests.generation.media_samples import png_bytes


class ScriptedHuggingFace:
    """Answers each POST with the next scripted (status, headers, body) and records what it was sent."""

    def __init__(self, script):
        self.script, self.received = list(script), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((self.path, self.headers.get("Authorization"), json.loads(body)))
                status, headers, payload = outer.script.pop(0)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/models"

    def close(self):
        self.server.shutdown()


def error(status, message, **extra):
    return status, {"Content-Type": "application/json"}, json.dumps({"error": message, **extra}).encode()


IMAGE = (200, {"Content-Type": "image/png"}, png_bytes(32, 32))


@pytest.fixture
def hugging_face():
    servers = []

    def start(*script):
        server = ScriptedHuggingFace(script)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def provider(server, waits):
    return HuggingFaceImageProvider(
        base_url=server.url, model="acme/painter", token="hf_test", sleep=waits.append, timeout=5
    )


def test_image_bytes_come_back_with_the_model(hugging_face):
    server, waits = hugging_face(IMAGE), []
    result = provider(server, waits).generate(MediaRequest(prompt="A lighthouse in a storm"))
    assert result.data == IMAGE[2] and (result.provider, result.model) == ("huggingface", "acme/painter")
    assert server.received == [("/models/acme/painter", "Bearer hf_test", {"inputs": "A lighthouse in a storm"})]
    assert waits == []


def test_loading_model_is_waited_for_as_estimated(hugging_face):
    server, waits = hugging_face(error(503, "Model is loading", estimated_time=17.5), IMAGE), []
    notes = []
    result = provider(server, waits).generate(MediaRequest(prompt="x"), progress=lambda f, note: notes.append(note))
    assert result.data == IMAGE[2] and waits == [17.5]
    assert notes == ["Waiting 18 s: Model is loading"]


def test_rate_limit_honours_retry_after(hugging_face):
    server, waits = hugging_face((429, {"Retry-After": "7"}, b"slow down"), IMAGE), []
    provider(server, waits).generate(MediaRequest(prompt="x"))
    assert waits == [7.0]


def test_gateway_errors_back_off_with_jitter_then_give_up(hugging_face):
    server, waits = hugging_face(*[error(502, "Bad gateway")] * 5), []
    with pytest.raises(TransientProviderError, match="still unavailable after 5 tries"):
        provider(server, waits).generate(MediaRequest(prompt="x"))
    assert len(waits) == 4 and all(0 < wait <= 30 for wait in waits)
    assert waits[3] > waits[0] / 2


def test_bad_request_fails_at_once_with_the_service_message(hugging_face):
    server, waits = hugging_face(error(400, "Input prompt is too long")), []
    with pytest.raises(ProviderError, match=r"refused the image \(400\): Input prompt is too long"):
        provider(server, waits).generate(MediaRequest(prompt="x" * 10))
    assert len(server.received) == 1 and waits == []


def test_garbage_bytes_are_refused_by_the_job_check(hugging_face):
    from generation.media_files import inspect_media
    from story_admin.exceptions import StoryRuleError

    server, waits = hugging_face((200, {"Content-Type": "image/png"}, b"\x00garbage" * 10)), []
    result = provider(server, waits).generate(MediaRequest(prompt="x"))
    with pytest.raises(StoryRuleError, match="not an image"):
        inspect_media(result.data, expected="image")


def test_no_token_is_a_clear_error():
    with pytest.raises(ProviderError, match="set HUGGINGFACE_API_TOKEN"):
        HuggingFaceImageProvider(base_url="http://127.0.0.1:9", token="").generate(MediaRequest(prompt="x"))


def test_timeouts_are_retried(hugging_face):
    waits = []
    unreachable = HuggingFaceImageProvider(
        base_url="http://127.0.0.1:9/models", token="t", sleep=waits.append, timeout=0.5, max_attempts=3
    )
    with pytest.raises(TransientProviderError, match="did not answer"):
        unreachable.generate(MediaRequest(prompt="x"))
    assert len(waits) == 2
