package dashboard

import (
	"net/http"
	"strings"
	"time"
)

// langCookie keeps the chrome's language (en or ar). Like the mode cookie
// it is no secret; the pages' own content stays in English for now.
const langCookie = "__Host-paygate_lang"

// chrome are the words of the page chrome (header, menu, switches) per
// language.
var chrome = map[string]map[string]string{
	"en": {
		"skip": "Skip to content", "mode": "Mode", "sandbox": "Sandbox", "live": "Live", "switch": "Switch",
		"sandboxData": "Sandbox data", "liveData": "LIVE data", "signIn": "Sign in", "signOut": "Sign out",
		"menu": "Dashboard", "overview": "Overview", "payments": "Payments", "customers": "Customers", "invoices": "Invoices",
		"subscriptions": "Subscriptions", "payouts": "Payouts", "events": "Events", "webhooks": "Webhooks",
		"developers": "Developers", "team": "Team", "audit": "Audit log", "language": "Language", "change": "Change",
		"suffix": "paygate dashboard", "twoFactor": "Two-factor", "password": "Password", "back": "Back to the dashboard",
	},
	"ar": {
		"skip": "انتقل إلى المحتوى", "mode": "الوضع", "sandbox": "تجريبي", "live": "مباشر", "switch": "تبديل",
		"sandboxData": "بيانات تجريبية", "liveData": "بيانات مباشرة", "signIn": "تسجيل الدخول", "signOut": "تسجيل الخروج",
		"menu": "لوحة التحكم", "overview": "نظرة عامة", "payments": "المدفوعات", "customers": "العملاء", "invoices": "الفواتير",
		"subscriptions": "الاشتراكات", "payouts": "التحويلات", "events": "الأحداث", "webhooks": "خطافات الويب",
		"developers": "المطورون", "team": "الفريق", "audit": "سجل التدقيق", "language": "اللغة", "change": "تغيير",
		"suffix": "لوحة تحكم paygate", "twoFactor": "التحقق بخطوتين", "password": "كلمة المرور", "back": "العودة إلى لوحة التحكم",
	},
}

// languages are the choices of the language switch, each named in itself.
var languages = []struct{ Code, Name string }{{"en", "English"}, {"ar", "العربية"}}

func langOf(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && chrome[c.Value] != nil {
		return c.Value
	}
	return "en"
}

func dirOf(lang string) string {
	if lang == "ar" {
		return "rtl"
	}
	return "ltr"
}

// switchLang sets the chrome's language; the page comes back in it.
func (s *Server) switchLang(w http.ResponseWriter, r *http.Request, q *request) {
	lang := r.PostForm.Get("lang")
	if chrome[lang] == nil {
		s.problem(w, r, q, http.StatusBadRequest, "Unknown language", "Choose English or Arabic.")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", Secure: true, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, MaxAge: int(365 * 24 * time.Hour / time.Second)})
	back := safeNext(r.PostForm.Get("back"))
	if i := strings.IndexAny(back, "?#"); i >= 0 {
		back = back[:i]
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// statusHeadings name an error page in Arabic (English uses the status text).
var statusHeadings = map[int]string{
	400: "طلب غير صالح", 401: "غير مصرح", 402: "مرفوض", 403: "غير مسموح", 404: "غير موجود",
	409: "تعارض", 410: "لم يعد متاحًا", 413: "الطلب كبير جدًا", 422: "تعذرت المعالجة", 429: "طلبات كثيرة", 500: "حدث خطأ", 503: "الخدمة غير متاحة",
}

// statusHeading is an error page's heading in the chrome's language.
func statusHeading(lang string, status int) string {
	if h := statusHeadings[status]; lang == "ar" && h != "" {
		return h
	}
	return http.StatusText(status)
}
