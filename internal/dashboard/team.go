package dashboard

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/paygate/paygate/internal/auth"
	"github.com/paygate/paygate/internal/engine"
	"github.com/paygate/paygate/internal/fault"
	"github.com/paygate/paygate/internal/payment"
)

type roleRow struct {
	Role  auth.Role
	Perms []string
}

// teamView is the team page: the people, the add-a-person form and what
// each role may do. NewPassword is a new person's generated password,
// shown on this one answer.
type teamView struct {
	view
	Users              []*auth.User
	Roles              []roleRow
	Codes              []string
	F                  url.Values
	Granted            map[string]bool
	NewPassword, NewAs string
}

type userView struct {
	view
	U          *auth.User
	Roles      []roleRow
	Codes      []string
	Role       string
	Granted    map[string]bool
	Operations []operationRow
	Self       bool
	// NewPassword is a reset's generated password, shown once.
	NewPassword string
}

func roleRows() []roleRow {
	var out []roleRow
	for _, r := range auth.Roles {
		out = append(out, roleRow{Role: r, Perms: auth.Effective(r, nil).Strings()})
	}
	return out
}

// methodCodes are the configuration codes of both modes (a use:<code>
// grant holds in either), with "*" first for every method.
func (s *Server) methodCodes(ctx context.Context, a engine.Actor) ([]string, error) {
	codes := []string{}
	for _, m := range []payment.Mode{payment.Sandbox, payment.Live} {
		b := a
		b.Mode = m
		cs, err := s.eng.ListConfigs(ctx, b)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if !slices.Contains(codes, c.Code) {
				codes = append(codes, c.Code)
			}
		}
	}
	sort.Strings(codes)
	return append([]string{"*"}, codes...), nil
}

// useGrants reads the method and operation checkboxes and keeps the
// person's other grants (codes no longer configured), which the form does
// not show.
func useGrants(f url.Values, codes []string, keep auth.Permissions) []string {
	out := []string{}
	for _, g := range keep {
		code, isUse := strings.CutPrefix(string(g), "use:")
		shown := (isUse && slices.Contains(codes, code)) || slices.Contains(auth.OperationPermissions, g)
		if !shown {
			out = append(out, string(g))
		}
	}
	for _, c := range f["use"] {
		if slices.Contains(codes, c) && !slices.Contains(out, "use:"+c) {
			out = append(out, "use:"+c)
		}
	}
	for _, p := range f["perm"] {
		if slices.Contains(auth.OperationPermissions, auth.Permission(p)) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// grantedCodes is what the form shows ticked: "use:<code>" grants by code,
// operation grants by their name.
func grantedCodes(gs []string) map[string]bool {
	m := map[string]bool{}
	for _, g := range gs {
		if code, ok := strings.CutPrefix(g, "use:"); ok {
			m[code] = true
		} else {
			m["perm:"+g] = true
		}
	}
	return m
}

// operationRow is one operation permission's check box.
type operationRow struct {
	Perm    string
	Checked bool
	// ByRole: the person's role already gives it (shown ticked, fixed,
	// unless it is also granted: then the grant is a box of its own).
	ByRole bool
}

func operationRows(granted map[string]bool, role auth.Role) []operationRow {
	byRole := auth.Effective(role, nil)
	out := make([]operationRow, 0, len(auth.OperationPermissions))
	for _, p := range auth.OperationPermissions {
		out = append(out, operationRow{Perm: string(p), Checked: granted["perm:"+string(p)], ByRole: byRole.Has(p)})
	}
	return out
}

// refusal words the engine's "nobody grants what they lack" for a person.
func refusal(err error) string {
	f := fault.As(err)
	switch {
	case f.Required == "role:owner":
		return "Only an owner can make someone an owner, or change an owner."
	case f.Required != "":
		return "You cannot give what you do not have yourself: your own role lacks " + f.Required + "."
	}
	return f.Message
}

func (s *Server) team(w http.ResponseWriter, r *http.Request, q *request) {
	v := &teamView{view: view{Title: "Team", Nav: "team", Notice: notices[r.URL.Query().Get("done")]}, F: url.Values{"role": {"analyst"}}}
	s.teamPage(w, r, q, v, http.StatusOK)
}

func (s *Server) teamPage(w http.ResponseWriter, r *http.Request, q *request, v *teamView, status int) {
	var err error
	if v.Users, err = s.eng.ListUsers(r.Context(), q.actor); err != nil {
		s.fail(w, r, q, err)
		return
	}
	if v.Codes, err = s.methodCodes(r.Context(), q.actor); err != nil {
		s.fail(w, r, q, err)
		return
	}
	v.Roles, v.Granted = roleRows(), map[string]bool{}
	for _, c := range v.F["use"] {
		v.Granted[c] = true
	}
	s.renderFor(w, r, q, status, "team", v)
}

// addUser adds a person (manage_team, as the API's POST /v1/users) with a
// generated password shown once; the engine refuses a role or method the
// adder lacks.
func (s *Server) addUser(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	codes, err := s.methodCodes(ctx, q.actor)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	f := r.PostForm
	u, secret, err := s.eng.CreateUser(ctx, q.actor, engine.UserInput{Email: f.Get("email"), Name: strings.TrimSpace(f.Get("name")),
		Role: f.Get("role"), Grants: useGrants(f, codes, nil)})
	if err != nil {
		status := http.StatusBadRequest
		switch fault.KindOf(err) {
		case fault.Invalid:
		case fault.Forbidden:
			status = http.StatusForbidden
		case fault.Conflict:
			status = http.StatusConflict
		default:
			s.fail(w, r, q, err)
			return
		}
		s.teamPage(w, r, q, &teamView{view: view{Title: "Team", Nav: "team", Error: refusal(err)}, F: f}, status)
		return
	}
	v := &teamView{view: view{Title: "Team", Nav: "team", Notice: u.Email + " was added as " + string(u.Role) + ". Give them the password below: it is not shown again."},
		F: url.Values{"role": {"analyst"}}, NewPassword: secret, NewAs: u.Email}
	s.teamPage(w, r, q, v, http.StatusCreated)
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request, q *request, u *auth.User, role string, grants []string, status int, msg string) {
	codes, err := s.methodCodes(r.Context(), q.actor)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.renderFor(w, r, q, status, "user", &userView{view: view{Title: "Team member " + u.Email, Nav: "team", Error: msg, Notice: notices[r.URL.Query().Get("done")]},
		U: u, Roles: roleRows(), Codes: codes, Role: role, Granted: grantedCodes(grants), Operations: operationRows(grantedCodes(grants), auth.Role(role)),
		Self: u.ID == q.actor.Principal.UserID})
}

func (s *Server) userDetail(w http.ResponseWriter, r *http.Request, q *request) {
	u, err := s.eng.GetUser(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	s.userPage(w, r, q, u, string(u.Role), u.Grants.Strings(), http.StatusOK, "")
}

// updateUser saves a person's name, role and method grants.
func (s *Server) updateUser(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	u, err := s.eng.GetUser(ctx, q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	codes, err := s.methodCodes(ctx, q.actor)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	f := r.PostForm
	name, role, grants := strings.TrimSpace(f.Get("name")), f.Get("role"), useGrants(f, codes, u.Grants)
	if _, err := s.eng.UpdateUser(ctx, q.actor, u.ID, engine.UserUpdate{Name: &name, Role: &role, Grants: &grants}); err != nil {
		typed := *u // refill the form with what was typed
		typed.Name = name
		u = &typed
		switch fault.KindOf(err) {
		case fault.Invalid:
			s.userPage(w, r, q, u, role, grants, http.StatusBadRequest, refusal(err))
		case fault.Forbidden:
			s.userPage(w, r, q, u, role, grants, http.StatusForbidden, refusal(err))
		default:
			s.fail(w, r, q, err)
		}
		return
	}
	http.Redirect(w, r, "/dashboard/team/users/"+url.PathEscape(u.ID)+"?done=user-updated", http.StatusSeeOther)
}

// switchUser disables a person after a confirmation (their sessions and
// sign-ins stop), or enables them again.
func (s *Server) switchUser(disable bool) func(http.ResponseWriter, *http.Request, *request) {
	return func(w http.ResponseWriter, r *http.Request, q *request) {
		ctx := r.Context()
		u, err := s.eng.GetUser(ctx, q.actor, r.PathValue("id"))
		if err != nil {
			s.fail(w, r, q, err)
			return
		}
		back := "/dashboard/team/users/" + url.PathEscape(u.ID)
		if disable && r.PostForm.Get("step") != "confirm" {
			s.renderFor(w, r, q, http.StatusOK, "ask", &askView{view: view{Title: "Disable team member", Nav: "team"},
				Heading: "Disable team member",
				Text:    "Disable " + u.Email + "? They can no longer sign in, and their open sessions stop working. You can enable them again later.",
				Action:  back + "/disable", Button: "Yes, disable " + u.Email, Back: back})
			return
		}
		if _, err := s.eng.UpdateUser(ctx, q.actor, u.ID, engine.UserUpdate{Disabled: &disable}); err != nil {
			s.refused(w, r, q, u, err)
			return
		}
		done := "user-enabled"
		if disable {
			done = "user-disabled"
		}
		http.Redirect(w, r, back+"?done="+done, http.StatusSeeOther)
	}
}

// resetTwoFactor turns a person's second factor off after a confirmation,
// for someone who lost their authenticator (they set it up again after
// signing in with their password). The engine refuses it for someone the
// actor may not manage, and audits it as user.totp_reset; nobody resets
// their own from here (they would not be signed in if they had lost it).
func (s *Server) resetTwoFactor(w http.ResponseWriter, r *http.Request, q *request) {
	u, back, ok := s.confirmedOnOther(w, r, q, "Your own two-factor is changed on the two-factor page.", func(u *auth.User, back string) *askView {
		return &askView{view: view{Title: "Reset two-factor", Nav: "team"}, Heading: "Reset two-factor",
			Text: "Turn two-factor off for " + u.Email + "? They then sign in with their password alone until they set it up again. " +
				"Do this only once you are sure the request comes from them.",
			Action: back + "/reset-two-factor", Button: "Yes, reset two-factor for " + u.Email, Back: back}
	})
	if !ok {
		return
	}
	if _, err := s.eng.ResetTOTP(r.Context(), q.actor, u.ID); err != nil {
		s.refused(w, r, q, u, err)
		return
	}
	http.Redirect(w, r, back+"?done=totp-reset", http.StatusSeeOther)
}

// resetPassword gives a person who forgot their password a new generated
// one after a confirmation, shown once on their page (no-store, like every
// page); their sessions end. The engine refuses it for someone the actor
// may not manage and audits it as user.password_reset; one's own password
// is changed on the Password page.
func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request, q *request) {
	ctx := r.Context()
	u, _, ok := s.confirmedOnOther(w, r, q, "Your own password is changed on the Password page.", func(u *auth.User, back string) *askView {
		return &askView{view: view{Title: "Reset password", Nav: "team"}, Heading: "Reset password",
			Text: "Give " + u.Email + " a new password? Their current one stops working and every session of theirs ends. " +
				"The new one is shown to you once: pass it to them over a channel you trust.",
			Action: back + "/reset-password", Button: "Yes, reset the password of " + u.Email, Back: back}
	})
	if !ok {
		return
	}
	// What the answer needs is read first: once the password is reset, the
	// page showing it must not fail.
	codes, err := s.methodCodes(ctx, q.actor)
	if err != nil {
		s.fail(w, r, q, err)
		return
	}
	after, password, err := s.eng.ResetPassword(ctx, q.actor, u.ID)
	if err != nil {
		s.refused(w, r, q, u, err)
		return
	}
	u = after
	s.renderFor(w, r, q, http.StatusOK, "user", &userView{view: view{Title: "Team member " + u.Email, Nav: "team",
		Notice: "The password of " + u.Email + " was reset and their sessions ended. Give them the password below: it is not shown again."},
		U: u, Roles: roleRows(), Codes: codes, Role: string(u.Role), Granted: grantedCodes(u.Grants.Strings()),
		Operations: operationRows(grantedCodes(u.Grants.Strings()), u.Role), NewPassword: password})
}

// confirmedOnOther is the common start of an act on another person of the
// team: it finds the person, refuses the actor's own account (selfMsg says
// where that is done), and answers the review step with ask's
// confirmation page. ok reports that the act is confirmed and may run.
func (s *Server) confirmedOnOther(w http.ResponseWriter, r *http.Request, q *request, selfMsg string, ask func(u *auth.User, back string) *askView) (u *auth.User, back string, ok bool) {
	u, err := s.eng.GetUser(r.Context(), q.actor, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, q, err)
		return nil, "", false
	}
	back = "/dashboard/team/users/" + url.PathEscape(u.ID)
	if u.ID == q.actor.Principal.UserID {
		s.userPage(w, r, q, u, string(u.Role), u.Grants.Strings(), http.StatusBadRequest, selfMsg)
		return nil, "", false
	}
	if r.PostForm.Get("step") != "confirm" {
		s.renderFor(w, r, q, http.StatusOK, "ask", ask(u, back))
		return nil, "", false
	}
	return u, back, true
}

// refused answers an act on a person the engine refused with the person's
// page and the reason: 400 for a bad change, 409 for one their state
// forbids, 403 for one the actor may not make; other errors are failures.
func (s *Server) refused(w http.ResponseWriter, r *http.Request, q *request, u *auth.User, err error) {
	status := map[fault.Kind]int{fault.Invalid: http.StatusBadRequest, fault.Conflict: http.StatusConflict, fault.Forbidden: http.StatusForbidden}[fault.KindOf(err)]
	if status == 0 {
		s.fail(w, r, q, err)
		return
	}
	s.userPage(w, r, q, u, string(u.Role), u.Grants.Strings(), status, refusal(err))
}
