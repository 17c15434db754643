package opentrade

// CallFields exposes the signed calls' field reader to the fuzz test.
var CallFields = callFields
