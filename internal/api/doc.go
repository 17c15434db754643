// Package api is paygate's native REST API v1: routes, JSON decoding and
// encoding, RFC 9457 problem details, idempotency headers, middleware
// (request ids, logging, metrics, authentication, limits) and the OpenAPI
// document. It translates HTTP to engine use cases and back; it holds no
// business rule of its own and maps engine errors to status codes in one
// place (problem.go).
package api
