#!/usr/bin/env python3
"""Adds invoices to internal/api/openapi.json (idempotent).
Run from the repository root: python3 internal/api/openapi/invoices.py"""
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
from common import T, load, save, nullable, op

d = load()
S = d["components"]["schemas"]
line = {"type": "object", "additionalProperties": False, "required": ["description", "quantity", "unit_amount"],
        "properties": {"description": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1}, "unit_amount": {"type": "integer", "minimum": 1}}}
S["Invoice"] = {"type": "object", "additionalProperties": False,
    "required": ["id", "object", "mode", "number", "status", "customer_email", "customer_name", "currency", "line_items", "total", "memo", "locale",
                 "due_at", "expires_at", "payment", "created_at"],
    "properties": {"id": {"type": "string", "pattern": "^inv_"}, "object": {"const": "invoice"}, "mode": {"enum": ["sandbox", "live"]},
        "number": {"type": "string"}, "status": {"enum": ["open", "paid", "canceled", "expired"]}, "customer_email": {"type": "string"},
        "customer_name": nullable("string"), "currency": {"type": "string"}, "line_items": {"type": "array", "items": line},
        "total": {"type": "integer"}, "memo": nullable("string"), "locale": {"enum": ["en", "ar"]}, "due_at": {"type": "string"},
        "expires_at": {"type": "string"}, "payment": nullable("string"), "created_at": {"type": "string"},
        "payment_link": {"type": "string", "description": "The hosted payment link, shown once (also emailed)"},
        "payment_link_qr_code_url": {"type": "string", "description": "The payment link as a QR code (PNG, 256 px; ?size=64-1024), for a printed or displayed invoice; shown once"},
        "emails": {"type": "array", "items": {"type": "object", "additionalProperties": False,
            "required": ["id", "kind", "to", "subject", "status", "attempts", "sent_at"],
            "properties": {"id": {"type": "string"}, "kind": {"type": "string"}, "to": {"type": "string"}, "subject": {"type": "string"},
                "status": {"enum": ["pending", "sent", "failed"]}, "attempts": {"type": "integer"}, "sent_at": nullable("string")}}}}}
S["InvoiceList"] = {"type": "object", "required": ["object", "data", "has_more", "next_cursor"], "additionalProperties": False,
    "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": {"$ref": "#/components/schemas/Invoice"}},
        "has_more": {"type": "boolean"}, "next_cursor": nullable("string")}}
S["CreateInvoiceRequest"] = {"type": "object", "additionalProperties": False, "required": ["customer_email", "currency", "line_items", "due_date"],
    "properties": {"customer_email": {"type": "string"}, "customer_name": {"type": "string"}, "currency": {"type": "string"},
        "line_items": {"type": "array", "items": line, "minItems": 1, "maxItems": 100},
        "due_date": {"type": "string", "description": "A date (end of that day, UTC), an RFC 3339 time or unix seconds"},
        "expires_at": {"type": "string", "description": "When the payment link stops working (default: 30 days after the due date)"},
        "memo": {"type": "string"}, "locale": {"enum": ["en", "ar"]}, "send": {"type": "boolean", "description": "Email the link now (default true)"}}}
inv = {"id": "inv_01jbz7q8m3a4x5y6z7k8n9p0qr", "object": "invoice", "mode": "sandbox", "number": "INV-K8N9P0QR", "status": "open",
       "customer_email": "ana@example.com", "customer_name": "Ana", "currency": "KWD",
       "line_items": [{"description": "Consulting", "quantity": 2, "unit_amount": 5250}], "total": 10500, "memo": None, "locale": "en",
       "due_at": "2026-12-10T23:59:59.000Z", "expires_at": "2027-01-09T23:59:59.000Z", "payment": None, "created_at": T}
rd, wr = ("payments:read", "view_payments"), ("payments:write", "create_payments")
P = d["paths"]
P["/v1/invoices"] = {
    "post": op("createInvoice", "Create an invoice and email its payment link", *wr, 201, "Invoice",
        dict(inv, payment_link="http://localhost:8080/i/il_0123456789abcdefghjkmnpqrstvwxyz0123456789abcdefgh",
             payment_link_qr_code_url="http://localhost:8080/i/qr/il_0123456789abcdefghjkmnpqrstvwxyz0123456789abcdefgh"),
        "Reminders go three days before the due date and then one, eight and fifteen days after it; the link expires 30 days after the due date.",
        "CreateInvoiceRequest", {"customer_email": "ana@example.com", "currency": "KWD", "due_date": "2026-12-10",
                                 "line_items": [{"description": "Consulting", "quantity": 2, "unit_amount": 5250}]}),
    "get": op("listInvoices", "List invoices", *rd, 200, "InvoiceList", {"object": "list", "data": [inv], "has_more": False, "next_cursor": None})}
P["/v1/invoices/{id}"] = {"get": op("getInvoice", "Get an invoice with the emails sent about it", *rd, 200, "Invoice", inv, has_id=True)}
P["/v1/invoices/{id}/cancel"] = {"post": op("cancelInvoice", "Cancel an open invoice (its link stops working)", *wr, 200, "Invoice", dict(inv, status="canceled"), has_id=True)}
P["/v1/invoices/{id}/send"] = {"post": op("sendInvoice", "Email an open invoice's link again", *wr, 200, "Invoice", inv, has_id=True)}
save(d)
