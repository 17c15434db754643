#!/usr/bin/env python3
"""Adds payouts to internal/api/openapi.json (idempotent).
Run from the repository root: python3 internal/api/openapi/payouts.py"""
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from common import T, load, save, nullable, op

d = load()
S = d["components"]["schemas"]
S["Payout"] = {"type": "object", "additionalProperties": False,
    "required": ["id", "object", "mode", "status", "amount", "currency", "destination", "description", "reference", "metadata",
                 "processor", "failure_code", "failure_message", "created_at"],
    "properties": {"id": {"type": "string", "pattern": "^po_"}, "object": {"const": "payout"}, "mode": {"enum": ["sandbox", "live"]},
        "status": {"enum": ["pending", "paid", "failed"]}, "amount": {"type": "integer", "minimum": 1},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "destination": {"type": "object", "additionalProperties": False,
            "required": ["type", "payment_method", "card", "bank_last4", "bank_country", "holder"],
            "properties": {"type": {"enum": ["card", "bank_account"]}, "payment_method": nullable("string"),
                "card": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Card"}]},
                "bank_last4": nullable("string"), "bank_country": nullable("string"), "holder": nullable("string")}},
        "description": nullable("string"), "reference": nullable("string"),
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}}, "processor": {"type": "string"},
        "failure_code": nullable("string"), "failure_message": nullable("string"), "created_at": {"type": "string"}}}
S["PayoutList"] = {"type": "object", "required": ["object", "data", "has_more", "next_cursor"], "additionalProperties": False,
    "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": {"$ref": "#/components/schemas/Payout"}},
        "has_more": {"type": "boolean"}, "next_cursor": nullable("string")}}
S["CreatePayoutRequest"] = {"type": "object", "additionalProperties": False, "required": ["amount", "currency", "destination"],
    "properties": {"amount": {"type": "integer", "minimum": 1}, "currency": {"type": "string"},
        "destination": {"oneOf": [
            {"type": "object", "required": ["type", "card"], "properties": {"type": {"const": "card"}, "card": {"type": "object"}}},
            {"type": "object", "required": ["type", "token", "key"], "properties": {"type": {"const": "token"},
                "token": {"type": "string", "pattern": "^tok_"}, "key": {"type": "string"}}},
            {"type": "object", "required": ["type", "id"], "properties": {"type": {"const": "saved_card"}, "id": {"type": "string"}}},
            {"type": "object", "required": ["type", "bank_account"], "properties": {"type": {"const": "bank_account"},
                "bank_account": {"type": "object", "required": ["holder"], "properties": {"holder": {"type": "string"}, "iban": {"type": "string"},
                    "account_number": {"type": "string"}, "routing_number": {"type": "string"}, "country": {"type": "string"}}}}}]},
        "description": {"type": "string"}, "reference": {"type": "string"}, "metadata": {"type": "object", "additionalProperties": {"type": "string"}}}}
po = {"id": "po_01jbz7q8m3a4x5y6z7k8n9p0qr", "object": "payout", "mode": "sandbox", "status": "paid", "amount": 6000, "currency": "EUR",
      "destination": {"type": "bank_account", "payment_method": None, "card": None, "bank_last4": "3000", "bank_country": "DE", "holder": "Shop GmbH"},
      "description": None, "reference": "settlement-11", "metadata": {}, "processor": "sandbox", "failure_code": None, "failure_message": None, "created_at": T}
P = d["paths"]
P["/v1/payouts"] = {
    "post": op("createPayout", "Pay out of the available balance", "payouts:write", "payout", 201, "Payout", po,
        "409 insufficient_balance when the available balance is short (nothing is posted); a single-use token (hosted fields) with its key pays out once (409 token_used after); 402 with the failed payout when the processor refuses it (its money returns to the balance). Takes an Idempotency-Key.",
        "CreatePayoutRequest", {"amount": 6000, "currency": "EUR", "destination": {"type": "bank_account", "bank_account": {"holder": "Shop GmbH", "iban": "DE89370400440532013000"}}}),
    "get": op("listPayouts", "List payouts", "payments:read", "view_payments", 200, "PayoutList", {"object": "list", "data": [po], "has_more": False, "next_cursor": None})}
P["/v1/payouts/{id}"] = {"get": op("getPayout", "Get a payout", "payments:read", "view_payments", 200, "Payout", po, has_id=True)}
save(d)
