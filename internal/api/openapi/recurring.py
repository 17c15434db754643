#!/usr/bin/env python3
"""Adds mandates on payments and subscriptions to internal/api/openapi.json
(idempotent). Run from the repository root: python3 internal/api/openapi/recurring.py"""
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from common import T, load, save, nullable, op

d = load()
S = d["components"]["schemas"]
pay = S["Payment"]
pay["properties"]["mandate"] = {"type": ["string", "null"], "pattern": "^mdt_", "description": "The mandate this payment stored (initial) or charged (repeated)"}
if "mandate" not in pay["required"]:
    pay["required"].append("mandate")
cpr = S["CreatePaymentRequest"]
cpr["required"] = ["amount", "currency"]
cpr["description"] = "payment_method is required except for a repeated recurring payment, which is charged to its mandate's card."
cpr["properties"]["recurring"] = {"type": "object", "additionalProperties": False, "required": ["type"],
    "properties": {"type": {"enum": ["initial", "repeated"]}, "mandate": {"type": "string", "pattern": "^mdt_"}}}
S["Subscription"] = {"type": "object", "additionalProperties": False,
    "required": ["id", "object", "mode", "status", "customer", "mandate", "amount", "currency", "interval", "interval_count", "start_at",
                 "cycles", "end_at", "cycles_paid", "failed_attempts", "next_charge_at", "retry_delays", "last_payment", "description", "metadata", "created_at"],
    "properties": {"id": {"type": "string", "pattern": "^sub_"}, "object": {"const": "subscription"}, "mode": {"enum": ["sandbox", "live"]},
        "status": {"enum": ["active", "paused", "past_due", "canceled", "completed"]}, "customer": {"type": "string"}, "mandate": {"type": "string"},
        "amount": {"type": "integer"}, "currency": {"type": "string"}, "interval": {"enum": ["day", "week", "month", "year"]},
        "interval_count": {"type": "integer"}, "start_at": {"type": "string"}, "cycles": {"type": ["integer", "null"]}, "end_at": nullable("string"),
        "cycles_paid": {"type": "integer"}, "failed_attempts": {"type": "integer"}, "next_charge_at": nullable("string"),
        "retry_delays": {"type": "array", "items": {"type": "integer"}}, "last_payment": nullable("string"), "description": nullable("string"),
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}}, "created_at": {"type": "string"}}}
S["SubscriptionList"] = {"type": "object", "required": ["object", "data", "has_more", "next_cursor"], "additionalProperties": False,
    "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": {"$ref": "#/components/schemas/Subscription"}},
        "has_more": {"type": "boolean"}, "next_cursor": nullable("string")}}
S["CreateSubscriptionRequest"] = {"type": "object", "additionalProperties": False, "required": ["mandate", "amount", "currency", "interval"],
    "properties": {"mandate": {"type": "string"}, "amount": {"type": "integer", "minimum": 1}, "currency": {"type": "string"},
        "interval": {"enum": ["day", "week", "month", "year"]}, "interval_count": {"type": "integer", "minimum": 1, "maximum": 365},
        "start_at": {"type": "string"}, "cycles": {"type": "integer", "minimum": 0}, "end_at": {"type": "string"},
        "retry_delays": {"type": "array", "items": {"type": "integer", "minimum": 60}, "maxItems": 10, "description": "Seconds from the cycle's first soft decline to each retry, increasing (default 1, 3 and 7 days: four tries within a week)"},
        "description": {"type": "string"}, "metadata": {"type": "object", "additionalProperties": {"type": "string"}}}}
sub = {"id": "sub_01jbz7q8m3a4x5y6z7k8n9p0qr", "object": "subscription", "mode": "sandbox", "status": "active", "customer": "cus_01jbz7q8m3a4x5y6z7k8n9p0qr",
       "mandate": "mdt_01jbz7q8m3a4x5y6z7k8n9p0qr", "amount": 900, "currency": "EUR", "interval": "month", "interval_count": 1, "start_at": T,
       "cycles": 12, "end_at": None, "cycles_paid": 1, "failed_attempts": 0, "next_charge_at": "2026-12-23T10:00:00.123Z",
       "retry_delays": [86400, 259200, 604800], "last_payment": "pay_01jbz7q8m3a4x5y6z7k8n9p0qr", "description": "Plan", "metadata": {}, "created_at": T}
rd, wr = ("payments:read", "view_payments"), ("payments:write", "create_payments")
P = d["paths"]
P["/v1/subscriptions"] = {
    "post": op("createSubscription", "Schedule charges on a mandate", *wr, 201, "Subscription", sub,
        "A soft decline is retried after each retry delay; then, or after a hard decline, the schedule is past_due.", "CreateSubscriptionRequest",
        {"mandate": "mdt_01jbz7q8m3a4x5y6z7k8n9p0qr", "amount": 900, "currency": "EUR", "interval": "month", "cycles": 12}),
    "get": op("listSubscriptions", "List subscriptions", *rd, 200, "SubscriptionList", {"object": "list", "data": [sub], "has_more": False, "next_cursor": None})}
P["/v1/subscriptions/{id}"] = {"get": op("getSubscription", "Get a subscription", *rd, 200, "Subscription", sub, has_id=True)}
for action, desc in [("pause", "Pause an active subscription"), ("resume", "Resume a paused or past-due one (past due: the cycle is tried again now)"), ("cancel", "Cancel a subscription")]:
    P["/v1/subscriptions/{id}/" + action] = {"post": op(action + "Subscription", desc, *wr, 200, "Subscription", sub, has_id=True)}

def walk(x):
    if isinstance(x, dict):
        if x.get("object") == "payment" and "payment_method" in x:
            x.setdefault("mandate", None)
        for v in x.values():
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
walk(P)
save(d)
