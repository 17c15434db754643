package paytracefake_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/connector/paytrace/paytracefake"
)

func post(t *testing.T, fake *paytracefake.Server, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, fake.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func grant(t *testing.T, fake *paytracefake.Server, password string) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(fake.URL+"/oauth/token", url.Values{"grant_type": {"password"}, "username": {paytracefake.Username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestTheFakeSpeaksPayTracesProtocol(t *testing.T) {
	fake := paytracefake.New()
	defer fake.Close()
	status, tok := grant(t, fake, paytracefake.Password)
	if status != 200 || tok["token_type"] != "bearer" || tok["expires_in"] != float64(7200) || strings.Count(tok["access_token"].(string), ":") != 2 {
		t.Fatalf("grant: %d %v", status, tok)
	}
	token := tok["access_token"].(string)
	if status, out := grant(t, fake, "wrong"); status != 400 || out["error"] != "invalid_grant" {
		t.Fatalf("bad password: %d %v", status, out)
	}
	if status, _ := post(t, fake, "/v1/ping", "", ``); status != 200 {
		t.Fatalf("ping needs no token: %d", status)
	}
	sale := `{"amount":"10.00","credit_card":{"number":"4111111111111111","expiration_month":12,"expiration_year":2031},"csc":"123","integrator_id":"x"}`
	if status, out := post(t, fake, "/v1/transactions/sale/keyed", "", sale); status != 401 || out["error"] != "invalid_token" {
		t.Fatalf("without a token: %d %v", status, out)
	}
	if status, out := post(t, fake, "/v1/transactions/sale/keyed", token, strings.Replace(sale, `,"integrator_id":"x"`, "", 1)); status != 400 || out["response_code"] != float64(1) || out["errors"] == nil {
		t.Fatalf("without integrator_id: %d %v", status, out)
	}
	status, out := post(t, fake, "/v1/transactions/sale/keyed", token, sale)
	if status != 200 || out["success"] != true || out["response_code"] != float64(101) || out["transaction_id"] == nil {
		t.Fatalf("sale: %d %v", status, out)
	}
	if strings.Contains(toJSON(out), "4111111111111111") || strings.Contains(toJSON(out), `"123"`) {
		t.Fatalf("the answer shows card data: %v", out)
	}
	fake.ExpireTokens()
	if status, out := post(t, fake, "/v1/transactions/sale/keyed", token, sale); status != 401 || out["error"] != "invalid_token" {
		t.Fatalf("after expiry: %d %v", status, out)
	}
	if n := len(fake.Transactions()); n != 1 {
		t.Fatalf("%d transactions, want 1", n)
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// Reference §1.8: a for_transaction refund happens at most once, up to the
// original amount; a second one is response code 107.
func TestTheFakeRefundsATransactionOnce(t *testing.T) {
	fake := paytracefake.New()
	defer fake.Close()
	_, tok := grant(t, fake, paytracefake.Password)
	token := tok["access_token"].(string)
	_, out := post(t, fake, "/v1/transactions/sale/keyed", token, `{"amount":10.00,"credit_card":{"number":"4111111111111111","expiration_month":12,"expiration_year":2031},"integrator_id":"x"}`)
	txn := toJSON(out["transaction_id"])
	refund := func(amount string) map[string]any {
		_, out := post(t, fake, "/v1/transactions/refund/for_transaction", token, `{"transaction_id":`+txn+`,"amount":`+amount+`,"integrator_id":"x"}`)
		return out
	}
	if out := refund("10.01"); out["success"] != false || out["response_code"] != float64(107) {
		t.Fatalf("a refund beyond the sale: %v", out)
	}
	if out := refund("4.00"); out["success"] != true || out["response_code"] != float64(106) {
		t.Fatalf("first refund: %v", out)
	}
	if out := refund("1.00"); out["success"] != false || out["response_code"] != float64(107) {
		t.Fatalf("a second refund of one transaction: %v", out)
	}
}
