// Package web serves the pages a payer's browser sees: the hosted payment
// page of a checkout session, the hosted card fields a merchant page embeds,
// the sandbox's 3-D Secure challenge page, and the scripts they load
// (hosted fields and client-side encryption). Every page gets a strict
// Content-Security-Policy with a fresh nonce, Subresource Integrity on every
// script, no caching, framing only where intended, and CSRF checks on every
// form.
package web
