// Package archtest holds the test that guards the dependency direction:
// domain packages and the engine import no adapter, driver or net/http.
package archtest
