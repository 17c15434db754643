package auth

import (
	"slices"
	"strings"
)

// Permission is something a team member may do. Gateway permissions are
// "use:<code>" (Ottu's "Can use <pg_code>"); "use:*" grants every code.
type Permission string

// Operation permissions of team members.
const (
	PermViewPayments   Permission = "view_payments"
	PermCreatePayments Permission = "create_payments"
	PermCapture        Permission = "capture"
	PermVoid           Permission = "void"
	PermRefund         Permission = "refund"
	PermPayout         Permission = "payout"
	PermViewCard       Permission = "view_card_details"
	PermManageKeys     Permission = "manage_keys"
	PermManageTeam     Permission = "manage_team"
	PermManageWebhooks Permission = "manage_webhooks"
	PermManageCustomer Permission = "manage_customers"
	PermViewAudit      Permission = "view_audit"
	// PermUseAny grants every payment-method configuration code.
	PermUseAny Permission = "use:*"
)

// OperationPermissions lists the fixed permissions (gateway ones are open-ended).
var OperationPermissions = []Permission{PermViewPayments, PermCreatePayments, PermCapture, PermVoid, PermRefund,
	PermPayout, PermViewCard, PermManageKeys, PermManageTeam, PermManageWebhooks, PermManageCustomer, PermViewAudit}

// UsePermission is the permission to use the payment-method configuration code.
func UsePermission(code string) Permission { return Permission("use:" + code) }

// Valid reports whether p is a known operation permission or a well-formed
// gateway permission.
func (p Permission) Valid() bool {
	if slices.Contains(OperationPermissions, p) || p == PermUseAny {
		return true
	}
	code, ok := strings.CutPrefix(string(p), "use:")
	return ok && validCode(code)
}

func validCode(c string) bool {
	if c == "" || len(c) > 64 {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// Role is a named bundle of permissions.
type Role string

// Roles of team members.
const (
	RoleOwner     Role = "owner"
	RoleAdmin     Role = "admin"
	RoleDeveloper Role = "developer"
	RoleAnalyst   Role = "analyst"
	RoleSupport   Role = "support"
)

// Roles lists every role.
var Roles = []Role{RoleOwner, RoleAdmin, RoleDeveloper, RoleAnalyst, RoleSupport}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// rolePermissions is what each role grants before per-person grants. Only
// owners and admins use every gateway by default: everyone else is granted
// codes one by one, as Ottu does.
var rolePermissions = map[Role][]Permission{
	RoleOwner:     append(slices.Clone(OperationPermissions), PermUseAny),
	RoleAdmin:     append(slices.Clone(OperationPermissions), PermUseAny),
	RoleDeveloper: {PermViewPayments, PermCreatePayments, PermCapture, PermVoid, PermRefund, PermManageKeys, PermManageWebhooks, PermManageCustomer, PermViewAudit},
	RoleAnalyst:   {PermViewPayments, PermViewAudit},
	RoleSupport:   {PermViewPayments, PermVoid, PermRefund, PermManageCustomer},
}

// Permissions is a set of permissions, sorted, without duplicates.
type Permissions []Permission

// NewPermissions returns the set of the given permissions.
func NewPermissions(ps ...Permission) Permissions {
	out := slices.Clone(ps)
	slices.Sort(out)
	return slices.Compact(out)
}

// Effective is what a person with role r and extra grants may do.
func Effective(r Role, grants Permissions) Permissions {
	return NewPermissions(append(slices.Clone(rolePermissions[r]), grants...)...)
}

// Has reports whether the set grants p; "use:*" grants every "use:" code.
func (ps Permissions) Has(p Permission) bool {
	if _, ok := slices.BinarySearch(ps, p); ok {
		return true
	}
	if strings.HasPrefix(string(p), "use:") {
		_, ok := slices.BinarySearch(ps, PermUseAny)
		return ok
	}
	return false
}

// Strings returns the permissions as strings.
func (ps Permissions) Strings() []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = string(p)
	}
	return out
}
