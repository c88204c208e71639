"""Issue 12 item 2: server text that echoes the API key never reaches a message or journal."""

from __future__ import annotations

import asyncio

import pytest

from tests.stub_server import Reply, stub_server
from vvdesk.api.client import make_client
from vvdesk.api.errors import ApiProblem, describe

SECRET = "Zq9personalKey0123456789"  # not key-shaped: only the registry can catch it
FOREIGN = "sk_live_" + "9f" * 16  # key-shaped, never registered


async def failure(coro) -> ApiProblem:
    try:
        await coro
    except Exception as exc:
        return describe(exc)
    raise AssertionError("the call should have failed")


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422, 429, 500])
def test_an_echoed_key_is_redacted_from_message_and_details(arun, status):
    with stub_server() as stub:
        stub.answer("GET", "/api/v2/indexes", Reply(status, {
            "error": {"code": "bad_key", "message": f"Key {SECRET} (or {FOREIGN}) rejected",
                      "details": {"api_key": SECRET, "seen": [f"X-API-Key: {SECRET}"]}},
            "request_id": "req_1"}))
        client = make_client(stub.base_url, SECRET, max_retries=0)
        try:
            problem = arun(failure(client.indexes.list()))
        finally:
            arun(client.close())
    shown = f"{problem} {problem.details!r}"
    assert SECRET not in shown and FOREIGN not in shown, shown
    if status not in (429, 500):  # these keep their own words; the others quote the server
        assert "rejected" in problem.message


def test_no_message_is_an_exception_class_name():
    """Item 9's rule for the fallbacks: plain words, never a class name or a bare phrase."""
    import videovector as vv
    from pydantic import BaseModel

    class Row(BaseModel):
        id: str

    try:
        Row.model_validate({"id": 3})
    except Exception as exc:
        bad_row = exc
    cases = [ValueError("x"), TypeError("cannot convert"), KeyError("id"),
             ExceptionGroup("two", [RuntimeError("a"), ValueError("b")]),
             vv.VideoVectorError("Request failed."),
             vv.VideoVectorError("Request failed after max retries"),
             bad_row, OSError(28, "No space left on device"), asyncio.InvalidStateError()]
    for exc in cases:
        text = str(describe(exc))
        assert "Unexpected error" not in text and "Group" not in text, text
        assert text.strip() not in ("Request failed.", "The request failed."), text
        assert type(exc).__name__ not in text, text
        assert len(text.split()) >= 6, text  # says what happened and what to do
    assert "Free some space" in str(describe(OSError(28, "No space left on device")))


def test_a_sandbox_error_echoing_the_key_reaches_the_banner_redacted(arun, until, sandbox):
    """The same through the service a banner listens to, with the sandbox's fault control."""
    from vvdesk.services.indexes import IndexService
    from vvdesk.services.session import ApiSession

    sandbox.add_fault(method="GET", path=r"/indexes$", status=422,
                      message=f"Key {sandbox.api_key} is not valid here")
    session = ApiSession("p", sandbox.base_url,
                         make_client(sandbox.base_url, sandbox.api_key, max_retries=0))
    service = IndexService(session)
    shown: list[str] = []
    service.failed.connect(lambda what, p: shown.append(f"{what}: {p}"))
    try:
        service.refresh()
        until(lambda: shown, "the failure")
    finally:
        sandbox.clear_faults()
        arun(session.close())
    assert sandbox.api_key not in shown[0] and "is not valid here" in shown[0], shown[0]
