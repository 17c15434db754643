#!/usr/bin/env python3
"""Adds events, webhook endpoints and deliveries to internal/api/openapi.json
(idempotent). Run from the repository root: python3 internal/api/openapi/webhooks.py"""
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from common import T, load, save, nullable, op, problem

d = load()
S = d["components"]["schemas"]
types = ["payment.requires_action", "payment.pending", "payment.authorized", "payment.captured", "payment.failed", "payment.voided",
         "payment.expired", "payment.refunded", "refund.succeeded", "refund.failed", "payout.paid", "payout.failed", "checkout.session.completed"]
S["Event"] = {"type": "object", "additionalProperties": False, "required": ["id", "object", "type", "mode", "created_at", "sequence", "data"],
    "description": "The exact JSON every webhook delivery of the event carries.",
    "properties": {"id": {"type": "string", "pattern": "^evt_"}, "object": {"const": "event"}, "type": {"enum": types},
        "mode": {"enum": ["sandbox", "live"]}, "created_at": {"type": "string"},
        "sequence": {"type": "integer", "description": "Grows per object in emission order: drop an event older than one already seen"},
        "data": {"type": "object", "required": ["object"], "properties": {"object": {"type": "object"}}}}}
S["EventList"] = {"type": "object", "required": ["object", "data", "has_more", "next_cursor"], "additionalProperties": False,
    "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
        "has_more": {"type": "boolean"}, "next_cursor": nullable("string")}}
S["WebhookEndpoint"] = {"type": "object", "additionalProperties": False,
    "required": ["id", "object", "mode", "url", "description", "event_types", "enabled", "disabled_reason", "created_at"],
    "properties": {"id": {"type": "string", "pattern": "^we_"}, "object": {"const": "webhook_endpoint"}, "mode": {"enum": ["sandbox", "live"]},
        "url": {"type": "string"}, "description": nullable("string"), "event_types": {"type": "array", "items": {"enum": types}},
        "enabled": {"type": "boolean"}, "disabled_reason": nullable("string"), "created_at": {"type": "string"},
        "secret": {"type": "string", "pattern": "^whsec_", "description": "The signing secret, shown once"}}}
S["WebhookEndpointList"] = {"type": "object", "required": ["object", "data", "has_more", "next_cursor"], "additionalProperties": False,
    "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookEndpoint"}},
        "has_more": {"type": "boolean"}, "next_cursor": nullable("string")}}
S["WebhookEndpointRequest"] = {"type": "object", "additionalProperties": False,
    "properties": {"url": {"type": "string"}, "description": {"type": "string"}, "event_types": {"type": "array", "items": {"enum": types}},
        "enabled": {"type": "boolean"}}}
S["WebhookDelivery"] = {"type": "object", "additionalProperties": False,
    "required": ["id", "object", "event", "endpoint", "status", "attempts", "next_attempt_at", "last_status_code", "last_error", "created_at"],
    "properties": {"id": {"type": "string", "pattern": "^msg_", "description": "The webhook-id header: the same on every attempt"},
        "object": {"const": "webhook_delivery"}, "event": {"type": "string"}, "endpoint": {"type": "string"},
        "status": {"enum": ["pending", "succeeded", "failed"]}, "attempts": {"type": "integer"},
        "next_attempt_at": nullable("string"), "last_status_code": {"type": ["integer", "null"]}, "last_error": nullable("string"),
        "created_at": {"type": "string"},
        "attempt_history": {"type": "array", "items": {"type": "object", "additionalProperties": False,
            "required": ["number", "at", "status_code", "error", "duration_ms", "response"],
            "properties": {"number": {"type": "integer"}, "at": {"type": "string"}, "status_code": {"type": ["integer", "null"]},
                "error": nullable("string"), "duration_ms": {"type": "integer"}, "response": nullable("string")}}}}}
S["WebhookDeliveryList"] = {"type": "object", "required": ["object", "data", "has_more", "next_cursor"], "additionalProperties": False,
    "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": {"$ref": "#/components/schemas/WebhookDelivery"}},
        "has_more": {"type": "boolean"}, "next_cursor": nullable("string")}}

ev = {"id": "evt_01jbz7q8m3a4x5y6z7k8n9p0qr", "object": "event", "type": "payment.captured", "mode": "sandbox", "created_at": T,
      "sequence": 1763892000123000, "data": {"object": {"id": "pay_01jbz7q8m3a4x5y6z7k8n9p0qr", "object": "payment", "status": "captured"}}}
ep = {"id": "we_01jbz7q8m3a4x5y6z7k8n9p0qr", "object": "webhook_endpoint", "mode": "sandbox", "url": "https://shop.example/hooks",
      "description": None, "event_types": ["payment.captured", "refund.succeeded"], "enabled": True, "disabled_reason": None, "created_at": T}
dl = {"id": "msg_01jbz7q8m3a4x5y6z7k8n9p0qr", "object": "webhook_delivery", "event": ev["id"], "endpoint": ep["id"], "status": "succeeded",
      "attempts": 2, "next_attempt_at": None, "last_status_code": 200, "last_error": None, "created_at": T,
      "attempt_history": [{"number": 1, "at": T, "status_code": 500, "error": None, "duration_ms": 12, "response": "oops"},
                          {"number": 2, "at": T, "status_code": 200, "error": None, "duration_ms": 9, "response": None}]}
lst = lambda x: {"object": "list", "data": [x], "has_more": False, "next_cursor": None}
rd, wr = ("payments:read", "view_payments"), ("webhooks:write", "manage_webhooks")
P = d["paths"]
P["/v1/events"] = {"get": op("listEvents", "List events (newest first; filters type, object)", *rd, 200, "EventList", lst(ev))}
P["/v1/events/{id}"] = {"get": op("getEvent", "Get an event", *rd, 200, "Event", ev, has_id=True)}
P["/v1/webhook-endpoints"] = {
    "post": op("createWebhookEndpoint", "Create a webhook endpoint", *wr, 201, "WebhookEndpoint", dict(ep, secret="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
        "Deliveries are signed (Standard Webhooks) with the secret in the answer, shown once.", "WebhookEndpointRequest", {"url": "https://shop.example/hooks"}),
    "get": op("listWebhookEndpoints", "List webhook endpoints", *wr, 200, "WebhookEndpointList", lst(ep))}
P["/v1/webhook-endpoints/{id}"] = {
    "get": op("getWebhookEndpoint", "Get a webhook endpoint", *wr, 200, "WebhookEndpoint", ep, has_id=True),
    "post": op("updateWebhookEndpoint", "Change a webhook endpoint (url, event_types, enabled)", *wr, 200, "WebhookEndpoint", ep, "", "WebhookEndpointRequest", {"enabled": True}, has_id=True),
    "delete": op("deleteWebhookEndpoint", "Delete a webhook endpoint", *wr, 200, "WebhookEndpoint", None, has_id=True)}
P["/v1/webhook-endpoints/{id}/deliveries"] = {"get": op("listWebhookDeliveries", "An endpoint's deliveries (filter status, event)", *wr, 200, "WebhookDeliveryList", lst({k: v for k, v in dl.items() if k != "attempt_history"}), has_id=True)}
P["/v1/webhook-deliveries/{id}"] = {"get": op("getWebhookDelivery", "A delivery with every attempt", *wr, 200, "WebhookDelivery", dl, has_id=True)}
P["/v1/webhook-deliveries/{id}/resend"] = {"post": op("resendWebhookDelivery", "Send a delivery again now, with the same webhook-id", *wr, 200, "WebhookDelivery",
    {k: v for k, v in dl.items() if k != "attempt_history"},
    "The delivery gets a fresh retry schedule; its attempt history keeps counting. 409 endpoint_disabled when its endpoint is disabled "
    "(enable it first with {\"enabled\": true}), 409 endpoint_deleted when its endpoint was deleted.", has_id=True)}
P["/v1/webhook-deliveries/{id}/resend"]["post"]["responses"]["409"] = problem("endpoint_disabled", 409, "Conflict")
# The delete answer is {"id","object","deleted"}: no example against the endpoint schema.
P["/v1/webhook-endpoints/{id}"]["delete"]["responses"]["200"]["content"]["application/json"] = {"schema": {"type": "object", "properties": {"deleted": {"const": True}}}}
save(d)
