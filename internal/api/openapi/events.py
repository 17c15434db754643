#!/usr/bin/env python3
"""Adds GET /v1/events' query parameters and its 400, and GET /v1/payments' customer, to internal/api/openapi.json (idempotent).
Run from the repository root: python3 internal/api/openapi/events.py"""
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from common import load, save, problem

d = load()
o = d["paths"]["/v1/events"]["get"]
o["parameters"] = [
    {"name": "type", "in": "query", "schema": {"type": "string"},
     "description": "Only events of this type: one of the webhook event types (see the WebhookEndpoint's event_types), or a front door's own (`smartpay.settled`, `ottu.inquiry`). An unknown type is 400 parameter_invalid."},
    {"name": "object", "in": "query", "schema": {"type": "string"}, "description": "Only events about this object id."},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    {"name": "starting_after", "in": "query", "schema": {"type": "string"}},
]
o["responses"]["400"] = problem("parameter_invalid", 400, "Invalid request", {"param": "type"})
lp = d["paths"]["/v1/payments"]["get"]
if not any(x["name"] == "customer" for x in lp["parameters"]):
    lp["parameters"].insert(2, {"name": "customer", "in": "query", "schema": {"type": "string"},
        "description": "A customer's reference or cus_… id: payments that named them either way."})
save(d)
