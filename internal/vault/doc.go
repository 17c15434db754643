// Package vault is paygate's card-data cryptography, without I/O: envelope
// encryption (records sealed with AES-256-GCM under data keys, data keys
// wrapped by a key-encryption key from configuration), key check values that
// stop a wrong key from being used, and the RSA key pairs of client-side
// encryption. The engine stores what this package produces.
package vault
