package web

import (
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
)

//go:embed static/*
var staticFS embed.FS

//go:embed templates/*.html
var templateFS embed.FS

// assets are the files under /static/ with their Subresource Integrity
// hashes, computed once: every <script> and stylesheet carries its hash, so
// a changed file is refused by the browser (PCI DSS 6.4.3).
type assets struct {
	files map[string][]byte
	sri   map[string]string
}

func loadAssets() *assets {
	a := &assets{files: map[string][]byte{}, sri: map[string]string{}}
	entries, _ := fs.ReadDir(staticFS, "static")
	for _, e := range entries {
		b, _ := staticFS.ReadFile("static/" + e.Name())
		sum := sha512.Sum384(b)
		a.files[e.Name()] = b
		a.sri[e.Name()] = "sha384-" + base64.StdEncoding.EncodeToString(sum[:])
	}
	return a
}

// Inventory lists the served scripts and styles with their SRI hashes.
func Inventory() map[string]string { return loadAssets().sri }

func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	name := path.Base(r.PathValue("file"))
	b, ok := a.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=300")
	// Merchant pages load paygate.js from another origin.
	h.Set("Cross-Origin-Resource-Policy", "cross-origin")
	w.Write(b)
}

// pages are the templates, each parsed with the shared layout.
func (a *assets) pages() map[string]*template.Template {
	funcs := template.FuncMap{"sri": func(name string) string { return a.sri[name] }}
	out := map[string]*template.Template{}
	for _, p := range []string{"checkout", "message", "acs", "field"} {
		out[p] = template.Must(template.New("layout").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+p+".html"))
	}
	return out
}
