package engine

import "sync"

// credentialWatchers are told when a credential stops or changes (a key
// revoked or rolled, a token revoked, a session ended, a person's rights or
// disabled state changed), so caches of verified credentials in this
// process (the API's) drop them at once, whichever door made the change:
// the API, the dashboard or the CLI.
type credentialWatchers struct {
	mu sync.Mutex
	fs []func()
}

// OnCredentialChange registers f to run after every such change commits.
func (e *Engine) OnCredentialChange(f func()) {
	e.credWatch.mu.Lock()
	e.credWatch.fs = append(e.credWatch.fs, f)
	e.credWatch.mu.Unlock()
}

// credentialsChanged runs the watchers; call it after the change committed
// (running it on failure too is harmless: a cache only gets colder).
func (e *Engine) credentialsChanged() {
	e.credWatch.mu.Lock()
	fs := e.credWatch.fs
	e.credWatch.mu.Unlock()
	for _, f := range fs {
		f()
	}
}
