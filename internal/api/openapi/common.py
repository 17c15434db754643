"""Helpers shared by the scripts that add routes to internal/api/openapi.json."""
import json

PATH = "internal/api/openapi.json"
T = "2026-11-23T10:00:00.123Z"


def load():
    return json.load(open(PATH))


def save(d):
    json.dump(d, open(PATH, "w"), indent=2, ensure_ascii=False)
    open(PATH, "a").write("\n")


def nullable(t):
    return {"type": [t, "null"]}


def problem(code, status, title, extra=None):
    v = {"type": "https://paygate.dev/problems/" + code, "title": title, "status": status, "detail": "see code", "code": code, "request_id": "req_01jbz7q8m3"}
    v.update(extra or {})
    return {"description": "Problem details (RFC 9457)", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}, "examples": {"example": {"value": v}}}}}

def op(opid, summary, scope, perm, status, schema, example, desc="", body=None, body_example=None, has_id=False, media="application/json"):
    o = {"operationId": opid, "summary": summary,
         "description": (desc + " " if desc else "") + "Needs scope `%s` (keys, tokens) or permission `%s` (people)." % (scope, perm),
         "responses": {}}
    content = {"schema": {"$ref": "#/components/schemas/" + schema}}
    if example is not None:
        content["examples"] = {"example": {"value": example}}
    if media != "application/json":
        content = {"schema": {"type": "string"}}
    o["responses"][str(status)] = {"description": summary, "content": {media: content}}
    o["responses"]["401"] = problem("invalid_api_key", 401, "Unauthorized")
    o["responses"]["403"] = problem("insufficient_scope", 403, "Forbidden", {"required": scope})
    o["responses"]["429"] = problem("rate_limited", 429, "Too many requests")
    if body:
        o["requestBody"] = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/" + body}}}}
        if body_example is not None:
            o["requestBody"]["content"]["application/json"]["examples"] = {"example": {"value": body_example}}
        o["responses"]["400"] = problem("parameter_invalid", 400, "Invalid request", {"param": "amount"})
    if has_id:
        o["responses"]["404"] = problem("resource_missing", 404, "Not found", {"param": "id"})
    return o

