package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/payment"
)

const doorCredentialUsage = `usage: paygate door-credential create --merchant ID [--mode sandbox|live] [--door paymentz] [--username NAME] [--partner-id ID]`

// doorCredentialCmd issues a merchant's credential for a vendor-compatible
// front door: for the Paymentz door its memberId and secure key (printed once).
func doorCredentialCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New(doorCredentialUsage)
	}
	var merchantID, mode, door, username, partnerID string
	c, _, err := parse("door-credential create", args[1:], getenv, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&merchantID, "merchant", "", "merchant id")
		fs.StringVar(&mode, "mode", "sandbox", "sandbox or live")
		fs.StringVar(&door, "door", "paymentz", "front door")
		fs.StringVar(&username, "username", "", "login name the door also accepts (optional)")
		fs.StringVar(&partnerID, "partner-id", "", "partner id (optional)")
	})
	if err != nil {
		return err
	}
	if merchantID == "" {
		return fmt.Errorf("--merchant is required")
	}
	if mode != string(payment.Sandbox) && mode != string(payment.Live) {
		return fmt.Errorf("--mode must be sandbox or live")
	}
	a := engine.Actor{MerchantID: merchantID, Mode: payment.Mode(mode)}
	return withEngine(ctx, c, stderr, func(e *engine.Engine) error {
		if _, err := e.Store().GetMerchant(ctx, merchantID); err != nil {
			return err
		}
		cred, secret, err := e.CreateDoorCredential(ctx, a, door, engine.DoorCredentialOptions{Username: username, PartnerID: partnerID})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "door: %s\nmode: %s\nmemberId: %d\nsecureKey: %s\n", cred.Door, cred.Mode, cred.MemberID, secret)
		fmt.Fprintln(stdout, "The secure key is shown once; paygate keeps it encrypted.")
		return nil
	})
}
