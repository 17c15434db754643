#!/usr/bin/env python3
"""Adds notification URLs (payments, checkout sessions), endpoint scopes and
the notification secret to internal/api/openapi.json (idempotent).
Run from the repository root: python3 internal/api/openapi/notifications.py"""
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from common import load, save, nullable, op

d = load()
S = d["components"]["schemas"]
pay = S["Payment"]
pay["properties"]["notification_url"] = nullable("string")
if "notification_url" not in pay["required"]:
    pay["required"].append("notification_url")
S["CreatePaymentRequest"]["properties"]["notification_url"] = {"type": "string", "description": "Also receives this payment's events, signed with the notification secret"}
ep = S["WebhookEndpoint"]
ep["properties"]["scope"] = {"enum": ["all", "notification"], "description": "notification: made for a notification_url; receives only the events of objects naming it"}
if "scope" not in ep["required"]:
    ep["required"].append("scope")
S["NotificationSecret"] = {"type": "object", "additionalProperties": False, "required": ["object", "secret"],
    "properties": {"object": {"const": "notification_secret"}, "secret": {"type": "string", "pattern": "^whsec_"}}}
P = d["paths"]
P["/v1/notification-secret"] = {"get": op("getNotificationSecret", "The secret that signs deliveries to notification URLs", "webhooks:write", "manage_webhooks", 200,
    "NotificationSecret", {"object": "notification_secret", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})}

def walk(x):
    if isinstance(x, dict):
        if x.get("object") == "payment" and "payment_method" in x:
            x.setdefault("notification_url", None)
        if x.get("object") == "webhook_endpoint" and "url" in x:
            x.setdefault("scope", "all")
        for v in x.values():
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
walk(P)
save(d)
