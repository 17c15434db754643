// Command merchant runs the example shop against a paygate:
//
//	go run ./examples/merchant --paygate http://localhost:8080 \
//	    --secret-key sk_test_… --publishable-key pk_test_…
//
// then open http://localhost:8090.
package main

import (
	"flag"
	"log"
	"net/http"

	"github.com/paygate/paygate/examples/merchant/shop"
)

func main() {
	addr := flag.String("addr", "localhost:8090", "listen address")
	pg := flag.String("paygate", "http://localhost:8080", "paygate's base URL")
	sk := flag.String("secret-key", "", "a sandbox secret key (sk_test_…)")
	pk := flag.String("publishable-key", "", "a sandbox publishable key (pk_test_…): paygate apikey create --kind publishable")
	flag.Parse()
	if *sk == "" || *pk == "" {
		log.Fatal("--secret-key and --publishable-key are required")
	}
	log.Printf("example shop on http://%s (paygate %s)", *addr, *pg)
	log.Fatal(http.ListenAndServe(*addr, shop.New(shop.Config{PaygateURL: *pg, SecretKey: *sk, PublishableKey: *pk})))
}
