"""Walk raw JSON against an SDK model: which declared keys are missing (recursively).

Used by the completeness test and wherever a payload must carry a whole SDK object
(webhook event data). Validation alone hides gaps, because the models default them.
"""

from __future__ import annotations

import types
from inspect import isclass
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel
from videovector import _types as T

# Keys the contract pins (MCP/T) that the SDK model does not declare.
CONTRACT_EXTRA: dict[type[BaseModel], dict[str, type]] = {
    T.ImportJob: {"skipped_files": list},
}


def missing_fields(model: type[BaseModel], data: Any, path: str = "$") -> list[str]:
    """Paths of declared fields absent from ``data`` (and shape mismatches)."""
    if not isinstance(data, dict):
        return [f"{path}: expected an object for {model.__name__}, got {type(data).__name__}"]
    out: list[str] = []
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key not in data:
            out.append(f"{path}.{key}")
            continue
        out += _walk(info.annotation, data[key], f"{path}.{key}")
    for key, kind in CONTRACT_EXTRA.get(model, {}).items():
        if not isinstance(data.get(key), kind):
            out.append(f"{path}.{key} (contract: {kind.__name__})")
    return out


def _walk(annotation: Any, value: Any, path: str) -> list[str]:
    if value is None:
        return []
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _walk(inner[0], value, path) if len(inner) == 1 else []
    if isclass(annotation) and issubclass(annotation, BaseModel):
        return missing_fields(annotation, value, path)
    if origin is list and args:
        if not isinstance(value, list):
            return [f"{path}: expected an array, got {type(value).__name__}"]
        return [m for i, item in enumerate(value) for m in _walk(args[0], item, f"{path}[{i}]")]
    if origin is dict and len(args) == 2:
        if not isinstance(value, dict):
            return [f"{path}: expected an object, got {type(value).__name__}"]
        return [m for k, item in value.items() for m in _walk(args[1], item, f"{path}.{k}")]
    return []
