"""Long list answers read off the UI thread: capped, parsed as they arrive, row by row.

GET /indexes and GET /exports answer bare JSON arrays without paging (contract §0.4), and a
server may answer 100k rows, or a body without end. The SDK would read the whole body into
memory, then parse and validate it on the loop's (UI) thread: the window froze for seconds.

`read_list` still asks through the SDK (its headers, retries, idempotency and errors; the
transport's deadline and 429 notices). The request runs with a `ListRead` in the context
variable `READING`; the transport's guard (api/transport.py) hands the body of a 200 answer
to it instead of to the SDK: it is read up to a byte cap (past the cap vvdesk stops reading
and says so), decoded and split into rows in a worker thread a megabyte at a time as it
arrives, and every row is validated there on its own by a `RowSink`, which also keeps only
what the app shows (compact index rows; the newest exports). The SDK gets `null` back.

`read_through` does the same for any SDK call whose answer is big (search results with
their pictures): the request is whatever SDK method the caller awaits, the SDK gets the
`stand_in` body (`[]`, `{}`: what its models accept as empty) and the caller the sink's rows.
An answer that is one JSON object rather than an array (`whole`) is parsed in one piece,
still in the worker, and handed to the sink as one item.
"""

from __future__ import annotations

import asyncio
import codecs
import contextvars
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from vvdesk.api.errors import ProblemKind, UserFacingError
from vvdesk.worker_gil import breather

if TYPE_CHECKING:
    from videovector import AsyncVideoVector

    from vvdesk.api.rows import Rows

MIB = 1024 * 1024
FEED_BYTES = 1 * MIB  # handed to the worker thread at a time
_BLANKS = re.compile(r"[ \t\n\r]*")



class RowSink(Protocol):
    """Takes the rows of one answer in a worker thread; `rows()` is what the app keeps."""

    def add(self, raw: Any) -> None: ...

    def rows(self) -> Rows: ...

    def discard(self) -> None:
        """Let go of the rows kept so far (the answer failed): called in a worker thread,
        where freeing 100k rows does not stall the UI thread."""


class NotAList(ValueError):
    """The answer is JSON, but not an array."""


class Malformed(ValueError):
    """The answer is not JSON, or ends before the array does."""


class JsonValueReader:
    """One JSON value fed in pieces; calls `on_item` with it once the last piece is in."""

    def __init__(self, on_item: Callable[[Any], None]) -> None:
        self._on_item = on_item
        self._pieces: list[bytes] = []

    def feed(self, data: bytes, final: bool = False) -> None:
        self._pieces.append(data)
        if not final:
            return
        data, self._pieces = b"".join(self._pieces), []
        try:
            value = json.loads(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise Malformed("not UTF-8 text") from exc
        except json.JSONDecodeError:
            raise Malformed("not JSON, or cut off") from None
        self._on_item(value)


class JsonArraySplitter:
    """A JSON array fed in pieces; calls `on_item` with each element once it is complete.

    Each element is parsed on its own (`raw_decode`), so no call holds the interpreter
    for long and the text before the element being parsed is let go. An element that is
    not complete yet is tried again only once the text after its start has doubled, so a
    huge element costs linear time, not quadratic.
    """

    def __init__(self, on_item: Callable[[Any], None]) -> None:
        self._on_item = on_item
        self._breathe = breather()
        self._decode = codecs.getincrementaldecoder("utf-8")("strict")
        self._json = json.JSONDecoder()
        self._text = ""
        self._state = "start"  # start → first (value or ]) → next (, or ]) ↔ value → done
        self._retry_at = 0  # length of the unparsed text needed to try the element again

    def feed(self, data: bytes, final: bool = False) -> None:
        try:
            text = self._decode.decode(data, final)
        except UnicodeDecodeError as exc:
            raise Malformed("not UTF-8 text") from exc
        self._text += text
        self._parse(final)
        if final and self._state != "done":
            raise Malformed("the answer ended before the list did")

    def _parse(self, final: bool) -> None:
        text, i, n = self._text, 0, len(self._text)
        while True:
            i = _BLANKS.match(text, i).end()  # type: ignore[union-attr]
            if i >= n:
                break
            c = text[i]
            if self._state == "start":
                if c != "[":
                    raise NotAList("not a list")
                self._state, i = "first", i + 1
            elif self._state == "done":
                raise Malformed("text after the end of the list")
            elif c == "]" and self._state in ("first", "next"):
                self._state, i = "done", i + 1
            elif self._state == "next":
                if c != ",":
                    raise Malformed("no comma between two rows")
                self._state, i = "value", i + 1
            else:  # a value is due (first or after a comma)
                if not final and n - i < self._retry_at:
                    break
                try:
                    value, end = self._json.raw_decode(text, i)
                except json.JSONDecodeError:
                    if final:
                        raise Malformed("a row is not JSON") from None
                    self._retry_at = 2 * (n - i)
                    break
                if end >= n and not final:  # a number could go on in the next piece
                    self._retry_at = n - i + 1
                    break
                self._retry_at = 0
                self._on_item(value)
                self._breathe()
                self._state, i = "next", end
        self._text = text[i:]


@dataclass
class ListRead:
    """One list request's reading: where, how much at most, what keeps the rows."""

    path: str  # the request path it reads ("/indexes")
    what: str  # the list in words ("the index list")
    noun: str  # a row in words ("index")
    cap_bytes: int
    sink: RowSink
    rows: Rows | None = None
    problem: UserFacingError | None = None
    read_bytes: int = 0
    spent_s: float = field(default=0.0)  # time spent parsing (not the server's)
    method: str = "GET"
    stand_in: bytes = b"null"  # the body the SDK reads instead of the answer
    whole: bool = False  # the answer is one JSON value (an object), not an array of rows

    def matches(self, method: str, path: str) -> bool:
        return method == self.method and path.rstrip("/").endswith(self.path)

    def too_large(self) -> UserFacingError:
        mb = self.cap_bytes // MIB
        return UserFacingError(
            f"The server sent more than {mb} MB for {self.what}, so vvdesk stopped reading "
            "it; the list stays as it was. Try again later; if it keeps happening, tell the "
            "server's admin (the list is far longer than a list should be).",
            ProblemKind.BAD_RESPONSE)

    def unreadable(self, why: ValueError) -> UserFacingError:
        said = (f"The server answered with something that is not a list of {self.noun}s."
                if isinstance(why, NotAList) else
                f"The server's answer with {self.what} could not be read (it was cut off "
                "or garbled).")
        return UserFacingError(
            f"{said} Try again later; if it keeps happening, tell the server's admin.",
            ProblemKind.BAD_RESPONSE)

    async def consume(self, chunks: AsyncIterator[bytes],
                      on_parse: Callable[[float], None] | None = None) -> None:
        """Read the body (already decoded from gzip etc.) into `rows`, or set `problem`.
        `on_parse(seconds)` is told how long each piece took to parse (not the server's
        time: the transport's deadline does not count it)."""
        self.rows, self.problem, self.read_bytes = None, None, 0
        splitter = (JsonValueReader(self.sink.add) if self.whole
                    else JsonArraySplitter(self.sink.add))
        pending: list[bytes] = []
        size = 0
        read = False

        async def parse(final: bool) -> None:
            nonlocal pending, size
            data, pending, size = b"".join(pending), [], 0
            started = time.monotonic()
            await asyncio.to_thread(splitter.feed, data, final)
            spent = time.monotonic() - started
            self.spent_s += spent
            if on_parse is not None:
                on_parse(spent)

        try:
            async for chunk in chunks:
                self.read_bytes += len(chunk)
                if self.read_bytes > self.cap_bytes:
                    self.problem = self.too_large()
                    return
                pending.append(chunk)
                size += len(chunk)
                if size >= FEED_BYTES:
                    await parse(False)
            await parse(True)
            read = True
        except (NotAList, Malformed) as exc:
            self.problem = self.unreadable(exc)
        finally:
            if not read:  # past the cap, unreadable, cancelled: the rows go in a worker
                asyncio.get_running_loop().run_in_executor(None, self.sink.discard)
        if read:
            self.rows = await asyncio.to_thread(self.sink.rows)


class _Spent:
    """The sink of a read that is over: it keeps nothing."""

    def add(self, raw: Any) -> None:
        raise RuntimeError("this read is over")

    def rows(self) -> Rows:
        raise RuntimeError("this read is over")

    def discard(self) -> None:
        return None


READING: contextvars.ContextVar[ListRead | None] = contextvars.ContextVar(
    "vvdesk_list_read", default=None)


async def read_list(client: AsyncVideoVector, read: ListRead,
                    params: dict[str, Any] | None = None) -> Rows:
    """GET `read.path` through the SDK with the body read by `read` (see the module doc)."""
    return await read_through(read, lambda: client._http.get(read.path, params=params))


async def read_through(read: ListRead, call: Callable[[], Awaitable[Any]]) -> Rows:
    """Await `call()` (an SDK call making `read`'s request) with the answer's body read by
    `read`; what the SDK returns from its stand-in is dropped."""
    import videovector as vv

    token = READING.set(read)
    try:
        await call()
    except vv.VideoVectorError:
        if read.problem is not None:  # the guard ended the call on purpose: say why
            raise read.problem from None
        raise
    finally:
        READING.reset(token)
    if read.problem is not None:
        raise read.problem
    if read.rows is None:  # the guard never saw the answer (no guard installed)
        raise UserFacingError(f"vvdesk could not read {read.what}. Try again.",
                              ProblemKind.BAD_RESPONSE)
    # Contexts copied while READING held `read` (the timers of the transport's deadline,
    # which the loop keeps until they would have fired, up to 120 s) keep `read` alive:
    # it lets go of the rows, or every answer of the last two minutes stayed in memory
    # (searches: ~25 pages of results, walked by every GUI-thread collection, ~35 ms)
    rows, read.rows, read.sink = read.rows, None, _Spent()
    return rows
