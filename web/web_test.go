package web

import (
	"context"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onest-seeker/seeker/catalog"
	"github.com/onest-seeker/seeker/engine"
	"github.com/onest-seeker/seeker/registry"
	"github.com/onest-seeker/seeker/signing"
	"github.com/onest-seeker/seeker/store/sqlite"
	"github.com/onest-seeker/seeker/xinput"
)

// newTestServer is the app over a real SQLite store and an engine that
// never reaches a network (the pages tested here send nothing).
func newTestServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "web.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	keys, err := signing.GenerateKeys()
	if err != nil {
		t.Fatal(err)
	}
	// The registry answers nothing: the pages tested here send nothing.
	reg := registry.NewCache(&registry.Client{BaseURL: "http://127.0.0.1:1"})
	eng, err := engine.New(engine.Config{SubscriberID: "bap.test", SubscriberURL: "http://127.0.0.1:1", Store: st,
		Signer: &signing.Signer{SubscriberID: "bap.test", KeyID: keys.UniqueKeyID, Key: keys.SigningPrivate}, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Engine: eng, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts
}

// client is a browser-like client with cookies that does not follow
// redirects (the tests look at them).
func client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func post(t *testing.T, c *http.Client, u string, form url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the page has no CSRF field:\n%s", page)
	}
	return m[1]
}

// Every key of one catalogue is in the other, and every literal key the
// templates and the code use exists: no page ever shows a bare key.
func TestCatalogueComplete(t *testing.T) {
	c, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	en, hi := c.langs["en"], c.langs["hi"]
	for k := range en.msgs {
		if _, ok := hi.msgs[k]; !ok {
			t.Errorf("hi lacks %q", k)
		}
	}
	for k := range hi.msgs {
		if _, ok := en.msgs[k]; !ok {
			t.Errorf("en lacks %q (only in hi)", k)
		}
	}
	used := map[string]bool{}
	keyRe := regexp.MustCompile(`\.T "([a-zA-Z0-9_.-]+)"|T\("([a-zA-Z0-9_.-]+)"|problem\([^,]+, "([a-z_.]+)"`)
	check := func(name, text string) {
		for _, m := range keyRe.FindAllStringSubmatch(text, -1) {
			k := m[1] + m[2] + m[3]
			if strings.HasSuffix(k, ".") || strings.HasSuffix(k, "_") {
				continue // a prefix completed at run time, checked below
			}
			used[k] = true
			if !en.Has(k) {
				t.Errorf("%s uses %q, which the catalogue lacks", name, k)
			}
		}
	}
	_ = fs.WalkDir(templateFS, ".", func(p string, d fs.DirEntry, _ error) error {
		if !d.IsDir() {
			b, _ := templateFS.ReadFile(p)
			check(p, string(b))
		}
		return nil
	})
	for _, f := range []string{"web.go", "auth.go", "profile.go", "journey.go", "forms.go", "discover.go", "apps.go", "i18n.go"} {
		b, err := readSource(f)
		if err != nil {
			t.Fatal(err)
		}
		check(f, b)
	}
	// Keys completed at run time.
	var dyn []string
	for _, k := range []string{"course", "job", "scholarship", "mentorship"} {
		dyn = append(dyn, "kind."+k, "kind."+k+"s", "tab."+k, "item.title_"+k, "item.apply_"+k, "item.apply_h_"+k,
			"app.confirm_"+k, "app.confirm_h_"+k, "discover.placeholder_"+k)
	}
	dyn = append(dyn, "tab.all", "discover.placeholder_all", "lang.en", "lang.hi")
	for kind, fs := range kindFilters {
		for _, f := range fs {
			dyn = append(dyn, "filter."+f.Name)
			if f.Input == "select" {
				for _, o := range f.Options {
					dyn = append(dyn, "fv."+f.Name+"."+o)
				}
			}
		}
		_ = kind
	}
	for _, s := range sortOrders {
		dyn = append(dyn, "sort."+s)
	}
	for _, f := range profileFields {
		dyn = append(dyn, "field."+f.Name)
		for _, o := range f.Options {
			dyn = append(dyn, "opt."+o)
		}
	}
	for _, s := range profileSections {
		dyn = append(dyn, "profile.section."+s)
	}
	for _, c := range []string{"STARTED", "WAITING", "FORM-DUE", "READY-TO-CONFIRM", "CONFIRMED", "CANCELLED", "COMPLETED"} {
		dyn = append(dyn, "state."+c)
	}
	for _, k := range []string{"payment", "rated", "cancelled"} {
		dyn = append(dyn, "tl."+k)
	}
	for i := 1; i <= 12; i++ {
		dyn = append(dyn, "month."+itoa(i))
	}
	for i := 1; i <= 5; i++ {
		dyn = append(dyn, "rate.star"+itoa(i))
	}
	for _, k := range dyn {
		if !en.Has(k) {
			t.Errorf("the catalogue lacks %q, which a page builds at run time", k)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func readSource(name string) (string, error) {
	b, err := os.ReadFile(name)
	return string(b), err
}

// Sign-up, sign-out and sign-in with secure session cookies; a POST
// without the right CSRF token or from another origin is refused.
func TestAccountsSessionsAndCSRF(t *testing.T) {
	s, ts := newTestServer(t)
	c := client(t)
	resp, page := get(t, c, ts.URL+"/signup?next=/profile")
	if resp.StatusCode != 200 {
		t.Fatalf("GET /signup: %d", resp.StatusCode)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "script-src 'self'") {
		t.Errorf("CSP allows more script than the app's own: %s", resp.Header.Get("Content-Security-Policy"))
	}
	token := csrfOf(t, page)

	// No token: refused, nothing stored.
	resp, _ = post(t, c, ts.URL+"/signup", url.Values{"name": {"Asha"}, "email": {"asha@example.org"}, "password": {"long enough pw"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("sign-up without CSRF token: %d, want 403", resp.StatusCode)
	}
	if _, err := s.cfg.Store.GetKV(context.Background(), emailKey("asha@example.org")); err == nil {
		t.Fatal("a refused sign-up stored an account")
	}
	// Bad input: the form again with errors, the typed values kept.
	resp, page = post(t, c, ts.URL+"/signup", url.Values{"csrf": {token}, "name": {"Asha"}, "email": {"not-an-email"}, "password": {"short"}, "next": {"/profile"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `value="not-an-email"`) || !strings.Contains(page, `aria-invalid="true"`) {
		t.Fatalf("bad sign-up: %d\n%s", resp.StatusCode, page)
	}
	resp, _ = post(t, c, ts.URL+"/signup", url.Values{"csrf": {token}, "name": {"Asha"}, "email": {"asha@example.org"}, "password": {"long enough pw"}, "next": {"/profile"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/profile" {
		t.Fatalf("sign-up: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var sessionCookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie0 {
			sessionCookie = ck
		}
	}
	if sessionCookie == nil || !sessionCookie.HttpOnly || sessionCookie.SameSite != http.SameSiteLaxMode || len(sessionCookie.Value) < 40 {
		t.Fatalf("session cookie %+v: want HttpOnly, SameSite=Lax, a long random value", sessionCookie)
	}
	// The stored account has a bcrypt hash, never the password.
	raw, err := s.cfg.Store.GetKV(context.Background(), emailKey("ASHA@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.loadUser(context.Background(), string(raw))
	if err != nil || !strings.HasPrefix(string(u.Hash), "$2") || strings.Contains(string(u.Hash), "long enough") {
		t.Fatalf("stored account %+v, %v", u, err)
	}
	// The session's own token: the anonymous one no longer works.
	resp, page = get(t, c, ts.URL+"/profile")
	if resp.StatusCode != 200 || !strings.Contains(page, "Asha") {
		t.Fatalf("profile after sign-up: %d", resp.StatusCode)
	}
	sessToken := csrfOf(t, page)
	if sessToken == token {
		t.Fatal("the CSRF token did not change at sign-in")
	}
	// A cross-site POST with the right token is still refused (Origin).
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/signout", strings.NewReader(url.Values{"csrf": {sessToken}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin sign-out: %d, want 403", resp.StatusCode)
	}
	resp, _ = post(t, c, ts.URL+"/signout", url.Values{"csrf": {sessToken}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", resp.StatusCode)
	}
	// The old session token is dead even if replayed.
	c2 := client(t)
	jarURL, _ := url.Parse(ts.URL)
	c2.Jar.SetCookies(jarURL, []*http.Cookie{{Name: sessionCookie0, Value: sessionCookie.Value}})
	resp, _ = get(t, c2, ts.URL+"/profile")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/signin") {
		t.Fatalf("replayed session after sign-out: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// Sign in: a wrong password and an unknown e-mail get the same answer.
	_, page = get(t, c, ts.URL+"/signin")
	token = csrfOf(t, page)
	r1, p1 := post(t, c, ts.URL+"/signin", url.Values{"csrf": {token}, "email": {"asha@example.org"}, "password": {"wrong password"}})
	r2, p2 := post(t, c, ts.URL+"/signin", url.Values{"csrf": {token}, "email": {"nobody@example.org"}, "password": {"wrong password"}})
	if r1.StatusCode != http.StatusUnauthorized || r2.StatusCode != http.StatusUnauthorized || !strings.Contains(p1, "not right") || !strings.Contains(p2, "not right") {
		t.Fatalf("wrong sign-ins: %d %d", r1.StatusCode, r2.StatusCode)
	}
	resp, _ = post(t, c, ts.URL+"/signin", url.Values{"csrf": {token}, "email": {"asha@example.org"}, "password": {"long enough pw"}, "next": {"//evil.example/x"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("sign-in with an off-site next: %d to %q, want / (no open redirect)", resp.StatusCode, resp.Header.Get("Location"))
	}
}

const sessionCookie0 = sessionCookie

// The profile is validated, kept, and used for pre-filling only after
// consent.
func TestProfileAndConsent(t *testing.T) {
	s, ts := newTestServer(t)
	c := client(t)
	_, page := get(t, c, ts.URL+"/signup")
	post(t, c, ts.URL+"/signup", url.Values{"csrf": {csrfOf(t, page)}, "name": {"Asha Verma"}, "email": {"a@example.org"}, "password": {"long enough pw"}})
	_, page = get(t, c, ts.URL+"/profile")
	token := csrfOf(t, page)
	resp, page := post(t, c, ts.URL+"/profile", url.Values{"csrf": {token}, "user-full-name": {"Asha Verma"}, "user-email": {"nope"}, "resume-doc": {"javascript:alert(1)"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || strings.Count(page, `class="err"`) != 2 {
		t.Fatalf("bad profile: %d, want 422 with 2 errors\n%s", resp.StatusCode, page)
	}
	resp, _ = post(t, c, ts.URL+"/profile", url.Values{"csrf": {token}, "user-full-name": {"Asha Verma"}, "user-email": {"a@example.org"}, "user-gender": {"Female"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("profile save: %d", resp.StatusCode)
	}
	raw, _ := s.cfg.Store.GetKV(context.Background(), emailKey("a@example.org"))
	u, _ := s.loadUser(context.Background(), string(raw))
	if u.Consent || u.Profile["user-gender"] != "Female" {
		t.Fatalf("profile %+v consent %v", u.Profile, u.Consent)
	}
	if customerOf(u, time.Now()) != nil {
		t.Fatal("the provider would get the learner's details without consent")
	}
	post(t, c, ts.URL+"/profile", url.Values{"csrf": {token}, "user-full-name": {"Asha Verma"}, "user-email": {"a@example.org"}, "user-gender": {"Female"}, "consent": {"yes"}})
	u, _ = s.loadUser(context.Background(), string(raw))
	cu := customerOf(u, time.Now())
	if !u.Consent || cu == nil || cu.Person.Name != "Asha Verma" || cu.Person.Gender != "female" || cu.Contact.Email != "a@example.org" {
		t.Fatalf("after consent: %+v %+v", u, cu)
	}
}

// Language: Accept-Language, then the learner's choice; every page says
// which language it is in.
func TestLanguageSwitch(t *testing.T) {
	_, ts := newTestServer(t)
	c := client(t)
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/signin", nil)
	req.Header.Set("Accept-Language", "hi-IN,hi;q=0.9,en;q=0.5")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `<html lang="hi">`) || !strings.Contains(string(b), "साइन इन") {
		t.Fatal("Accept-Language hi did not give the Hindi page")
	}
	resp, _ = get(t, c, ts.URL+"/lang?to=hi&next=/signup")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/signup" {
		t.Fatalf("switch: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, page := get(t, c, ts.URL+"/signup")
	if !strings.Contains(page, `<html lang="hi">`) || !strings.Contains(page, "खाता बनाएँ") {
		t.Fatal("the chosen language is not kept")
	}
	resp, _ = get(t, c, ts.URL+"/lang?to=xx")
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("unknown language: %d", resp.StatusCode)
	}
	resp, _ = get(t, c, ts.URL+"/lang?to=en&next=https://evil.example/")
	if resp.Header.Get("Location") != "/" {
		t.Fatalf("off-site next kept: %s", resp.Header.Get("Location"))
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"": "/", "/profile": "/profile", "/item?i=1&d=x": "/item?i=1&d=x", "//evil.example": "/", "/\\evil.example": "/",
		"https://evil.example/": "/", "javascript:alert(1)": "/", "profile": "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

// Pages of a learner's own applications only: another learner's id is
// "not found", the same as an id that does not exist.
func TestApplicationsAreTheLearnersOwn(t *testing.T) {
	s, ts := newTestServer(t)
	ctx := context.Background()
	if err := s.saveApp(ctx, &application{Txn: "txn-of-someone-else", UserID: "someone-else", Domain: "onest:learning-experiences"}); err != nil {
		t.Fatal(err)
	}
	c := client(t)
	_, page := get(t, c, ts.URL+"/signup")
	post(t, c, ts.URL+"/signup", url.Values{"csrf": {csrfOf(t, page)}, "name": {"B"}, "email": {"b@example.org"}, "password": {"long enough pw"}})
	for _, p := range []string{"/applications/txn-of-someone-else", "/applications/no-such-txn", "/applications/txn-of-someone-else/form"} {
		resp, _ := get(t, c, ts.URL+p)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
		}
	}
}

// The form renderer: provider markup never reaches the page, labels and
// values are text, every control has a label.
func TestFormRendering(t *testing.T) {
	s, _ := newTestServer(t)
	page := []byte(`<html><head><style>body{display:none}</style><script>alert(1)</script></head><body>
<form action="/submit" method="post" onsubmit="steal()">
<label for="n">Full <b>name</b> <script>x()</script></label><input id="n" name="user-full-name" required onfocus="evil()" style="position:fixed">
<label for="e">E-mail</label><input id="e" type="email" name="user-email" value="&quot;><script>alert(2)</script>">
<input type="hidden" name="nonce" value="secret-nonce">
<fieldset><legend>Gender</legend><label><input type="radio" name="user-gender" value="Female">Female</label><label><input type="radio" name="user-gender" value="Male">Male</label></fieldset>
<label for="t">Kind</label><input id="t" type="weird" name="x-weird">
<label for="d">Resume</label><input id="d" type="file" name="resume-doc" required>
</form></body></html>`)
	base, _ := url.Parse("http://provider.example/forms/1")
	f, err := xinput.Parse(page, base)
	if err != nil {
		t.Fatal(err)
	}
	answers, shared := xinput.Prefill(f, xinput.Profile{"user-full-name": "Asha <i>Verma</i>", "user-gender": "female"})
	if !slices.Equal(shared, []string{"user-full-name", "user-gender"}) {
		t.Fatalf("shared %v", shared)
	}
	out := renderFields(t, s, f, answers, shared)
	for _, bad := range []string{"<script", "<style", "onsubmit", "onfocus", "style=", "secret-nonce", "<b>", "<i>"} {
		if strings.Contains(out, bad) {
			t.Errorf("the rendered form contains %q:\n%s", bad, out)
		}
	}
	for _, want := range []string{`value="Asha &lt;i&gt;Verma&lt;/i&gt;"`, `type="text" name="x-weird"`, `value="Female" checked`, `type="file" name="resume-doc" required`} {
		if !strings.Contains(out, want) {
			t.Errorf("the rendered form lacks %s:\n%s", want, out)
		}
	}
	// Every control is labelled: its id has a <label for>, or it sits in
	// a label.
	ids := regexp.MustCompile(`<(?:input|select|textarea) id="([^"]+)"`).FindAllStringSubmatch(out, -1)
	for _, m := range ids {
		if !strings.Contains(out, `for="`+m[1]+`"`) {
			t.Errorf("control %s has no label", m[1])
		}
	}
	// A loose question label beside a radio group (as the sandbox writes
	// it): the group is not labelled with its first answer.
	loose, err := xinput.Parse([]byte(`<form method="post"><label class="required">Gender</label>
<label><input type="radio" name="user-gender" value="Male" required> Male</label>
<label><input type="radio" name="user-gender" value="Female" required> Female</label></form>`), base)
	if err != nil {
		t.Fatal(err)
	}
	if out := renderFields(t, s, loose, url.Values{}, nil); !regexp.MustCompile(`<legend>Gender\s*<span class="req"`).MatchString(out) {
		t.Errorf("the radio group is not labelled Gender:\n%s", out)
	}
	// The hidden nonce goes back to the provider from the server's copy.
	got, _, err := answersFrom(f, url.Values{"nonce": {"forged"}, "user-full-name": {" Asha "}, "not-a-field": {"x"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.Get("nonce") != "secret-nonce" || got.Get("user-full-name") != "Asha" || got.Has("not-a-field") {
		t.Fatalf("answers %v", got)
	}
}

func renderFields(t testing.TB, s *Server, f *xinput.Form, answers url.Values, shared []string) string {
	t.Helper()
	l := s.i18n.langs["en"]
	var b strings.Builder
	for _, fv := range formFields(f, answers, shared, map[string]string{"user-email": "<b>bad</b>"}, nil, nil) {
		if err := s.pages["form"].ExecuteTemplate(&b, "field", map[string]any{"L": l, "F": fv}); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

func TestParagraphsAndPlainText(t *testing.T) {
	got := paragraphs(`<p><strong>Python</strong> basics</p><script>alert(1)</script><ul><li>one</li><li>two</li></ul><style>p{}</style>tail`)
	want := []string{"Python basics", "one", "two", "tail"}
	if !slices.Equal(got, want) {
		t.Fatalf("paragraphs = %q, want %q", got, want)
	}
	if got := plainText("  <script>x</script>\n\tTitle\u202e "); got != "<script>x</script> Title" {
		t.Fatalf("plainText = %q", got)
	}
	if got := groupDigits("1234567.00"); got != "12,34,567" {
		t.Fatalf("groupDigits = %q", got)
	}
}

func TestParseDiscover(t *testing.T) {
	dq := parseDiscover(url.Values{"q": {" python "}, "kind": {"course"}, "f.language": {"en"}, "f.age": {"-3"}, "f.nope": {"x"}, "sort": {"price"}, "page": {"2"}})
	if dq.Q.Text != "python" || dq.Q.Kind != "course" || dq.Q.Sort != "price" || dq.Page != 2 || dq.Q.Offset != pageSize {
		t.Fatalf("%+v", dq.Q)
	}
	if !slices.Equal(dq.Q.Filters["language"], []string{"en"}) || dq.Q.Filters["age"] != nil {
		t.Fatalf("filters %v", dq.Q.Filters)
	}
	if !slices.Equal(dq.Ignored, []string{"age", "nope"}) {
		t.Fatalf("ignored %v", dq.Ignored)
	}
	if err := dq.Q.Validate(); err != nil {
		t.Fatal(err)
	}
	u := dq.URL("/", "page", "")
	again := parseDiscover(mustQuery(t, u))
	if again.Q.Text != "python" || again.Page != 1 || !slices.Equal(again.Q.Filters["language"], []string{"en"}) {
		t.Fatalf("round trip through %s: %+v", u, again.Q)
	}
}

func mustQuery(t testing.TB, u string) url.Values {
	p, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	return p.Query()
}

// Live offers replace their cached copies, join their group, and start new
// groups only on the first page and only up to a page.
func TestMergeLive(t *testing.T) {
	cached := []catalog.Group{{Key: "g1", Offers: []catalog.Opportunity{{ID: "a", GroupKey: "g1", Title: "old"}}}}
	live := []catalog.Opportunity{
		{ID: "a", GroupKey: "g1", Title: "new"},
		{ID: "b", GroupKey: "g1"},
		{ID: "c", GroupKey: "g2"},
	}
	got, added := mergeLive(cached, live, true)
	if added != 1 || len(got) != 2 || got[0].Offers[0].Title != "new" || len(got[0].Offers) != 2 || got[1].Key != "g2" {
		t.Fatalf("merged %+v (added %d)", got, added)
	}
	if cached[0].Offers[0].Title != "old" || len(cached[0].Offers) != 1 {
		t.Fatal("mergeLive changed the cached page it was given")
	}
	if _, added := mergeLive(cached, live, false); added != 0 {
		t.Fatal("a later page grew new groups")
	}
}

// Without a catalog the discovery page says so instead of failing.
func TestDiscoverWithoutCatalog(t *testing.T) {
	_, ts := newTestServer(t)
	resp, page := get(t, client(t), ts.URL+"/?kind=job&f.city=Pune&f.bogus=1")
	if resp.StatusCode != 200 || !strings.Contains(page, "Discovery is not available") || !strings.Contains(page, "bogus") {
		t.Fatalf("%d\n%s", resp.StatusCode, page)
	}
}

// TestSignInThrottle: after five wrong passwords an address is refused,
// even with the right password, until the window ends; another address is
// not affected, and a successful sign-in clears the count.
func TestSignInThrottle(t *testing.T) {
	s, ts := newTestServer(t)
	// The app's clock is the test's: the lock-out's end is reached by
	// moving it, not by waiting a quarter of an hour.
	var skew atomic.Int64
	s.cfg.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	// Each attempt comes from a fresh browser with its own CSRF cookie.
	submit := func(path string, v url.Values) (int, string) {
		c := client(t)
		_, page := get(t, c, ts.URL+path)
		v.Set("csrf", csrfOf(t, page))
		resp, page := post(t, c, ts.URL+path, v)
		return resp.StatusCode, page
	}
	for _, email := range []string{"ravi@example.org", "meera@example.org"} {
		if code, _ := submit("/signup", url.Values{"name": {"L"}, "email": {email}, "password": {"right password"}}); code != http.StatusSeeOther {
			t.Fatalf("sign-up %s: %d", email, code)
		}
	}
	signIn := func(email, pw string) (int, string) {
		return submit("/signin", url.Values{"email": {email}, "password": {pw}})
	}
	for i := 0; i < maxSignInFailures; i++ {
		if code, _ := signIn("ravi@example.org", "guess"); code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i+1, code)
		}
	}
	if code, page := signIn("RAVI@example.org", "right password"); code != http.StatusTooManyRequests || !strings.Contains(page, "Too many wrong passwords") {
		t.Fatalf("right password after %d failures: %d, want 429 with an explanation", maxSignInFailures, code)
	}
	if code, _ := signIn("meera@example.org", "right password"); code != http.StatusSeeOther {
		t.Fatalf("another address: %d, want 303", code)
	}
	skew.Store(int64(signInWindow - time.Minute))
	if code, _ := signIn("ravi@example.org", "right password"); code != http.StatusTooManyRequests {
		t.Fatalf("a minute before the window ends: %d, want 429", code)
	}
	skew.Store(int64(signInWindow + time.Second))
	if code, _ := signIn("ravi@example.org", "right password"); code != http.StatusSeeOther {
		t.Fatalf("after the window: %d, want the lock-out to end", code)
	}
	// The success cleared the count: one more failure does not lock.
	signIn("ravi@example.org", "guess")
	if code, _ := signIn("ravi@example.org", "right password"); code != http.StatusSeeOther {
		t.Fatalf("after a success and one failure: %d, want 303", code)
	}
}

// TestLiveSearchAllowance: a visitor starts liveBurst live searches at
// once, then liveRate a minute; other visitors are not affected, and the
// limiter's memory stays bounded.
func TestLiveSearchAllowance(t *testing.T) {
	l := newLiveLimiter()
	now := time.Now()
	for i := 0; i < liveBurst; i++ {
		if !l.allow("addr:10.0.0.1", now) {
			t.Fatalf("search %d of the burst refused", i+1)
		}
	}
	if l.allow("addr:10.0.0.1", now) {
		t.Fatal("a search beyond the burst was allowed")
	}
	if !l.allow("user:asha", now) {
		t.Fatal("another visitor was refused")
	}
	// Three seconds refill one search at 20 a minute.
	if !l.allow("addr:10.0.0.1", now.Add(3*time.Second)) || l.allow("addr:10.0.0.1", now.Add(3*time.Second)) {
		t.Fatal("the allowance does not refill at liveRate a minute")
	}
	for i := 0; i < 2*maxBuckets; i++ {
		l.allow("addr:"+strconv.Itoa(i), now.Add(time.Hour))
	}
	if len(l.buckets) > maxBuckets {
		t.Fatalf("%d buckets kept, want at most %d", len(l.buckets), maxBuckets)
	}
}

// TestRefusalSaysWhoRefused: a request Seeker itself did not send (it broke
// the network's rules) is not blamed on the provider, and the learner is
// told what to do; a provider's refusal is shown as the provider's.
func TestRefusalSaysWhoRefused(t *testing.T) {
	s, ts := newTestServer(t)
	ctx := context.Background()
	c := client(t)
	_, page := get(t, c, ts.URL+"/signup")
	post(t, c, ts.URL+"/signup", url.Values{"csrf": {csrfOf(t, page)}, "name": {"R"}, "email": {"r@example.org"}, "password": {"long enough pw"}})
	id, err := s.cfg.Store.GetKV(ctx, emailKey("r@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.saveApp(ctx, &application{Txn: "txn-r", UserID: string(id), Domain: "onest:work-opportunities", Title: "Welder"}); err != nil {
		t.Fatal(err)
	}
	detail := url.QueryEscape("fulfillments[0].customer.person.gender is mandatory")
	_, page = get(t, c, ts.URL+"/applications/txn-r?refused="+detail+"&by=seeker")
	if !strings.Contains(page, "Seeker did not send this request") || strings.Contains(page, "The provider did not accept") || !strings.Contains(page, "gender is mandatory") {
		t.Fatalf("a refusal by Seeker is not explained as one:\n%s", page)
	}
	_, page = get(t, c, ts.URL+"/applications/txn-r?refused="+url.QueryEscape("Seats are full"))
	if !strings.Contains(page, "The provider did not accept") || !strings.Contains(page, "Seats are full") {
		t.Fatalf("a provider's refusal is not shown as the provider's:\n%s", page)
	}
}
