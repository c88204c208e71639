"""Prompts through the SDK: update, delete (in use / force), usage, schema test."""

from __future__ import annotations

from typing import Any

import pytest
from videovector import AsyncVideoVector
from videovector._exceptions import (
    AuthorizationError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from videovector._types import DeleteResponse, Prompt, PromptUsageStats
from videovector._types import TestSchemaResponse as SchemaCheck

from .helpers import raw, wait_run

pytestmark = pytest.mark.timeout(60)

SCHEMA = {"type": "object", "properties": {"label": {"type": "string"},
                                           "score": {"type": "number", "minimum": 0}},
          "required": ["label"]}
LEVEL = {"instructions_text": "Summarise the whole media.", "json_schema": SCHEMA}


async def new_prompt(vv: AsyncVideoVector, name: str = "Editable prompt", **extra: Any) -> Prompt:
    return await vv.prompts.create(name=name, prompt_text="Label the scene of each segment.",
                                   json_schema=SCHEMA, description="Before", **extra)


def test_update_changes_only_the_fields_sent(run: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        made = await new_prompt(vv, video_level=LEVEL)
        renamed = await vv.prompts.update(made.prompt_id, name="Renamed prompt")
        assert isinstance(renamed, Prompt) and renamed.name == "Renamed prompt"
        assert renamed.prompt_text == made.prompt_text and renamed.description == "Before"
        assert renamed.video_level is not None
        cleared = await vv.prompts.update(made.prompt_id, clear_video_level=True,
                                          description="After")
        assert cleared.video_level is None and cleared.description == "After"
        again = await vv.prompts.retrieve(made.prompt_id)
        assert (again.name, again.description, again.video_level) == (
            "Renamed prompt", "After", None)
        with pytest.raises(ValidationError) as info:
            await vv.prompts.update(made.prompt_id, name="no")
        assert info.value.details["field"] == "name"
        with pytest.raises(NotFoundError):
            await vv.prompts.update("prm_missing", name="Whatever name")
        with pytest.raises(AuthorizationError) as denied:
            await vv.prompts.update("prm_default_general", name="Mine now")
        assert denied.value.error_code == "authorization_default_prompt_immutable"

    run(scenario)


def test_delete_refuses_a_prompt_in_use_unless_forced(run: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        unused = await new_prompt(vv, name="Unused prompt")
        usage = await vv.prompts.get_usage(unused.prompt_id)
        assert isinstance(usage, PromptUsageStats)
        assert (usage.is_in_use, usage.schema_properties_count) == (False, 2)
        gone = await vv.prompts.delete(unused.prompt_id)
        assert isinstance(gone, DeleteResponse) and "Unused prompt" in gone.message
        with pytest.raises(NotFoundError):
            await vv.prompts.retrieve(unused.prompt_id)

        used = await new_prompt(vv, name="Used prompt")
        started = await vv.prompt_runs.execute(
            prompt_id=used.prompt_id, target={"type": "videos", "video_ids": ["vid_demo_city"]})
        assert (await vv.prompts.get_usage(used.prompt_id)).is_in_use is True
        with pytest.raises(ConflictError) as info:
            await vv.prompts.delete(used.prompt_id)
        assert info.value.error_code == "resource_prompt_in_use"
        assert (await vv.prompts.retrieve(used.prompt_id)).name == "Used prompt"
        await vv.prompts.delete(used.prompt_id, force=True)
        listed = await vv.prompts.list(active_only=False)
        assert used.prompt_id not in [p.prompt_id for p in listed.prompts]
        finished = await wait_run(vv, started.run_id)  # the run outlives its prompt
        assert finished.prompt_name == "Used prompt" and finished.status == "completed"
        with pytest.raises(AuthorizationError):
            await vv.prompts.delete("prm_default_general", force=True)

    run(scenario)


def test_schema_test_reports_the_first_mismatch(run: Any, sandbox: Any) -> None:
    async def scenario(vv: AsyncVideoVector) -> None:
        ok = await vv.prompts.test_schema(json_schema=SCHEMA,
                                          sample_data={"label": "harbour", "score": 0.5})
        assert isinstance(ok, SchemaCheck) and ok.valid is True
        assert ok.validated_data == {"label": "harbour", "score": 0.5} and ok.error is None
        missing = await vv.prompts.test_schema(json_schema=SCHEMA, sample_data={"score": 1})
        assert (missing.valid, missing.error) == (False, "$.label is required")
        wrong = await vv.prompts.test_schema(json_schema=SCHEMA,
                                             sample_data={"label": "x", "score": -2})
        assert wrong.error == "$.score should be at least 0"
        typed = await vv.prompts.test_schema(
            json_schema={"type": "object", "properties": {"tags": {
                "type": "array", "items": {"type": "string"}}}},
            sample_data={"tags": ["a", 3]})
        assert typed.error == "$.tags[1] should be string"
        broken = await vv.prompts.test_schema(json_schema={"type": "thing"}, sample_data={})
        assert broken.valid is False and "unknown type" in (broken.error or "")

    run(scenario)
    resp = raw(sandbox, "POST", "/prompts/test-schema", json={"json_schema": SCHEMA})
    assert resp.status_code == 422 and resp.json()["error"]["details"]["field"] == "sample_data"
