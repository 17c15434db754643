package engine

import "github.com/paygate/paygate/internal/payment"

// ConnectorNames lists the connectors a payment-method configuration in
// mode may name (the mode's built-in connector and every one built from
// credentials), sorted; the dashboard's configuration form offers them.
func (e *Engine) ConnectorNames(mode payment.Mode) []string { return e.connectorNames(mode) }
