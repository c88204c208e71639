"""A long answer vvdesk stops reading (garbled, or past its cap) is said in words and
asked for once: the reader ends the call on purpose (a terminal answer for the SDK), so
the SDK's retries do not fetch the same garbled list again and again."""

from __future__ import annotations

import asyncio

import pytest

from tests.stub_server import Reply, stub_server
from vvdesk.api.client import make_client
from vvdesk.api.errors import UserFacingError
from vvdesk.api.rows import list_indexes
from vvdesk.api.search_reader import search_page
from vvdesk.search_query import SearchKind, SearchRequest

GARBLED = b'[{"index_id": "idx_1", "name": "Cut'


async def ask_once(call) -> UserFacingError:  # type: ignore[no-untyped-def]
    with pytest.raises(UserFacingError) as caught:
        await call
    return caught.value


@pytest.mark.parametrize("what", ["indexes", "search"])
def test_a_garbled_long_answer_is_said_and_asked_once(what: str) -> None:
    with stub_server() as stub:
        stub.answer("GET", "/api/v2/indexes", Reply(200, GARBLED))
        stub.answer("POST", "/api/v2/indexes/idx_1/search", Reply(200, GARBLED))

        async def scenario() -> UserFacingError:
            client = make_client(stub.base_url, "k" * 16, max_retries=2)
            try:
                if what == "indexes":
                    return await ask_once(list_indexes(client, True))
                request = SearchRequest(kind=SearchKind.TEXT, index_id="idx_1",
                                        scope_label="Clips", query="scene", top_k=10)
                return await ask_once(search_page(client, request))
            finally:
                await client.close()

        problem = asyncio.run(scenario())
        assert "cut off or garbled" in problem.message, problem.message
        listed = "the index list" if what == "indexes" else "the search results"
        assert problem.message.startswith(
            f"The server's answer with {listed} could not be read"), problem.message
        assert len(stub.seen) == 1, stub.paths()


def test_a_list_past_its_cap_is_said_and_asked_once() -> None:
    rows = b"[" + b",".join([b'{"index_id": "idx_%06d", "name": "x", "user_id": "u", '
                             b'"created_at": "2026-01-01T00:00:00Z"}' % i
                             for i in range(2000)]) + b"]"
    with stub_server() as stub:
        stub.answer("GET", "/api/v2/indexes", Reply(200, rows))

        async def scenario() -> UserFacingError:
            client = make_client(stub.base_url, "k" * 16, max_retries=2)
            try:
                return await ask_once(list_indexes(client, True, cap_bytes=20_000))
            finally:
                await client.close()

        problem = asyncio.run(scenario())
        assert "stopped reading" in problem.message, problem.message
        assert len(stub.seen) == 1, stub.paths()
