#!/usr/bin/env python3
"""Adds a team member's password reset to internal/api/openapi.json (idempotent).
Run from the repository root: python3 internal/api/openapi/passwords.py"""
import copy, os, sys
sys.path.insert(0, os.path.dirname(__file__))
from common import load, save, op

d = load()
P = d["paths"]
example = copy.deepcopy(P["/v1/users/{id}"]["post"]["responses"]["200"]["content"]["application/json"]["examples"]["example"]["value"])
example["password"] = "7k2m9q4x8c3v6b1n5z0a"
o = op("resetUserPassword", "Give a person a new generated password", "team:write", "manage_team", 200, "User", example,
       "For someone who forgot theirs: the new password is in the answer, once; the old one stops working and every session of theirs ends "
       "(audited as user.password_reset). Refused for someone the caller may not manage (403 permission_denied) and for the caller themselves "
       "(403 use_password_change: people change their own password, with the current one, on the dashboard's Password page).",
       has_id=True)
P["/v1/users/{id}/reset-password"] = {"post": o}
save(d)
