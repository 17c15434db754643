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
