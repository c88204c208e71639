"""Media of an index or of the playground: pages, details, segments, delete, register, status.

Media still being processed are refreshed with one POST /videos/batch/status per
100 ids per cycle, never one request per row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from vvdesk.api.ids import in_path
from vvdesk.api.rows import CursorTrail, media_runs
from vvdesk.services.session import ApiSession
from vvdesk.vocab import import_job_is_terminal, media_in_progress

if TYPE_CHECKING:
    from videovector import AsyncPage, ImportJob, PromptRun, Segment, Video

    from vvdesk.api.errors import ApiProblem

PLAYGROUND = ""  # scope id of the playground (media without an index)
PAGE_SIZE = 50
STATUS_BATCH = 100
STATUS_POLL_S = 2.0
DELETION_POLL_MIN_S, DELETION_POLL_MAX_S = 0.5, 10.0


class MediaService(QObject):
    page_loaded = Signal(str, list, object, bool)  # scope, videos, next cursor, first page
    statuses = Signal(list)  # list[VideoStatus]
    details_loaded = Signal(object, list)  # Video, list[PromptRun]
    segments_loaded = Signal(str, list, object, bool)  # video_id, segments, cursor, first
    deletion_progress = Signal(str, str)  # video_id, draining|deleting|deleted
    deleted = Signal(str)
    registered = Signal(object)  # ImportJob
    failed = Signal(str, object)
    page_failed = Signal(str, object)  # scope, ApiProblem: a page of the listing failed

    def __init__(self, session: ApiSession, parent: QObject | None = None, *,
                 page_size: int = PAGE_SIZE, status_poll_s: float = STATUS_POLL_S) -> None:
        super().__init__(parent)
        self._s = session
        self.page_size = page_size
        self.status_poll_s = status_poll_s
        self.scope: str | None = None
        self._watched: set[str] = set()
        self._trail = CursorTrail()  # of the media listing
        self._segment_trail = CursorTrail()

    def _fail(self, action: str) -> Callable[[ApiProblem], None]:
        return self._s.reporter(self.failed, action)

    # lists -----------------------------------------------------------------------
    def load(self, scope: str | None, cursor: str | None = None) -> None:
        """First page (cursor None) or a next page of an index's media or the playground."""
        if scope != self.scope or cursor is None:
            self._trail.reset()
        self.scope = scope
        if scope is None:
            return
        client = self._s.client

        async def fetch() -> AsyncPage[Video]:
            if scope == PLAYGROUND:
                return await client.videos.list_playground(limit=self.page_size, cursor=cursor)
            return await client.indexes.list_videos(in_path(scope), limit=self.page_size,
                                                    cursor=cursor)

        def ok(page: AsyncPage[Video]) -> None:
            self._s.mark_ok()
            if scope != self.scope:
                return
            offered = page.next_cursor if page.has_more else None
            more, stopped = self._trail.follow(cursor, offered, "media item")
            self.page_loaded.emit(scope, list(page.data), more, cursor is None)
            if stopped is not None:
                self.failed.emit("Loading the media", stopped)

        report = self._fail("Loading the media")

        def failed(problem: ApiProblem) -> None:
            report(problem)
            if scope == self.scope:
                self.page_failed.emit(scope, problem)

        self._s.jobs.run(f"media.page:{scope}:{cursor or ''}", fetch(), on_ok=ok,
                         on_error=failed)

    def refresh_if(self, index_id: str | None) -> None:
        if self.scope is not None and self.scope == (index_id or PLAYGROUND):
            self.load(self.scope)

    # status poll -----------------------------------------------------------------
    def watch(self, video_ids: list[str]) -> None:
        """Poll these (in-progress) media by batch status until they settle."""
        self._watched = set(video_ids)
        if self._watched and not self._s.jobs.is_running("media.status"):
            self._s.jobs.run("media.status", self._poll(), on_error=self._fail(
                "Refreshing media status"))

    async def _poll(self) -> None:
        while self._watched:
            await asyncio.sleep(self.status_poll_s)
            ids = sorted(self._watched)
            for i in range(0, len(ids), STATUS_BATCH):
                result = await self._s.client.videos.batch_status(ids[i:i + STATUS_BATCH])
                self.statuses.emit(list(result))
                for st in result:
                    if not media_in_progress(st.status):
                        self._watched.discard(st.video_id)
                self._watched -= set(ids[i:i + STATUS_BATCH]) - {st.video_id for st in result}

    # one item --------------------------------------------------------------------
    def details(self, video_id: str) -> None:
        client = self._s.client

        async def fetch() -> tuple[Video, list[PromptRun]]:
            video, runs = await asyncio.gather(client.videos.retrieve(in_path(video_id)),
                                               media_runs(client, video_id))
            return video, runs.items

        self._s.jobs.run("media.details", fetch(), on_ok=lambda r: self.details_loaded.emit(*r),
                         on_error=self._fail("Loading the media details"))

    def segments(self, video_id: str, run_id: str | None, cursor: str | None = None) -> None:
        client = self._s.client

        if cursor is None:
            self._segment_trail.reset()

        async def fetch() -> AsyncPage[Segment]:
            return await client.videos.list_segments(
                in_path(video_id), run_id=run_id or None, latest_run=None if run_id else True,
                limit=self.page_size, cursor=cursor)

        def ok(page: AsyncPage[Segment]) -> None:
            offered = page.next_cursor if page.has_more else None
            more, stopped = self._segment_trail.follow(cursor, offered, "segment")
            self.segments_loaded.emit(video_id, list(page.data), more, cursor is None)
            if stopped is not None:
                self.failed.emit("Loading the segments", stopped)

        self._s.jobs.run(f"media.segments:{cursor or ''}", fetch(), on_ok=ok,
                         on_error=self._fail("Loading the segments"))

    def delete(self, video_id: str) -> None:
        client = self._s.client

        async def delete() -> str:
            result = await client.videos.delete(in_path(video_id))
            while result.status != "deleted":
                self.deletion_progress.emit(video_id, result.status)
                wait = result.retry_after_seconds or 1
                await asyncio.sleep(min(max(wait, DELETION_POLL_MIN_S), DELETION_POLL_MAX_S))
                result = await client.videos.get_deletion(in_path(video_id))
            return video_id

        def ok(done_id: str) -> None:
            self.deletion_progress.emit(done_id, "deleted")
            self.deleted.emit(done_id)

        self._s.jobs.run(f"media.delete:{video_id}", delete(), on_ok=ok,
                         on_error=self._fail("Deleting the media"), replace=False)

    def register(self, title: str, uri: str, index_id: str) -> None:
        """POST /videos: media the server fetches from a URI (gs://, s3://, https://)."""
        import uuid

        key = f"vvdesk-register:{uuid.uuid4().hex}"

        async def create() -> ImportJob:
            jobs = self._s.client.import_jobs
            job = await self._s.client.videos.create(title=title, video_uri=uri,
                                                     index_id=index_id, idempotency_key=key)
            for _ in range(120):  # the media appears once the import is done
                if import_job_is_terminal(job.status):
                    break
                await asyncio.sleep(0.5)
                job = await jobs.retrieve(in_path(job.job_id))
            return job

        def ok(job: ImportJob) -> None:
            self.registered.emit(job)
            self.refresh_if(index_id)

        self._s.jobs.run(f"media.register:{key}", create(), on_ok=ok,
                         on_error=self._fail("Registering the media"))
