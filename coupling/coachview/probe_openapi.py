"""Reading a tenant's OpenAPI (or Swagger 2) description: its paths, schemas and write endpoints.

The probe never writes to a tenant: a write-back endpoint is confirmed from this document only.
"""

import re
from typing import Any

from coupling.coachview import api

_PARAM = re.compile(r"\{[^}]+\}")


class OpenApi:
    """A read-only view of one OpenAPI document, paths relative to `/api/v1/` with `{id}` as the parameter."""

    def __init__(self, document: dict | None):
        self.document = document if isinstance(document, dict) else {}
        self.paths: dict[str, dict] = {}
        for raw, operations in (self.document.get("paths") or {}).items():
            if not isinstance(operations, dict) or not isinstance(raw, str):
                continue
            relative = raw.split(api.API_PREFIX, 1)[-1].strip("/")
            self.paths[_PARAM.sub("{id}", relative)] = {k.lower(): v for k, v in operations.items()}

    def __bool__(self) -> bool:
        return bool(self.paths)

    # --- resources ---

    def list_resources(self) -> list[str]:
        """Paths with a GET and no parameter: the list endpoints."""
        return [path for path, ops in self.paths.items() if "get" in ops and "{" not in path]

    def has(self, path: str, method: str = "get") -> bool:
        return method.lower() in self._operations(path)

    def _operations(self, path: str) -> dict:
        normal = _PARAM.sub("{id}", path.strip("/"))
        for known, ops in self.paths.items():
            if known.lower() == normal.lower():
                return ops
        return {}

    def pdf_paths(self, resource: str) -> list[str]:
        """GET paths under `<resource>/{id}/` that answer application/pdf."""
        found = []
        for path, ops in self.paths.items():
            if path.lower().startswith(resource.lower() + "/{id}/") and "get" in ops:
                if "application/pdf" in self._response_types(ops["get"]):
                    found.append(path)
        return found

    def write_paths(self, resource: str) -> list[tuple[str, str, list[str]]]:
        """(method, path, body property names) of every write under `<resource>/{id}`."""
        found = []
        for path, ops in self.paths.items():
            if not path.lower().startswith(resource.lower() + "/{id}"):
                continue
            for method in ("put", "patch", "post"):
                if method in ops:
                    found.append((method.upper(), path, list(self._body_properties(ops[method]))))
        return found

    # --- schemas ---

    def item_fields(self, path: str) -> list[str]:
        """Dotted field paths of the records a list (or single-record) GET answers."""
        operation = self._operations(path).get("get") or {}
        schema = self._response_schema(operation)
        if schema.get("type") == "array" or "items" in schema:
            schema = self.resolve(schema.get("items") or {})
        return self.flatten(schema)

    def enum(self, path: str, field: str) -> list[str]:
        """The enum of one field of a list's records (e.g. the invoice status), when the document says it."""
        operation = self._operations(path).get("get") or {}
        schema = self._response_schema(operation)
        if schema.get("type") == "array" or "items" in schema:
            schema = self.resolve(schema.get("items") or {})
        for name in field.split("."):
            properties = self._properties(schema)
            match = next((v for k, v in properties.items() if k.lower() == name.lower()), None)
            if match is None:
                return []
            schema = self.resolve(match)
        values = schema.get("enum") or []
        return [str(value) for value in values if isinstance(value, str | int)]

    def flatten(self, schema: dict, prefix: str = "", depth: int = 0) -> list[str]:
        """Every property as a dotted path (objects inside; arrays of objects by their own name too)."""
        fields = []
        for name, sub in self._properties(schema).items():
            path = f"{prefix}{name}"
            fields.append(path)
            sub = self.resolve(sub)
            if depth < 3 and self._properties(sub):
                fields.extend(self.flatten(sub, f"{path}.", depth + 1))
            elif depth < 3 and sub.get("type") == "array":
                items = self.resolve(sub.get("items") or {})
                fields.extend(self.flatten(items, f"{path}.", depth + 1))
        return fields

    def resolve(self, schema: Any, depth: int = 0) -> dict:
        """A schema with `$ref` and `allOf` followed (within this document)."""
        if not isinstance(schema, dict) or depth > 10:
            return {}
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = self.document
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            return self.resolve(target, depth + 1)
        if isinstance(schema.get("allOf"), list):
            merged: dict = {"properties": {}}
            for part in schema["allOf"]:
                merged["properties"].update(self._properties(self.resolve(part, depth + 1)))
            return merged
        return schema

    def _properties(self, schema: dict) -> dict:
        properties = self.resolve(schema).get("properties")
        return properties if isinstance(properties, dict) else {}

    def _response_schema(self, operation: dict) -> dict:
        responses = operation.get("responses") or {}
        answer = responses.get("200") or responses.get(200) or {}
        if "schema" in answer:  # Swagger 2
            return self.resolve(answer["schema"])
        for media in (answer.get("content") or {}).values():
            if isinstance(media, dict) and "schema" in media:
                return self.resolve(media["schema"])
        return {}

    def _response_types(self, operation: dict) -> list[str]:
        responses = operation.get("responses") or {}
        answer = responses.get("200") or responses.get(200) or {}
        return [*(answer.get("content") or {}), *(operation.get("produces") or [])]

    def _body_properties(self, operation: dict) -> dict:
        body = operation.get("requestBody") or {}
        for media in (body.get("content") or {}).values():
            if isinstance(media, dict) and "schema" in media:
                return self._properties(self.resolve(media["schema"]))
        for parameter in operation.get("parameters") or []:  # Swagger 2: a body parameter
            if isinstance(parameter, dict) and parameter.get("in") == "body":
                return self._properties(self.resolve(parameter.get("schema") or {}))
        return {}
