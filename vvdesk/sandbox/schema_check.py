"""A small JSON Schema checker for ``POST /prompts/test-schema`` (no dependency).

It covers the keywords prompt schemas use: ``type`` (a name or a list of names),
``properties``, ``required``, ``additionalProperties: false``, ``items``, ``enum``,
``const``, ``minimum``/``maximum``, ``minLength``/``maxLength``, ``minItems``/``maxItems``.
Other keywords are ignored (documented in the sandbox README). The first problem found is
reported with the JSON path where it was found.
"""

from __future__ import annotations

from typing import Any

TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}


class SchemaProblem(ValueError):
    """The schema itself is malformed."""


def _is(value: Any, name: str) -> bool:
    if name not in TYPES:
        raise SchemaProblem(f"unknown type '{name}'")
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[name])


def first_error(schema: Any, value: Any, path: str = "$") -> str | None:
    """The first way ``value`` breaks ``schema`` (``None`` when it conforms)."""
    if not isinstance(schema, dict):
        raise SchemaProblem(f"the schema at {path} must be an object")
    kind = schema.get("type")
    if kind is not None:
        names = kind if isinstance(kind, list) else [kind]
        if not any(_is(value, n) for n in names):
            return f"{path} should be {' or '.join(map(str, names))}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{path} should be one of {schema['enum']}"
    if "const" in schema and value != schema["const"]:
        return f"{path} should be {schema['const']!r}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return f"{path} should be at least {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"{path} should be at most {schema['maximum']}"
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            return f"{path} should have at least {schema['minLength']} characters"
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return f"{path} should have at most {schema['maxLength']} characters"
    if isinstance(value, dict):
        props = schema.get("properties") or {}
        for name in schema.get("required") or []:
            if name not in value:
                return f"{path}.{name} is required"
        if schema.get("additionalProperties") is False:
            extra = sorted(set(value) - set(props))
            if extra:
                return f"{path}.{extra[0]} is not allowed"
        for name, sub in props.items():
            if name in value:
                problem = first_error(sub, value[name], f"{path}.{name}")
                if problem:
                    return problem
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            return f"{path} should have at least {schema['minItems']} items"
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            return f"{path} should have at most {schema['maxItems']} items"
        if isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                problem = first_error(schema["items"], item, f"{path}[{i}]")
                if problem:
                    return problem
    return None


def check_sample(schema: Any, sample: Any) -> dict[str, Any]:
    """``TestSchemaResponse`` for ``sample`` against ``schema``."""
    try:
        problem = first_error(schema, sample)
    except SchemaProblem as exc:
        return {"valid": False, "validated_data": None, "error": str(exc),
                "message": "The JSON schema is not valid"}
    if problem:
        return {"valid": False, "validated_data": None, "error": problem,
                "message": "The sample data does not match the schema"}
    return {"valid": True, "validated_data": sample, "error": None,
            "message": "Schema validation successful"}
