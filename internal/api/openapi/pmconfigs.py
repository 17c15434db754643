#!/usr/bin/env python3
"""Adds payment-method configurations and the Payment Methods API (native and
Ottu-compatible paths) to internal/api/openapi.json (idempotent).
Run from the repository root: python3 internal/api/openapi/pmconfigs.py"""
import copy, os, sys
sys.path.insert(0, os.path.dirname(__file__))
from common import T, load, save, nullable, op

d = load()
S = d["components"]["schemas"]
method_props = {"code": {"type": "string"}, "name": {"type": "string"}, "name_ar": nullable("string"), "is_sandbox": {"type": "boolean"},
    "logo": nullable("string"), "wallets": {"type": "array", "items": {"type": "string"}},
    "payment_services": {"type": "array", "items": {"type": "object", "required": ["code", "name", "name_ar"],
        "properties": {"code": {"type": "string"}, "name": {"type": "string"}, "name_ar": {"type": "string"}}}},
    "default_currency": nullable("string"), "accepted_currencies": {"type": "array", "items": {"type": "string"}},
    "operation": {"enum": ["purchase", "authorize"]}, "operations": {"type": "array", "items": {"enum": ["capture", "void", "refund"]}},
    "is_tokenizable": {"type": "boolean"}, "auto_debit_enabled": {"type": "boolean"}, "tags": {"type": "array", "items": {"type": "string"}}}
S["PaymentMethod"] = {"type": "object", "additionalProperties": False, "required": list(method_props), "properties": method_props}
S["PaymentMethods"] = {"type": "object", "additionalProperties": False, "required": ["customer_payment_methods", "payment_methods"],
    "properties": {"customer_payment_methods": {"type": "array", "items": {"$ref": "#/components/schemas/PaymentMethod"}},
        "payment_methods": {"type": "array", "items": {"$ref": "#/components/schemas/PaymentMethod"}}}}
S["PaymentMethodsRequest"] = {"type": "object", "additionalProperties": False, "required": ["plugin"],
    "properties": {"plugin": {"enum": ["e_commerce", "payment_request"]}, "currencies": {"type": "array", "items": {"type": "string"}},
        "customer_id": {"type": "string", "maxLength": 64}, "operation": {"enum": ["purchase", "authorize"]}, "tokenizable": {"type": "boolean"},
        "auto_debit": {"type": "boolean"}, "pg_names": {"type": "array", "items": {"type": "string"}}, "type": {"enum": ["sandbox", "production"]},
        "tags": {"type": "array", "items": {"type": "string"}}, "payment_services": {"type": "array", "items": {"enum": ["apple_pay", "google_pay", "samsung_pay", "wallet"]}}}}
cfg_props = dict(copy.deepcopy(method_props), id={"type": "string", "pattern": "^pmc_"}, object={"const": "payment_method_config"},
    mode={"enum": ["sandbox", "live"]}, connector={"type": "string"}, type={"enum": ["sandbox", "production"]},
    plugins={"type": "array", "items": {"enum": ["e_commerce", "payment_request"]}}, enabled={"type": "boolean"},
    has_credentials={"type": "boolean", "description": "Credentials are write-only, sealed by the vault"}, created_at={"type": "string"})
routing_props = {"priority": {"type": "integer", "minimum": 1, "maximum": 1000, "description": "1 is tried first"},
    "weight": {"type": "integer", "minimum": 0, "maximum": 10000, "description": "Share of traffic among equal priorities; 0: fallback only"},
    "min_amount": {"type": "integer", "minimum": 0, "description": "Minor units, inclusive; 0: no bound"},
    "max_amount": {"type": "integer", "minimum": 0, "description": "Minor units, inclusive; 0: no bound"},
    "card_brands": {"type": "array", "items": {"enum": ["visa", "mastercard", "amex", "discover", "jcb", "diners", "unionpay", "maestro"]}},
    "card_countries": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}, "description": "Issuing countries from the BIN (ISO 3166 alpha-2)"},
    "timeout_ms": {"type": "integer", "description": "One processor call's timeout; 0: the gateway's default (100 to 120000)"}}
cfg_props["routing"] = {"type": "object", "additionalProperties": False, "required": list(routing_props), "properties": routing_props,
    "description": "How paygate picks this configuration for a payment that names no pg_code (see docs/orchestration.md)"}
S["PaymentMethodConfig"] = {"type": "object", "additionalProperties": False, "required": list(cfg_props), "properties": cfg_props}
S["PaymentMethodConfigList"] = {"type": "object", "required": ["object", "data", "has_more", "next_cursor"], "additionalProperties": False,
    "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": {"$ref": "#/components/schemas/PaymentMethodConfig"}},
        "has_more": {"type": "boolean"}, "next_cursor": nullable("string")}}
S["PaymentMethodConfigRequest"] = {"type": "object", "additionalProperties": False,
    "properties": {"code": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,49}$"}, "name": {"type": "string"}, "name_ar": {"type": "string"},
        "logo": {"type": "string"}, "connector": {"type": "string"}, "type": {"enum": ["sandbox", "production"]},
        "credentials": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Write-only"},
        "accepted_currencies": {"type": "array", "items": {"type": "string"}}, "default_currency": {"type": "string"},
        "operation": {"enum": ["purchase", "authorize"]}, "operations": {"type": "array", "items": {"enum": ["capture", "void", "refund"]}},
        "is_tokenizable": {"type": "boolean"}, "auto_debit_enabled": {"type": "boolean"},
        "wallets": {"type": "array", "items": {"enum": ["ApplePay", "GooglePay"]}},
        "payment_services": {"type": "array", "items": {"enum": ["apple_pay", "google_pay", "samsung_pay", "wallet"]}},
        "plugins": {"type": "array", "items": {"enum": ["e_commerce", "payment_request"]}}, "tags": {"type": "array", "items": {"type": "string"}},
        "enabled": {"type": "boolean"},
        "routing": {"type": "object", "additionalProperties": False, "properties": routing_props}}}
pm = {"code": "knet", "name": "KNET", "name_ar": "كي نت", "is_sandbox": True, "logo": None, "wallets": [],
      "payment_services": [{"code": "apple_pay", "name": "Apple Pay", "name_ar": "أبل باي"}], "default_currency": "KWD",
      "accepted_currencies": ["KWD"], "operation": "purchase", "operations": ["refund"], "is_tokenizable": True, "auto_debit_enabled": False, "tags": ["retail"]}
cfg = dict(pm, id="pmc_01jbz7q8m3a4x5y6z7k8n9p0qr", object="payment_method_config", mode="sandbox", connector="sandbox", type="sandbox",
           plugins=["e_commerce"], enabled=True, has_credentials=True, created_at=T,
           routing={"priority": 1, "weight": 1, "min_amount": 0, "max_amount": 0, "card_brands": [], "card_countries": ["KW"], "timeout_ms": 0})
pay = S["Payment"]
pay["properties"]["pg_code"] = nullable("string")
if "pg_code" not in pay["required"]:
    pay["required"].append("pg_code")
S["CreatePaymentRequest"]["properties"]["pg_code"] = {"type": "string", "description": "The payment-method configuration to use"}
kw, rd = ("keys:write", "manage_keys"), ("payments:read", "view_payments")
P = d["paths"]
P["/v1/payment-method-configs"] = {
    "post": op("createPaymentMethodConfig", "Create a payment-method configuration (a pg_code)", *kw, 201, "PaymentMethodConfig", cfg,
        "Audited. Credentials are sealed by the vault and never returned.", "PaymentMethodConfigRequest",
        {"code": "knet", "name": "KNET", "connector": "sandbox", "accepted_currencies": ["KWD"]}),
    "get": op("listPaymentMethodConfigs", "List payment-method configurations", *kw, 200, "PaymentMethodConfigList",
        {"object": "list", "data": [cfg], "has_more": False, "next_cursor": None})}
P["/v1/payment-method-configs/{id}"] = {
    "get": op("getPaymentMethodConfig", "Get a configuration", *kw, 200, "PaymentMethodConfig", cfg, has_id=True),
    "post": op("updatePaymentMethodConfig", "Change a configuration (not its code or connector)", *kw, 200, "PaymentMethodConfig", cfg, "", "PaymentMethodConfigRequest", {"enabled": False}, has_id=True),
    "delete": op("deletePaymentMethodConfig", "Delete a configuration", *kw, 200, "PaymentMethodConfig", None, has_id=True)}
P["/v1/payment-method-configs/{id}"]["delete"]["responses"]["200"]["content"]["application/json"] = {"schema": {"type": "object", "properties": {"deleted": {"const": True}}}}
for path, opid, desc in [("/v1/payment-methods", "listPaymentMethods", "The Payment Methods API (Ottu semantics)"),
                         ("/b/pbl/v2/payment-methods/", "listPaymentMethodsOttu", "Ottu-compatible Payment Methods API; invalid fields answer 400 {field: [message]}")]:
    P[path] = {"post": op(opid, desc, *rd, 200, "PaymentMethods", {"customer_payment_methods": [], "payment_methods": [pm]},
        "A key (Bearer or `Api-Key`) sees every configuration; a person only the codes they hold use:<code> for. Cached per merchant and filter; any configuration change is seen at once.",
        "PaymentMethodsRequest", {"plugin": "e_commerce", "currencies": ["KWD"]})}

# Ottu's route answers every error in Ottu's shape, never problem+json.
ottu_field_errors = {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}
ottu_detail = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
def ottu_error(desc, schema, example):
    return {"description": desc, "content": {"application/json": {"schema": schema, "examples": {"example": {"value": example}}}}}
P["/b/pbl/v2/payment-methods/"]["post"]["description"] += (" Errors have Ottu's shape: 400 {field: [message]} (non_field_errors for a body"
    " that is not a JSON object), 401/403/429 {detail}. Unknown request fields are ignored.")
P["/b/pbl/v2/payment-methods/"]["post"]["responses"].update({
    "400": ottu_error("Invalid field (Ottu's shape)", ottu_field_errors, {"plugin": ["plugin is required: e_commerce or payment_request"]}),
    "401": ottu_error("Missing or wrong credentials (Ottu's shape)", ottu_detail, {"detail": "Authentication credentials were not provided."}),
    "403": ottu_error("Not permitted (Ottu's shape)", ottu_detail, {"detail": "You do not have permission to perform this action."}),
    "429": ottu_error("Too many requests (Ottu's shape)", ottu_detail, {"detail": "too many requests"}),
})

def walk(x):
    if isinstance(x, dict):
        if x.get("object") == "payment" and "payment_method" in x:
            x.setdefault("pg_code", None)
        for v in x.values():
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
walk(P)
save(d)
