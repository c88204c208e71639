"""What a search asks, said in the three ways a person needs: as the request the app sends,
as code to paste ("Copy as SDK call" / "Copy as curl"), and in words ("no results for …").

No Qt, no SDK. The API key never appears here: the code uses the environment variable the
SDK itself reads (`VIDEO_VECTOR_API_KEY`), so a pasted snippet works and leaks nothing.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

KEY_VARIABLE = "VIDEO_VECTOR_API_KEY"  # the SDK's own environment variable
DEFAULT_TOP_K = 30
TOP_K_MAX = 100
FILTER_PAGE_SIZE = 50
MAX_CONDITIONS = 4
MULTI_RUN_TOP_K_MAX = 50  # multi-run's top_k is per run, 1-50


class SearchKind(StrEnum):
    TEXT = "text"  # ranked: POST /indexes/{id}/search
    FILTER = "filter"  # metadata conditions, cursor pages: POST /search/filter/{id}
    IMAGE = "image"  # an example picture: POST /indexes/{id}/image-search
    MULTI_RUN = "multi_run"  # words, each run ranked then merged: POST /search/multi-run
    PLAYGROUND = "playground"  # words over the playground's runs: POST /playground/search


class Aggregation(StrEnum):
    """How a multi-run search merges the runs' rankings (the SDK's `aggregation`)."""

    BEST = "best"  # the best result per moment
    ALL = "all"  # every run's results
    WEIGHTED = "weighted"  # later runs count more


AGGREGATION_WORDS = {Aggregation.BEST: "best per moment", Aggregation.ALL: "every run's results",
                     Aggregation.WEIGHTED: "recent runs first"}


class ValueType(StrEnum):
    """FilterCondition `type` values (the SDK's FilterValueType)."""

    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    ARRAY = "array"


# The operators the SDK accepts per value type (its _FILTER_OPERATORS_BY_TYPE).
OPERATORS: dict[ValueType, tuple[str, ...]] = {
    ValueType.STRING: ("contains", "equals", "starts_with", "ends_with", "is_empty",
                       "is_not_empty"),
    ValueType.INTEGER: ("equals", "greater_equal", "less_equal", "greater_than", "less_than"),
    ValueType.NUMBER: ("greater_equal", "less_equal", "equals", "greater_than", "less_than"),
    ValueType.BOOLEAN: ("equals",),
    ValueType.ARRAY: ("item_equals", "item_contains", "length_equals", "length_greater",
                      "length_less", "is_empty", "is_not_empty"),
}
VALUELESS = frozenset({"is_empty", "is_not_empty"})
OPERATOR_WORDS = {
    "contains": "contains", "equals": "is", "starts_with": "starts with",
    "ends_with": "ends with", "is_empty": "is empty", "is_not_empty": "is not empty",
    "greater_equal": "≥", "less_equal": "≤", "greater_than": ">", "less_than": "<",
    "item_equals": "has item", "item_contains": "has an item containing",
    "length_equals": "has exactly N items", "length_greater": "has more items than",
    "length_less": "has fewer items than",
}


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str
    value_type: ValueType
    value: Any = None

    def as_api(self) -> dict[str, Any]:
        body: dict[str, Any] = {"field": self.field, "operator": self.operator,
                                "type": self.value_type.value}
        if self.operator not in VALUELESS:
            body["value"] = self.value
        return body

    def words(self) -> str:
        said = OPERATOR_WORDS.get(self.operator, self.operator)
        if self.operator in VALUELESS:
            return f"{self.field} {said}"
        value = f"“{self.value}”" if isinstance(self.value, str) else str(self.value)
        return f"{self.field} {said} {value}"


@dataclass(frozen=True)
class SearchRequest:
    """One search as the user set it up. `index_id` is the path's index; `index_ids`, when
    set, is the whole scope (several indexes, or all of them)."""

    kind: SearchKind
    index_id: str
    scope_label: str  # how the scope is said: “Demo archive”, “all 3 indexes”
    query: str = ""
    index_ids: tuple[str, ...] = ()
    top_k: int = DEFAULT_TOP_K
    fields: tuple[str, ...] = ()
    run_ids: tuple[str, ...] = ()
    conditions: tuple[Condition, ...] = ()
    page_size: int = FILTER_PAGE_SIZE
    image_name: str = ""  # the example picture's file name (image search)
    image_data: str = field(default="", repr=False)  # its base64
    image_said: str = ""  # how the example is said when it is no file: “a frame of … at 0:12”
    run_labels: tuple[str, ...] = ()  # the chosen runs as people know them (prompt · date)
    aggregation: Aggregation = Aggregation.BEST  # multi-run only
    in_playground: bool = False  # a filter over the playground (POST /search/filter/playground)

    @property
    def has_scope(self) -> bool:
        """Somewhere to search: an index, or the playground."""
        return bool(self.index_id) or self.kind is SearchKind.PLAYGROUND or self.in_playground

    @property
    def is_empty(self) -> bool:
        if self.kind in (SearchKind.TEXT, SearchKind.MULTI_RUN, SearchKind.PLAYGROUND):
            return not self.query.strip()
        if self.kind is SearchKind.FILTER:
            return not self.conditions
        return not self.image_data

    # the request ------------------------------------------------------------------
    def path(self) -> str:
        if self.kind is SearchKind.FILTER and self.in_playground:
            return "/search/filter/playground"
        if self.kind is SearchKind.MULTI_RUN:
            return "/search/multi-run"
        if self.kind is SearchKind.PLAYGROUND:
            run = self.run_ids[0] if self.run_ids else ""
            return "/playground/search" + (f"?run_id={run}" if run else "")
        if self.kind is SearchKind.FILTER:
            return f"/search/filter/{self.index_id}"
        if self.kind is SearchKind.IMAGE:
            return f"/indexes/{self.index_id}/image-search"
        return f"/indexes/{self.index_id}/search"

    def body(self, cursor: str | None = None) -> dict[str, Any]:
        """The JSON the SDK sends for this search (same keys, same omissions)."""
        body: dict[str, Any]
        if self.kind is SearchKind.MULTI_RUN:
            body = {"query": self.query.strip(), "aggregation": self.aggregation.value,
                    "top_k": min(self.top_k, MULTI_RUN_TOP_K_MAX)}
            if self.run_ids:
                body["run_ids"] = list(self.run_ids)
            elif self.index_id:
                body["index_id"] = self.index_id
            return body
        if self.kind is SearchKind.PLAYGROUND:
            return {"query": self.query.strip(), "top_k": self.top_k}  # run_id: in the URL
        if self.kind is SearchKind.FILTER:
            body = {"conditions": [c.as_api() for c in self.conditions],
                    "page_size": self.page_size}
            if cursor:
                body["cursor"] = cursor
        elif self.kind is SearchKind.IMAGE:
            body = {"image_data": self.image_data or "<base64 of the image>",
                    "top_k": self.top_k}
        else:
            body = {"query": self.query.strip(), "top_k": self.top_k}
            if self.fields:
                body["search_fields"] = list(self.fields)
        if self.run_ids:
            body["run_ids"] = list(self.run_ids)
        if self.index_ids:
            body["index_ids"] = list(self.index_ids)
        return body

    def sdk_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of the `client.search` method for this search (`method()`)."""
        kw: dict[str, Any] = {}
        if self.kind is SearchKind.MULTI_RUN:
            return self.body()
        if self.kind is SearchKind.PLAYGROUND:
            kw = {"query": self.query.strip(), "top_k": self.top_k}
            if self.run_ids:
                kw["run_id"] = self.run_ids[0]
            return kw
        if self.kind is SearchKind.FILTER:
            kw["conditions"] = [c.as_api() for c in self.conditions]
            kw["page_size"] = self.page_size
        elif self.kind is SearchKind.IMAGE:
            kw["image_data"] = self.image_data
            kw["top_k"] = self.top_k
        else:
            kw["query"] = self.query.strip()
            kw["top_k"] = self.top_k
            if self.fields:
                kw["search_fields"] = list(self.fields)
        if self.run_ids:
            kw["run_ids"] = list(self.run_ids)
        if self.index_ids:
            kw["index_ids"] = list(self.index_ids)
        return kw

    def method(self) -> str:
        """The `client.search` method that runs this search."""
        if self.kind is SearchKind.FILTER and self.in_playground:
            return "filter_playground"
        return self.kind.value

    def takes_index(self) -> bool:
        """Is the path's index the method's first (positional) argument?"""
        return self.kind in (SearchKind.TEXT, SearchKind.IMAGE) or (
            self.kind is SearchKind.FILTER and not self.in_playground)

    # in words ---------------------------------------------------------------------
    def what(self) -> str:
        """What was searched, for “no results” and the status line."""
        if self.kind is SearchKind.FILTER:
            said = " and ".join(c.words() for c in self.conditions)
            what = f"segments where {said}"
        elif self.kind is SearchKind.IMAGE:
            what = self.image_said or f"pictures like “{self.image_name or 'the example'}”"
        else:
            what = f"“{self.query.strip()}”"
            if self.fields:
                what += f" in the fields {', '.join(self.fields)}"
        where = f" in {self.scope_label}"
        runs = self.run_labels or self.run_ids
        if self.kind is SearchKind.MULTI_RUN:
            each = f"runs {', '.join(runs)}" if runs else "every run"
            where += f", {each} ranked one by one ({AGGREGATION_WORDS[self.aggregation]})"
        elif runs:
            where += f" (run{'s' if len(runs) != 1 else ''} {', '.join(runs)})"
        return what + where

    def no_results(self) -> str:
        return (f"No results for {self.what()}. Try other words, fewer conditions, "
                "or a wider scope (All indexes).")


# as code --------------------------------------------------------------------------------
_IMAGE_SLOT = "@@IMAGE@@"


def as_curl(request: SearchRequest, base_url: str) -> str:
    """A curl command for this search; the key is `$VIDEO_VECTOR_API_KEY`, never its value.
    An image search reads the picture named in `$IMAGE` (base64 by the shell), so the
    command stays short."""
    url = base_url.rstrip("/") + request.path()
    head = (f"curl -X POST {shlex.quote(url)} \\\n"
            f"  -H \"X-API-Key: ${KEY_VARIABLE}\" \\\n"
            f"  -H 'Content-Type: application/json' \\\n")
    if request.kind is SearchKind.IMAGE:
        body = {**request.body(), "image_data": _IMAGE_SLOT}
        text = json.dumps(body)
        for raw, escaped in (("\\", "\\\\"), ('"', '\\"'), ("$", "\\$"), ("`", "\\`")):
            text = text.replace(raw, escaped)
        text = text.replace(_IMAGE_SLOT, '$(base64 -w0 "$IMAGE")')
        image = shlex.quote(request.image_name or "example.jpg")
        return f"IMAGE={image}\n{head}  -d \"{text}\""
    return head + f"  -d {shlex.quote(json.dumps(request.body(), indent=2))}"


def as_sdk(request: SearchRequest, base_url: str) -> str:
    """Python with the official SDK; the client reads the key from the environment."""
    method = request.method()
    args = [repr(request.index_id)] if request.takes_index() else []
    for name, value in request.sdk_kwargs().items():
        if name == "image_data":
            args.append("image_data=base64.b64encode(open(IMAGE, 'rb').read()).decode()")
        else:
            args.append(f"{name}={value!r}")
    head = "import os\n"
    if request.kind is SearchKind.IMAGE:
        head = f"import base64\nimport os\n\nIMAGE = {request.image_name or 'example.jpg'!r}\n"
    joined = ",\n    ".join(args)
    return (f"{head}\nfrom videovector import VideoVector\n\n"
            f"client = VideoVector(api_key=os.environ[{KEY_VARIABLE!r}],\n"
            f"                     base_url={base_url!r})\n"
            f"results = client.search.{method}(\n    {joined},\n)\n")


# marking the matched words ---------------------------------------------------------------
_WORD = re.compile(r"\w+", re.UNICODE)


def query_words(query: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(query)]


def marked_spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every word of `text` that one of `words` matches (whole word, or a
    prefix of it of 3+ letters: “kitchen” marks “kitchens”), in order, never overlapping."""
    wanted = [w for w in words if w]
    if not wanted:
        return []
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        token = m.group().lower()
        cut = text[m.end():m.end() + 1] == "…"  # elided: the start of a matched word counts
        if any(token == w or (len(w) >= 3 and token.startswith(w))
               or (cut and len(token) >= 3 and w.startswith(token)) for w in wanted):
            spans.append((m.start(), m.end()))
    return spans


def condition_words(conditions: tuple[Condition, ...]) -> list[str]:
    """The words a filter search matched on (string values), for marking its snippets."""
    return [w for c in conditions if isinstance(c.value, str) for w in query_words(c.value)]
