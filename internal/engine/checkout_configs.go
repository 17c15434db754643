package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/paygate/paygate/internal/checkout"
	"github.com/paygate/paygate/internal/fault"
)

// maxAllowedConfigs bounds a session's pg_codes.
const maxAllowedConfigs = 20

// allowConfigs checks a new session's allowed configurations (pg_codes):
// each must be enabled, usable by the actor and accept the session's
// currency, as pg_code must. One code is the same as pg_code; several
// leave the choice to routing, among those only.
func (e *Engine) allowConfigs(ctx context.Context, a Actor, s *checkout.Session, in CheckoutInput) error {
	if len(in.AllowedConfigs) == 0 {
		return nil
	}
	if in.Config != "" {
		return fault.InvalidParam("pg_codes", "parameter_invalid", "give pg_code or pg_codes, not both")
	}
	if len(in.AllowedConfigs) > maxAllowedConfigs {
		return fault.InvalidParam("pg_codes", "parameter_invalid", "pg_codes takes at most %d codes", maxAllowedConfigs)
	}
	var codes []string
	for i, code := range in.AllowedConfigs {
		param := fmt.Sprintf("pg_codes[%d]", i)
		if code == "" || len(code) > 64 || strings.ContainsAny(code, " \t\r\n") {
			return fault.InvalidParam(param, "parameter_invalid", "a configuration code is 1 to 64 characters without spaces")
		}
		if slices.Contains(codes, code) {
			continue
		}
		if _, err := e.paymentConfig(ctx, a, code, s.Currency.Code); err != nil {
			var fe *fault.Error
			if errors.As(err, &fe) && fe.Param != "" {
				moved := *fe
				moved.Param = param
				return &moved
			}
			return err
		}
		codes = append(codes, code)
	}
	if len(codes) == 1 {
		s.Config = codes[0]
		return nil
	}
	s.AllowedConfigs = codes
	return nil
}
