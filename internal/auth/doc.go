// Package auth defines credentials (API keys) and how they are generated,
// hashed and recognised. Only hashes of secrets are ever stored. No I/O.
package auth
