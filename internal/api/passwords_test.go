package api_test

import (
	"testing"
)

// TestAManagerResetsAPasswordThroughTheAPI: POST /v1/users/{id}/reset-password
// answers the person with a new password, once; the old one stops working
// (Basic) and the new one works. Nobody resets their own this way, and an
// admin cannot reset an owner's.
func TestAManagerResetsAPasswordThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	id := e.newUser("sam@a.test", "support")
	r := e.do("POST", "/v1/users/"+id+"/reset-password", e.live, "")
	m := r.json(t)
	fresh, _ := m["password"].(string)
	if r.status != 200 || m["id"] != id || len(fresh) < 20 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if g := e.do("GET", "/v1/users/"+id, e.live, "").json(t); g["password"] != nil {
		t.Fatal("a read of the person shows the password")
	}
	wantProblem(t, e.as(basic("sam@a.test", userPassword), "GET", "/v1/payments", ""), 401, "invalid_credentials", "")
	if r := e.as(basic("sam@a.test", fresh), "GET", "/v1/payments", ""); r.status != 200 {
		t.Fatalf("the new password: %d %s", r.status, r.body)
	}

	adminID := e.newUser("ada@a.test", "admin")
	ownerID := e.newUser("olu@a.test", "owner")
	wantProblem(t, e.as(basic("ada@a.test", userPassword), "POST", "/v1/users/"+ownerID+"/reset-password", "", "Paygate-Mode", "live"), 403, "permission_denied", "")
	wantProblem(t, e.as(basic("ada@a.test", userPassword), "POST", "/v1/users/"+adminID+"/reset-password", "", "Paygate-Mode", "live"), 403, "use_password_change", "")
	if r := e.as(basic("olu@a.test", userPassword), "GET", "/v1/payments", ""); r.status != 200 {
		t.Fatalf("the owner's password changed anyway: %d", r.status)
	}
	wantProblem(t, e.do("POST", "/v1/users/usr_nope/reset-password", e.live, ""), 404, "resource_missing", "")
}

// TestNobodyResetsTheirOwnPasswordThroughAKeyTheyMade: a person's keys
// (and the keys those keys make, and their OAuth tokens) act for that
// person, so none of them resets the person's password; the key says
// whose it is (created_by), and another person's password it may reset.
func TestNobodyResetsTheirOwnPasswordThroughAKeyTheyMade(t *testing.T) {
	e := newEnv(t)
	adminID := e.newUser("ada@a.test", "admin")
	samID := e.newUser("sam@a.test", "support")
	r := e.as(basic("ada@a.test", userPassword), "POST", "/v1/api-keys", `{"kind":"secret"}`, "Paygate-Mode", "live")
	key := r.json(t)
	if r.status != 201 || key["created_by"] != adminID {
		t.Fatalf("key: %d %s", r.status, r.body)
	}
	sk := key["secret"].(string)
	wantProblem(t, e.do("POST", "/v1/users/"+adminID+"/reset-password", sk, ""), 403, "use_password_change", "")
	// A key that key makes acts for the same person.
	r = e.do("POST", "/v1/api-keys", sk, `{"kind":"restricted","scopes":["team:write"]}`)
	child := r.json(t)
	if r.status != 201 || child["created_by"] != adminID {
		t.Fatalf("key made by the key: %d %s", r.status, r.body)
	}
	wantProblem(t, e.do("POST", "/v1/users/"+adminID+"/reset-password", child["secret"].(string), ""), 403, "use_password_change", "")
	// So does its roll.
	r = e.do("POST", "/v1/api-keys/"+key["id"].(string)+"/roll", sk, `{}`)
	if rolled := r.json(t); r.status != 201 || rolled["created_by"] != adminID {
		t.Fatalf("rolled key: %d %s", r.status, r.body)
	}
	if r := e.as(basic("ada@a.test", userPassword), "GET", "/v1/payments", ""); r.status != 200 {
		t.Fatalf("the admin's password changed anyway: %d", r.status)
	}
	// Another person's password the key may reset; the system's keys act
	// for nobody.
	if r := e.do("POST", "/v1/users/"+samID+"/reset-password", child["secret"].(string), ""); r.status != 200 {
		t.Fatalf("resetting another person's password: %d %s", r.status, r.body)
	}
	system := 0
	for _, k := range e.do("GET", "/v1/api-keys", e.live, "").json(t)["data"].([]any) {
		switch k := k.(map[string]any); k["created_by"] {
		case nil:
			system++
		case adminID:
		default:
			t.Errorf("key %v says it acts for %v", k["id"], k["created_by"])
		}
	}
	if system == 0 {
		t.Error("the system's key says it acts for a person")
	}
}
