#!/usr/bin/env python3
"""Adds api keys' created_by, and the password reset's and customer writes'
conflict answers, to internal/api/openapi.json (idempotent).
Run from the repository root: python3 internal/api/openapi/keys_created_by.py"""
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from common import load, save, nullable, problem

d = load()
k = d["components"]["schemas"]["APIKey"]
k["properties"]["created_by"] = dict(nullable("string"), description=
    "The person (`usr_…`) the key acts for: who created it, or who created the key that created it; "
    "null for keys the system made (the first merchant key, the command line). A rolled key keeps it. "
    "A person cannot reset their own password with such a key (403 `use_password_change`).")
if "created_by" not in k["required"]:
    k["required"].append("created_by")
for path in d["paths"]:
    for m, o in d["paths"][path].items():
        if not isinstance(o, dict) or "responses" not in o:
            continue
        for st, r in o["responses"].items():
            for c in r.get("content", {}).values():
                for ex in c.get("examples", {}).values():
                    v = ex.get("value")
                    items = v.get("data") if isinstance(v, dict) and v.get("object") == "list" else [v]
                    for it in items or []:
                        if isinstance(it, dict) and it.get("object") == "api_key" and "created_by" not in it:
                            it["created_by"] = "usr_01jbz7q8m3a4x5y6z7k8n9p0qr"
reset = d["paths"]["/v1/users/{id}/reset-password"]["post"]
reset["responses"]["409"] = problem("password_changed", 409, "Conflict")
reset["responses"]["409"]["description"] = ("The person's password changed while this reset ran (`password_changed`; send it again), "
    "or the Idempotency-Key is held by a reset still running (`idempotency_key_in_use`).")
reset["description"] = reset["description"].replace("and for the caller themselves", "and for the caller themselves, directly or through a key they created")
for path, m in (("/v1/customers", "post"), ("/v1/customers/{id}", "post")):
    o = d["paths"][path][m]
    o["responses"]["410"] = problem("customer_deleted", 410, "Gone")
    o["responses"]["410"]["description"] = ("A retry (same Idempotency-Key) of a request whose customer was erased since: "
        "the stored answer named personal data, so it is replaced by this one.")
save(d)
