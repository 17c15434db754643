#!/usr/bin/env python3
"""Adds the vault, customer, token, encryption-key and checkout routes and
schemas to internal/api/openapi.json (idempotent: re-running replaces them).
Run from the repository root: python3 internal/api/openapi/vault_checkout.py"""
import copy, os, sys
sys.path.insert(0, os.path.dirname(__file__))
from common import PATH, T, load, save, nullable, problem, op

d = load()
S = d["components"]["schemas"]

# Payment gains the vault record, initiator, 3-D Secure and return URL.
pay = S["Payment"]
pm = pay["properties"]["payment_method"]
pm["required"] = ["type", "id", "card"]
pm["properties"]["id"] = {"type": ["string", "null"], "pattern": "^(tok|pm)_", "description": "The single-use token or saved card charged or saved"}
pay["properties"]["initiator"] = {"enum": ["customer", "merchant"]}
pay["properties"]["three_d_secure"] = {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/ThreeDSecure"}]}
pay["properties"]["return_url"] = nullable("string")
for f in ["initiator", "three_d_secure", "return_url"]:
    if f not in pay["required"]:
        pay["required"].append(f)
S["ThreeDSecure"] = {"type": "object", "additionalProperties": False,
    "required": ["version", "trans_status", "eci", "flow", "liability_shift", "authentication_value_present"],
    "properties": {"version": {"type": "string"}, "trans_status": {"enum": ["Y", "A", "N", "U", "R", "C"]},
        "eci": nullable("string"), "flow": {"enum": ["frictionless", "challenge"]}, "liability_shift": {"type": "boolean"},
        "authentication_value_present": {"type": "boolean", "description": "The CAVV is kept sealed in the vault and never returned"}}}

card_in = {"type": "object", "additionalProperties": False, "required": ["exp_month", "exp_year"],
    "properties": {"number": {"type": "string"}, "encrypted_number": {"type": "string", "description": "Base64 RSA-OAEP (SHA-256) ciphertext of the number under the merchant's public key"},
        "exp_month": {"type": "integer"}, "exp_year": {"type": "integer"}, "cvc": {"type": "string"},
        "encrypted_cvc": {"type": "string"}, "holder": {"type": "string"}}}
cpr = S["CreatePaymentRequest"]
cpr["properties"]["payment_method"] = {"oneOf": [
    {"type": "object", "required": ["type", "card"], "additionalProperties": False,
     "properties": {"type": {"const": "card"}, "card": card_in}},
    {"type": "object", "required": ["type", "token", "key"], "additionalProperties": False,
     "properties": {"type": {"const": "token"}, "token": {"type": "string", "pattern": "^tok_"}, "key": {"type": "string"}}},
    {"type": "object", "required": ["type", "id"], "additionalProperties": False,
     "properties": {"type": {"const": "saved_card"}, "id": {"type": "string", "pattern": "^pm_"}, "cvc": {"type": "string"}}}]}
cpr["properties"]["initiator"] = {"enum": ["customer", "merchant"], "description": "merchant: a saved card charged without the payer (MIT)"}
cpr["properties"]["return_url"] = {"type": "string", "format": "uri", "description": "Where the payer returns after 3-D Secure"}
cpr["properties"]["save_payment_method"] = {"type": "boolean", "description": "false keeps a known customer's payment a guest payment"}

S["StoredCard"] = {"type": "object", "additionalProperties": False,
    "required": ["id", "object", "mode", "type", "usage", "status", "customer", "card", "expires_at", "created_at"],
    "properties": {"id": {"type": "string", "pattern": "^(tok|pm)_"}, "object": {"enum": ["token", "payment_method"]},
        "mode": {"enum": ["sandbox", "live"]}, "type": {"const": "card"}, "usage": {"enum": ["single_use", "reusable"]},
        "status": {"enum": ["active", "inactive", "used", "deleted"]}, "customer": nullable("string"),
        "card": {"$ref": "#/components/schemas/Card"}, "expires_at": nullable("string"),
        "created_at": {"type": "string", "format": "date-time"},
        "key": {"type": "string", "description": "A token's key, shown once; send it with the token"}}}
S["StoredCardList"] = {"type": "object", "required": ["object", "data", "has_more", "next_cursor"], "additionalProperties": False,
    "properties": {"object": {"const": "list"}, "data": {"type": "array", "items": {"$ref": "#/components/schemas/StoredCard"}},
        "has_more": {"type": "boolean"}, "next_cursor": nullable("string")}}
S["TokenRequest.Card"] = {"type": "object", "required": ["card"], "additionalProperties": False, "properties": {"card": card_in}}
S["Customer"] = {"type": "object", "additionalProperties": False,
    "required": ["id", "object", "mode", "reference", "email", "name", "metadata", "created_at"],
    "properties": {"id": {"type": "string", "pattern": "^cus_"}, "object": {"const": "customer"}, "mode": {"enum": ["sandbox", "live"]},
        "reference": nullable("string"), "email": nullable("string"), "name": nullable("string"),
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}}, "created_at": {"type": "string", "format": "date-time"}}}
S["CustomerList"] = copy.deepcopy(S["StoredCardList"])
S["CustomerList"]["properties"]["data"]["items"]["$ref"] = "#/components/schemas/Customer"
S["CreateCustomerRequest"] = {"type": "object", "additionalProperties": False,
    "properties": {"reference": {"type": "string", "maxLength": 255, "description": "Your own id for the customer (SmartPay's customer account id)"},
        "email": {"type": "string"}, "name": {"type": "string"}, "metadata": {"type": "object", "additionalProperties": {"type": "string"}}}}
S["EncryptionKey"] = {"type": "object", "additionalProperties": False,
    "required": ["id", "object", "mode", "algorithm", "public_key_pem", "expires_at", "created_at"],
    "properties": {"id": {"type": "string", "pattern": "^ek_"}, "object": {"const": "encryption_key"}, "mode": {"enum": ["sandbox", "live"]},
        "algorithm": {"const": "RSA-OAEP-256"}, "public_key_pem": {"type": "string"}, "expires_at": nullable("string"),
        "created_at": {"type": "string", "format": "date-time"}}}
S["RotateEncryptionKeyRequest"] = {"type": "object", "additionalProperties": False,
    "properties": {"grace_period": {"type": "integer", "minimum": 1, "description": "Seconds the previous key keeps decrypting (default 86400)"}}}
S["CheckoutSession"] = {"type": "object", "additionalProperties": False,
    "required": ["id", "object", "mode", "status", "amount", "currency", "capture", "customer", "payment_method_types",
                 "save_payment_method", "description", "reference", "locale", "success_url", "cancel_url", "notification_url",
                 "embed_origins", "pg_code", "pg_codes", "metadata", "payment", "expires_at", "created_at"],
    "properties": {"id": {"type": "string", "pattern": "^cs_"}, "object": {"const": "checkout_session"}, "mode": {"enum": ["sandbox", "live"]},
        "status": {"enum": ["open", "complete", "expired"]}, "amount": {"type": "integer", "minimum": 1},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"}, "capture": {"enum": ["automatic", "manual"]},
        "customer": nullable("string"), "payment_method_types": {"type": "array", "items": {"type": "string"}},
        "save_payment_method": {"type": "boolean"}, "description": nullable("string"), "reference": nullable("string"),
        "locale": {"enum": ["en", "ar"]}, "success_url": {"type": "string"}, "cancel_url": nullable("string"),
        "notification_url": nullable("string"), "embed_origins": {"type": "array", "items": {"type": "string"}},
        "pg_code": dict(nullable("string"), description="The payment-method configuration the session's payment goes through; null lets routing choose"),
        "pg_codes": {"type": "array", "items": {"type": "string"}, "description": "The configurations the session's payment may go through (pg_code alone, or the pg_codes given); empty lets routing choose among all"},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}}, "payment": nullable("string"),
        "expires_at": {"type": "string", "format": "date-time"}, "created_at": {"type": "string", "format": "date-time"},
        "checkout_token": {"type": "string", "pattern": "^ct_", "description": "Opens the hosted page; shown once"},
        "url": {"type": "string", "description": "The hosted payment page; shown once"},
        "qr_code_url": {"type": "string", "description": "A QR code (PNG, 256 px; ?size=64-1024) of url, for paying on a phone what another screen shows; shown once"}}}
S["CheckoutSessionList"] = copy.deepcopy(S["StoredCardList"])
S["CheckoutSessionList"]["properties"]["data"]["items"]["$ref"] = "#/components/schemas/CheckoutSession"
S["CreateCheckoutSessionRequest"] = {"type": "object", "additionalProperties": False, "required": ["amount", "currency", "success_url"],
    "properties": {"amount": {"type": "integer", "minimum": 1}, "currency": {"type": "string"}, "capture": {"enum": ["automatic", "manual"]},
        "customer": {"type": "string", "description": "Customer id or your reference: the page offers saved cards"},
        "payment_method_types": {"type": "array", "items": {"enum": ["visa", "mastercard", "amex", "discover", "jcb", "diners", "unionpay", "maestro"]}},
        "save_payment_method": {"type": "boolean"}, "description": {"type": "string"}, "reference": {"type": "string"},
        "locale": {"enum": ["en", "ar"]}, "success_url": {"type": "string"}, "cancel_url": {"type": "string"},
        "notification_url": {"type": "string"}, "embed_origins": {"type": "array", "items": {"type": "string"}},
        "pg_code": {"type": "string", "description": "The enabled payment-method configuration to pay through (it must accept the currency); omit to let routing choose. Unknown or disabled: 400 config_not_found naming pg_code"},
        "pg_codes": {"type": "array", "items": {"type": "string"}, "maxItems": 20, "description": "Instead of pg_code: routing chooses among these enabled configurations only (each must accept the currency; 400 config_not_found or currency_not_accepted naming pg_codes[i]); not with pg_code"},
        "expires_in": {"type": "integer", "minimum": 300, "maximum": 86400}, "metadata": {"type": "object", "additionalProperties": {"type": "string"}}}}

card_ex = {"brand": "visa", "first6": "424242", "last4": "4242", "exp_month": 12, "exp_year": 2030, "holder": None, "fingerprint": "0f3c9a7b21d4e5f60718293a4b5c6d7e"}
token_ex = {"id": "tok_01jbz7q8m3a4x5y6z7k8n9p0qr", "object": "token", "mode": "sandbox", "type": "card", "usage": "single_use", "status": "active",
            "customer": None, "card": card_ex, "expires_at": "2026-11-23T10:10:00.123Z", "created_at": T, "key": "tk_0123456789abcdefghjkmnpqrstvwxyz0123"}
saved_ex = dict(token_ex, id="pm_01jbz7q8m3a4x5y6z7k8n9p0qr", object="payment_method", usage="reusable", customer="cus_01jbz7q8m3a4x5y6z7k8n9p0qr", expires_at=None)
del saved_ex["key"]
cust_ex = {"id": "cus_01jbz7q8m3a4x5y6z7k8n9p0qr", "object": "customer", "mode": "sandbox", "reference": "customer-42", "email": "ana@example.com", "name": "Ana", "metadata": {}, "created_at": T}
ek_ex = {"id": "ek_01jbz7q8m3a4x5y6z7k8n9p0qr", "object": "encryption_key", "mode": "sandbox", "algorithm": "RSA-OAEP-256",
         "public_key_pem": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA…\n-----END PUBLIC KEY-----\n", "expires_at": None, "created_at": T}
cs_ex = {"id": "cs_01jbz7q8m3a4x5y6z7k8n9p0qr", "object": "checkout_session", "mode": "sandbox", "status": "open", "amount": 1500, "currency": "KWD",
         "capture": "automatic", "customer": None, "payment_method_types": [], "save_payment_method": False, "description": "Order 42", "reference": "order-42",
         "locale": "ar", "success_url": "https://shop.example/paid", "cancel_url": "https://shop.example/cart", "notification_url": None,
         "embed_origins": [], "pg_code": None, "pg_codes": [], "metadata": {}, "payment": None, "expires_at": "2026-11-23T11:00:00.123Z", "created_at": T,
         "checkout_token": "ct_0123456789abcdefghjkmnpqrstvwxyz0123456789abcdefghj", "url": "http://localhost:8080/checkout/ct_0123456789abcdefghjkmnpqrstvwxyz0123456789abcdefghj",
         "qr_code_url": "http://localhost:8080/checkout/qr/ct_0123456789abcdefghjkmnpqrstvwxyz0123456789abcdefghj"}

P = d["paths"]
P["/v1/tokens"] = {"post": op("createToken", "Tokenize a card (single use)", "checkout:write", "create_payments", 201, "StoredCard", token_ex,
    "For browsers (hosted fields, the hosted page, client-side encryption) with a publishable key. The token expires within minutes and is charged once, with its key, in POST /v1/payments.",
    "TokenRequest.Card", {"card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})}
P["/v1/encryption-key"] = {"get": op("getEncryptionKey", "The current client-side encryption public key", "checkout:write", "view_payments", 200, "EncryptionKey", ek_ex,
    "Made on first use. Browsers encrypt the card number and CVC with it (RSA-OAEP, SHA-256).")}
P["/v1/encryption-key.pem"] = {"get": op("getEncryptionKeyPEM", "The public key as a .pem file", "checkout:write", "view_payments", 200, "EncryptionKey", None, media="application/x-pem-file")}
P["/v1/encryption-key/rotate"] = {"post": op("rotateEncryptionKey", "Rotate the key pair", "keys:write", "manage_keys", 201, "EncryptionKey", ek_ex,
    "The previous key keeps decrypting for the grace period.", "RotateEncryptionKeyRequest", {"grace_period": 3600})}
P["/v1/customers"] = {"post": op("createCustomer", "Create a customer", "customers:write", "manage_customers", 201, "Customer", cust_ex,
        "A payment whose customer names this customer (by id or reference) saves its card to the customer's vault.", "CreateCustomerRequest", {"reference": "customer-42", "email": "ana@example.com"}),
    "get": op("listCustomers", "List customers", "payments:read", "view_payments", 200, "CustomerList", {"object": "list", "data": [cust_ex], "has_more": False, "next_cursor": None})}
S["UpdateCustomerRequest"] = {"type": "object", "additionalProperties": False,
    "properties": {"reference": {"type": "string", "maxLength": 255}, "email": {"type": "string", "maxLength": 320}, "name": {"type": "string", "maxLength": 200},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}}}}
S["DeletedCustomer"] = {"type": "object", "additionalProperties": False, "required": ["id", "object", "deleted"],
    "properties": {"id": {"type": "string", "pattern": "^cus_"}, "object": {"const": "customer"}, "deleted": {"const": True}}}
P["/v1/customers/{id}"] = {"get": op("getCustomer", "Get a customer (by id or reference)", "payments:read", "view_payments", 200, "Customer", cust_ex, has_id=True),
    "post": op("updateCustomer", "Update a customer", "customers:write", "manage_customers", 200, "Customer", dict(cust_ex, email="ana.lima@example.com"),
        "Changes the fields given (metadata replaces the whole map); a reference another customer has answers 409 customer_reference_taken. Takes an Idempotency-Key.",
        "UpdateCustomerRequest", {"email": "ana.lima@example.com"}, has_id=True),
    "delete": op("deleteCustomer", "Delete a customer (erasure)", "customers:write", "manage_customers", 200, "DeletedCustomer",
        {"id": cust_ex["id"], "object": "customer", "deleted": True},
        "Deletes its saved cards (their encrypted numbers erased at once), revokes its mandates and clears its reference, email, name and metadata; its id stays on past payments. 409 customer_has_subscriptions while a subscription may still charge it.",
        has_id=True)}
P["/v1/customers/{id}/payment-methods"] = {"get": op("listCustomerPaymentMethods", "List a customer's saved cards", "payments:read", "view_payments", 200, "StoredCardList",
    {"object": "list", "data": [saved_ex], "has_more": False, "next_cursor": None}, has_id=True)}
P["/v1/customers/{id}/payment-methods/{pm}"] = {"delete": op("deleteCustomerPaymentMethod", "Delete a saved card", "customers:write", "manage_customers", 200, "StoredCard",
    dict(saved_ex, status="deleted"), "Its encrypted number is erased at once.", has_id=True)}
P["/v1/checkout/sessions"] = {"post": op("createCheckoutSession", "Create a checkout session (hosted payment page)", "payments:write", "create_payments", 201, "CheckoutSession", cs_ex,
        "The answer carries the checkout token and the page URL, once.", "CreateCheckoutSessionRequest",
        {"amount": 1500, "currency": "KWD", "success_url": "https://shop.example/paid", "cancel_url": "https://shop.example/cart", "locale": "ar"}),
    "get": op("listCheckoutSessions", "List checkout sessions", "payments:read", "view_payments", 200, "CheckoutSessionList",
        {"object": "list", "data": [{k: v for k, v in cs_ex.items() if k not in ("checkout_token", "url", "qr_code_url")}], "has_more": False, "next_cursor": None})}
P["/v1/checkout/sessions/{id}"] = {"get": op("getCheckoutSession", "Get a checkout session", "payments:read", "view_payments", 200, "CheckoutSession",
    {k: v for k, v in cs_ex.items() if k not in ("checkout_token", "url", "qr_code_url")}, has_id=True)}

# Payment examples gain the new fields.
def walk(x):
    if isinstance(x, dict):
        if x.get("object") == "payment" and "payment_method" in x:
            x.setdefault("initiator", "customer")
            x.setdefault("three_d_secure", None)
            x.setdefault("return_url", None)
            x["payment_method"].setdefault("id", None)
        for v in x.values():
            walk(v)
    elif isinstance(x, list):
        for v in x:
            walk(v)
walk(P)
save(d)
