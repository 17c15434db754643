// Package dashboard is the merchant dashboard: server-rendered pages under
// /dashboard/ for team members signed in with the API's session cookie. It
// is a front door like the native API: it calls the engine's use cases and
// checks every page's permission on the server. Templates and assets are
// embedded; no front-end build is needed.
//
// It must not depend on the API package, the store adapters or the vendor
// front doors; it shares with the API only the session cookie's name and
// the CSRF token's derivation, which both must keep equal.
package dashboard
