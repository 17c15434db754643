package api_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/paygate/paygate/internal/api"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// openAPI compiles the document's component schemas for validation.
type openAPI struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
}

func loadOpenAPI(t *testing.T) *openAPI {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(api.OpenAPIDocument()))
	if err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("openapi.json", doc); err != nil {
		t.Fatal(err)
	}
	return &openAPI{doc: doc.(map[string]any), compiler: c}
}

func (o *openAPI) schema(t *testing.T, ref string) *jsonschema.Schema {
	t.Helper()
	s, err := o.compiler.Compile("openapi.json" + strings.TrimPrefix(ref, "openapi.json"))
	if err != nil {
		t.Fatalf("compile %s: %v", ref, err)
	}
	return s
}

func (o *openAPI) validate(t *testing.T, ref string, body []byte) {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s: not JSON: %s", ref, body)
	}
	if err := o.schema(t, ref).Validate(v); err != nil {
		t.Fatalf("%s does not validate:\n%s\n%v", ref, body, err)
	}
}

func TestEveryRouteIsInTheOpenAPIDocument(t *testing.T) {
	o := loadOpenAPI(t)
	paths := o.doc["paths"].(map[string]any)
	e := newEnv(t)
	for _, rt := range e.api.Routes() {
		method, path, _ := strings.Cut(rt, " ")
		item, ok := paths[path].(map[string]any)
		if !ok || item[strings.ToLower(method)] == nil {
			t.Errorf("route %s is not documented in openapi.json", rt)
		}
	}
	if o.doc["openapi"] != "3.1.0" {
		t.Errorf("openapi version %v", o.doc["openapi"])
	}
}

// refOf returns the schema reference of a media type object.
func refOf(media map[string]any) string {
	s, _ := media["schema"].(map[string]any)
	ref, _ := s["$ref"].(string)
	return ref
}

func TestEveryExampleValidatesAgainstItsSchema(t *testing.T) {
	o := loadOpenAPI(t)
	n := 0
	for path, item := range o.doc["paths"].(map[string]any) {
		for method, opAny := range item.(map[string]any) {
			op := opAny.(map[string]any)
			var media []map[string]any
			if rb, ok := op["requestBody"].(map[string]any); ok {
				for _, m := range rb["content"].(map[string]any) {
					media = append(media, m.(map[string]any))
				}
			}
			for _, r := range op["responses"].(map[string]any) {
				if c, ok := r.(map[string]any)["content"].(map[string]any); ok {
					for _, m := range c {
						media = append(media, m.(map[string]any))
					}
				}
			}
			for _, m := range media {
				ref := refOf(m)
				exs, _ := m["examples"].(map[string]any)
				for name, ex := range exs {
					b, _ := json.Marshal(ex.(map[string]any)["value"])
					t.Run(method+" "+path+" "+name+" "+ref, func(t *testing.T) { o.validate(t, ref, b) })
					n++
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d examples found", n)
	}
}

func TestLiveAnswersValidateAgainstTheDocumentedSchemas(t *testing.T) {
	o := loadOpenAPI(t)
	e := newEnv(t)
	sale := e.do("POST", "/v1/payments", e.key, visaSale)
	o.validate(t, "#/components/schemas/Payment", sale.body)
	id := sale.json(t)["id"].(string)
	o.validate(t, "#/components/schemas/Operation", e.do("POST", "/v1/payments/"+id+"/refunds", e.key, `{"amount":100}`).body)
	o.validate(t, "#/components/schemas/Payment", e.do("GET", "/v1/payments/"+id, e.key, "").body)
	o.validate(t, "#/components/schemas/Payment", e.do("POST", "/v1/payments", e.key, saleBody(100, "4000000000000002", "")).body)
	o.validate(t, "#/components/schemas/Payment", e.do("POST", "/v1/payments", e.key, saleBody(100, "4000002760003184", "")).body)
	o.validate(t, "#/components/schemas/PaymentList", e.do("GET", "/v1/payments", e.key, "").body)
	o.validate(t, "#/components/schemas/Balance", e.do("GET", "/v1/balance", e.key, "").body)
	o.validate(t, "#/components/schemas/Problem", e.do("POST", "/v1/payments", e.key, `{"amount":"x"}`).body)
	o.validate(t, "#/components/schemas/Problem", e.do("GET", "/v1/payments/pay_nope", e.key, "").body)
	o.validate(t, "#/components/schemas/Health", e.do("GET", "/readyz", "", "").body)
	created := e.do("POST", "/v1/api-keys", e.key, `{"kind":"restricted","scopes":["payments:read"]}`)
	o.validate(t, "#/components/schemas/APIKey", created.body)
	o.validate(t, "#/components/schemas/APIKeyList", e.do("GET", "/v1/api-keys", e.key, "").body)
	o.validate(t, "#/components/schemas/User", e.do("POST", "/v1/users", e.live, `{"email":"a@b.test","role":"analyst"}`).body)
	o.validate(t, "#/components/schemas/UserList", e.do("GET", "/v1/users", e.live, "").body)
	o.validate(t, "#/components/schemas/AuditEventList", e.do("GET", "/v1/audit-events", e.live, "").body)
	o.validate(t, "#/components/schemas/Problem", e.do("POST", "/v1/users", e.key, `{"email":"a@b.test","role":"analyst"}`).body)
	k := created.json(t)
	tok := e.postForm("/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {k["id"].(string)}, "client_secret": {k["secret"].(string)}})
	o.validate(t, "#/components/schemas/TokenResponse", tok.body)
	o.validate(t, "#/components/schemas/OAuthError", e.postForm("/oauth/token", url.Values{"grant_type": {"password"}}).body)
}
