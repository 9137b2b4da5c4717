package web_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onest-seeker/seeker/internal/stacktest"
	"github.com/onest-seeker/seeker/sandbox"
	"github.com/onest-seeker/seeker/sandbox/bpp"
	"github.com/onest-seeker/seeker/server"
)

// The browser tests drive the real app in headless Chromium against the
// in-process ONEST sandbox: a learner signs up, fills the profile, and in
// each domain searches with a filter, opens the detail page, applies
// through the provider's forms (the four-step scholarship among them),
// confirms, sees an unsolicited status update arrive by itself, and
// cancels or rates. Every page of the journey is screenshot at 360 px and
// at laptop width into $SEEKER_SCREENSHOTS (or a temporary folder).
//
// Waits are on conditions with generous limits, never fixed sleeps: the
// tests run on slow shared machines.

// findChromium returns the browser to drive, or "" when none is installed.
func findChromium() string {
	if p := os.Getenv("SEEKER_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// silentBPP never answers a search.
const silentBPP = "le-silent.sandbox.local"

// stack is the sandbox network and a Seeker with the web app.
type stack struct {
	network *sandbox.Network
	seeker  *server.Server
	web     string
	// hostile is the item with a <script> title (provider, item).
	hostileProvider, hostileItem string
}

func startStack(t *testing.T) *stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	// Time scale 4: the first unsolicited update comes 7.5 s after
	// confirm, long enough for the application page to be open when it
	// arrives.
	// A learning provider that acknowledges searches and never answers:
	// the results page must name it as not answering.
	silent := sandbox.BPPSpec{SubscriberID: silentBPP, Domain: "onest:learning-experiences", Faults: bpp.Faults{Silent: true}}
	nw, err := sandbox.Start(ctx, sandbox.Options{TimeScale: 4, Seed: 11, ExtraBPPs: []sandbox.BPPSpec{silent}})
	if err != nil {
		t.Fatalf("sandbox.Start: %v", err)
	}
	t.Cleanup(func() { nw.Close() })
	s := &stack{network: nw}
	s.hostileProvider, s.hostileItem = nw.BPP("le-bpp-1.sandbox.local").AddHostileItem()

	cfg := stacktest.Config(t, nw, "seeker-web-test.local")
	cfg.TTL = map[string]string{"default": "PT20S", "search": "PT10S"}
	cfg.Web.SecureCookies = false
	cfg.Web.Wait = 25 * time.Second
	s.seeker = stacktest.Start(ctx, t, cfg, stacktest.Listen(t, &cfg, true))
	s.web = s.seeker.WebURL()
	if s.web == "" {
		t.Fatal("the web app is not listening")
	}
	return s
}

// browser is one Chromium tab with helpers for the journeys.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
	shot int
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path := findChromium()
	if path == "" {
		t.Skip("no Chromium found (looked for chromium, chromium-browser, google-chrome and $SEEKER_CHROMIUM): browser tests skipped; scripts/setup.sh installs it")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium (%s): %v", path, err)
	}
	dir := os.Getenv("SEEKER_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, ctx: ctx, base: base, dir: dir}
}

// fail reports a failed step with where the browser was and what it showed.
func (b *browser) fail(what string, err error) {
	b.t.Helper()
	url, _ := chromedp.Run(b.ctx, chromedp.Location())
	text, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 3000) : ""`))
	b.t.Fatalf("%s: %v\n(at %s)\n%s", what, err, url, text)
}

// run runs steps with a generous limit.
func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(what, err)
	}
}

// waitJS polls a JavaScript condition until it holds. A navigation under
// way (a form's redirect) ends one poll; the wait goes on in the new page.
func (b *browser) waitJS(what, cond string) {
	b.t.Helper()
	deadline := time.Now().Add(80 * time.Second)
	for {
		ctx, cancel := context.WithDeadline(b.ctx, deadline.Add(5*time.Second))
		_, err := chromedp.Run(ctx, chromedp.Poll[any](cond, chromedp.WithPollingInterval(200*time.Millisecond), chromedp.WithPollingTimeout(time.Until(deadline))))
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) || b.ctx.Err() != nil || !transient(err) {
			b.fail("waiting for "+what, err)
		}
		_ = chromedp.Do(b.ctx, chromedp.WaitReady(chromedp.CSS("body")))
	}
}

// transient reports an error of a page that went away under a poll.
func transient(err error) bool {
	s := err.Error()
	return strings.Contains(s, "navigated or closed") || strings.Contains(s, "Execution context was destroyed") ||
		strings.Contains(s, "Cannot find context")
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path), chromedp.WaitReady(chromedp.CSS("main")))
}

func (b *browser) click(sel string) {
	b.t.Helper()
	b.run("click "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)), chromedp.WaitReady(chromedp.CSS("main")))
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail("text of "+sel, err)
	}
	return s
}

// evalJS evaluates js and decodes its value.
func evalJS[T any](b *browser, js string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.fail("evaluate", err)
	}
	return v
}

func (b *browser) exists(sel string) bool {
	b.t.Helper()
	return evalJS[bool](b, fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
}

// screenshot saves the page at phone and at laptop width.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	b.shot++
	for _, w := range []struct {
		tag           string
		width, height int64
		mobile        bool
	}{{"360", 360, 740, true}, {"1280", 1280, 860, false}} {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulatePortrait}
		if w.mobile {
			opts = append(opts, chromedp.EmulateMobile)
		}
		b.run("viewport "+w.tag, chromedp.EmulateViewport(w.width, w.height, opts...))
		ctx, cancel := context.WithTimeout(b.ctx, 90*time.Second)
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			b.fail("screenshot "+name, err)
		}
		file := filepath.Join(b.dir, fmt.Sprintf("%02d-%s-%s.png", b.shot, name, w.tag))
		if err := os.WriteFile(file, buf, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	b.run("restore viewport", chromedp.EmulateViewport(1280, 860))
}

// noScriptRan asserts that no provider text ran as script.
func (b *browser) noScriptRan(where string) {
	b.t.Helper()
	pwned := evalJS[any](b, `window.__pwned === undefined ? null : window.__pwned`)
	title := evalJS[string](b, `document.title`)
	if pwned != nil || title == "pwned" {
		b.t.Fatalf("%s: provider content ran as script (window.__pwned=%v, title %q)", where, pwned, title)
	}
}

// TestLearnerJourneys walks a full journey in each ONEST domain.
func TestLearnerJourneys(t *testing.T) {
	if findChromium() == "" {
		t.Skip("no Chromium found (looked for chromium, chromium-browser, google-chrome and $SEEKER_CHROMIUM): browser tests skipped; scripts/setup.sh installs it")
	}
	if testing.Short() {
		t.Skip("browser journeys take a minute or more; skipped with -short")
	}
	s := startStack(t)
	b := newBrowser(t, s.web)
	t.Logf("screenshots in %s", b.dir)

	signUp(b)

	t.Run("hostile provider text", func(t *testing.T) {
		b.t = t
		b.open("/?q=hostile")
		b.waitJS("results done", `document.querySelector("#results[data-done]") !== null`)
		b.waitJS("hostile result listed", `[...document.querySelectorAll("#results h2 a")].some(a => a.textContent.includes("<script>"))`)
		b.noScriptRan("results")
		title := evalJS[string](b, `[...document.querySelectorAll("#results h2 a")].find(a => a.textContent.includes("<script>")).textContent`)
		if !strings.Contains(title, `<script>document.title="pwned"`) || !strings.Contains(title, "Hostile Sample Offering") {
			t.Fatalf("the hostile title is not shown as text: %q", title)
		}
		b.screenshot("hostile-results")
		b.run("open hostile detail", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[any](`[...document.querySelectorAll("#results h2 a")].find(a => a.textContent.includes("<script>")).click()`)(ctx, t)
			return err
		}),
			chromedp.WaitVisible(chromedp.CSS("#item-title")))
		b.waitJS("detail answered", `document.querySelector("#item-title").textContent.includes("<script>")`)
		b.noScriptRan("detail")
		scripts := evalJS[int](b, `document.querySelectorAll("script").length`)
		if scripts != 1 {
			t.Fatalf("the detail page has %d script elements; only the app's own may be there", scripts)
		}
		overflow := evalJS[bool](b, `document.documentElement.scrollWidth > window.innerWidth + 1`)
		if overflow {
			t.Fatalf("provider text widens the page beyond the viewport")
		}
		b.screenshot("hostile-detail")
	})

	journeys := []journey{
		{name: "learning", kind: "course", query: "javascript", filter: "f.language=en", title: "JavaScript for Web Developers",
			confirmed: "Enrolled, not started", update: "In progress", finish: "rate", resubmit: true},
		{name: "work", kind: "job", query: "flutter", filter: "f.employment_type=full-time", title: "Flutter Developer",
			confirmed: "Application submitted", update: "Being assessed", finish: "cancel"},
		{name: "financial", kind: "scholarship", query: "economically backward", filter: "f.gender=female", title: "XYZ Undergraduation scholarship",
			steps: 4, confirmed: "Application submitted", update: "Application approved", finish: "rate",
			badField: "user-bank-ifsc", goodValue: "SBIN0001234", badStep: 2},
		{name: "expert", kind: "mentorship", query: "time management", filter: "f.language=en",
			confirmed: "Scheduled", update: "Rescheduled", finish: "cancel"},
	}
	for _, j := range journeys {
		t.Run(j.name, func(t *testing.T) {
			b.t = t
			j.walk(b)
		})
	}

	t.Run("hindi and keyboard", func(t *testing.T) {
		b.t = t
		b.open("/lang?to=hi&next=/applications")
		if lang := evalJS[string](b, `document.documentElement.lang`); lang != "hi" {
			t.Fatalf("page language %q after switching to Hindi", lang)
		}
		if h := b.text("main h1"); h != "मेरे आवेदन" {
			t.Fatalf("the applications heading in Hindi is %q", h)
		}
		b.screenshot("hindi-applications")
		b.open("/?kind=scholarship")
		b.waitJS("results done", `document.querySelector("#results[data-done]") !== null`)
		b.screenshot("hindi-discover")
		// Keyboard: the first Tab reaches the skip link, which moves focus
		// to the main content; every control of the page has a label.
		b.run("tab", chromedp.KeyEvent("\t"))
		if cls := evalJS[string](b, `document.activeElement.className`); cls != "skip" {
			t.Errorf("the first Tab focuses %q, want the skip link", cls)
		}
		unlabelled := evalJS[[]string](b, `[...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
			.filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")).map(el => el.name || el.id)`)
		if len(unlabelled) > 0 {
			t.Errorf("controls without a label: %v", unlabelled)
		}
		b.open("/lang?to=en&next=/")
	})
}

// journey is one domain's walk.
type journey struct {
	name, kind, query, filter, title string
	// steps is the number of form steps expected (0: whatever comes).
	steps             int
	confirmed, update string
	finish            string // "rate" or "cancel"
	// badField is answered wrongly at form step badStep (0-based) with a
	// value only the provider refuses, then corrected to goodValue.
	badField, goodValue string
	badStep             int
	// resubmit: the form allows resubmission; the test changes its answers.
	resubmit bool
}

// badValue sets the answer to the journey's bad field.
func (j journey) badValue(b *browser, v string) {
	evalJS[bool](b, fmt.Sprintf(`(() => { const el = document.querySelector("form.provider-form [name='%s']"); el.value = %q; return true; })()`, j.badField, v))
}

func signUp(b *browser) {
	b.open("/signup")
	b.screenshot("signup")
	b.run("sign up",
		chromedp.SendKeys(chromedp.CSS("#name"), "Asha Verma"),
		chromedp.SendKeys(chromedp.CSS("#email"), "asha@example.org"),
		chromedp.SendKeys(chromedp.CSS("#password"), "a long enough password"),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS(`button.linkish`)))
	// The profile, and consent to pre-fill forms from it.
	b.open("/profile")
	evalJS[bool](b, `(() => {
		const v = {"user-date-of-birth":"2004-05-17","user-gender":"Female","user-social-category":"OBC",
			"user-guardian-full-name":"Ravi Verma","user-guardian-phone":"+91-9876500000","user-phone-number":"+91-9876543210",
			"user-address":"12, Station Road, Lucknow","edu-qual-level-0":"undergraduate","edu-qual-name-0":"B.Sc. Physics",
			"edu-qual-institution-name-0":"Lucknow University","edu-qual-percentage-0":"82","user-occupation":"Student",
			"user-ann-hh-inc":"180000","user-bank-acc-name":"Asha Verma","user-bank-acc-no":"123456789012",
			"user-bank-ifsc":"SBIN0001234","user-bank-name":"State Bank of India","resume-doc":"https://example.org/asha-resume.pdf"};
		for (const [k, x] of Object.entries(v)) { document.getElementById("p-" + k).value = x; }
		document.querySelector("input[name=consent]").checked = true;
		return true; })()`)
	b.screenshot("profile")
	b.click(`form[action="/profile"] button[type=submit]`)
	b.waitJS("profile saved", `document.querySelector(".notice.ok") !== null`)
}

// fillForm fills what the profile did not: required empty controls, with
// values the sandbox's checks accept, and attaches a document to every
// file field. It returns after clicking "Review answers".
func (j journey) fillForm(b *browser, doc string) {
	files := evalJS[[]string](b, `(() => {
		const byName = {"edu-qual-completion-month-0":"2025-05","total-experience":"2","feedback-score":"9",
			"edu-qual-percentage-0":"82","user-ann-hh-inc":"180000"};
		const byType = {"date":"2004-05-17","month":"2025-05","number":"3","email":"asha@example.org","tel":"+91-9876543210","text":"Test answer","textarea":"Test answer"};
		const form = document.querySelector("form.provider-form");
		const files = [];
		for (const el of form.querySelectorAll("input, select, textarea")) {
			if (el.type === "hidden" || el.type === "submit") continue;
			if (el.type === "file") { if (el.required) files.push(el.name); continue; }
			if (el.type === "radio") {
				const g = [...form.querySelectorAll("input[name='" + el.name + "']")];
				if (el.required && !g.some(x => x.checked)) g[0].checked = true;
				continue;
			}
			if (el.type === "checkbox") { if (el.required) el.checked = true; continue; }
			if (el.value || !el.required) continue;
			if (el.tagName === "SELECT") { el.selectedIndex = el.options.length > 1 ? 1 : 0; continue; }
			el.value = byName[el.name] || byType[el.type] || byType[el.tagName.toLowerCase()] || "Test answer";
		}
		return files; })()`)
	for _, name := range files {
		b.run("attach "+name, chromedp.SetUploadFiles(chromedp.CSS(fmt.Sprintf(`input[type=file][name=%q]`, name)), []string{doc}))
	}
	b.click("#review-btn")
}

func (j journey) walk(b *browser) {
	t := b.t
	doc := filepath.Join(t.TempDir(), "document.pdf")
	if err := os.WriteFile(doc, []byte("%PDF-1.4\n% test document\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Search with a filter; results stream in.
	b.open("/?kind=" + j.kind + "&q=" + strings.ReplaceAll(j.query, " ", "+") + "&" + j.filter)
	b.waitJS("results done", `document.querySelector("#results[data-done]") !== null`)
	b.waitJS("progress says providers answered", `/\d+/.test(document.querySelector("#answered") ? document.querySelector("#answered").textContent : "")`)
	if j.kind == "course" {
		b.waitJS("the silent provider named", fmt.Sprintf(`document.querySelector("#failed") !== null && document.querySelector("#failed").textContent.includes(%q)`, silentBPP))
	}
	// The named item, or (without a name) the first result.
	sel := fmt.Sprintf(`[...document.querySelectorAll("#results h2 a")].find(a => a.textContent.includes(%q))`, j.title)
	b.waitJS("result "+j.title, sel+` !== undefined`)
	if j.title == "" {
		j.title = evalJS[string](b, sel+`.textContent`)
	}
	filterName, _, _ := strings.Cut(strings.TrimPrefix(j.filter, "f."), "=")
	selected := evalJS[string](b, fmt.Sprintf(`document.getElementById("f-%s").value`, filterName))
	if selected == "" {
		t.Errorf("the filter %s is not shown as applied", j.filter)
	}
	b.screenshot(j.name + "-results")

	// Detail from select.
	b.run("open detail", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](sel+`.click()`)(ctx, t)
		return err
	}), chromedp.WaitVisible(chromedp.CSS("#item-title")))
	if got := b.text("#item-title"); !strings.Contains(got, j.title) {
		t.Fatalf("detail title %q, want %q", got, j.title)
	}
	if !b.exists("#apply-btn") {
		t.Fatalf("the detail page offers no apply button:\n%s", b.text("main"))
	}
	b.screenshot(j.name + "-detail")

	// Apply: select + init, then the provider's forms.
	b.click("#apply-btn")
	b.waitJS("application page", `document.querySelector("#live") !== null`)
	b.screenshot(j.name + "-applied")
	forms := 0
	for i := 0; i < 8 && b.exists("#fill-form"); i++ {
		b.click("#fill-form")
		b.waitJS("form page", `document.querySelector("form.provider-form") !== null`)
		if forms == 0 && !b.exists("#shared-box") {
			t.Errorf("form step 1: no fields were pre-filled from the profile")
		}
		b.screenshot(fmt.Sprintf("%s-form-%d", j.name, forms+1))
		bad := j.badField != "" && forms == j.badStep
		if bad {
			// An answer only the provider can judge: its field error
			// must come back next to the field, and a corrected answer
			// must go through.
			j.badValue(b, "BAD-IFSC")
		}
		j.fillForm(b, doc)
		if b.exists("#form-error") {
			t.Fatalf("form step %d refused:\n%s", forms+1, b.text("main"))
		}
		b.waitJS("review", `document.querySelector("#review") !== null`)
		if forms == 0 {
			b.screenshot(j.name + "-review")
		}
		b.click("#send-btn")
		b.waitJS("after sending", `document.querySelector("#live") !== null || document.querySelector("form.provider-form") !== null`)
		if bad {
			b.waitJS("provider's field error", fmt.Sprintf(`document.querySelector("#form-error") !== null && document.querySelector(".field.invalid [name='%s']") !== null`, j.badField))
			b.screenshot(j.name + "-provider-error")
			j.badValue(b, j.goodValue)
			b.click("#review-btn")
			b.waitJS("review after correction", `document.querySelector("#review") !== null`)
			b.click("#send-btn")
			b.waitJS("after resending", `document.querySelector("#live") !== null || document.querySelector("form.provider-form") !== null`)
		}
		if b.exists("form.provider-form") && !b.exists("#form-error") {
			// The next step came at once: go round through its page.
			b.open(strings.TrimSuffix(b.path(), "/form"))
		}
		if b.exists("#form-error") {
			t.Fatalf("the provider refused step %d:\n%s", forms+1, b.text("main"))
		}
		forms++
	}
	// A step the provider lets the learner resubmit can be changed.
	if j.resubmit {
		b.waitJS("resubmit offered", `document.querySelector("a[href*='which=step-0']") !== null`)
		b.click("a[href*='which=step-0']")
		b.waitJS("form again", `document.querySelector("form.provider-form") !== null`)
		j.fillForm(b, doc)
		b.waitJS("review", `document.querySelector("#review") !== null`)
		b.click("#send-btn")
		b.waitJS("resubmitted", `document.querySelector("#live") !== null`)
		if b.exists("#form-error") {
			t.Fatalf("the resubmission was refused:\n%s", b.text("main"))
		}
	}
	if j.steps > 0 && forms != j.steps {
		t.Errorf("%d form steps filled, want %d", forms, j.steps)
	}

	// A paid course: pay on the provider's page, come back.
	if b.exists("#pay-link") {
		app := b.path()
		href := evalJS[string](b, `document.querySelector("#pay-link").href`)
		b.screenshot(j.name + "-payment-due")
		b.run("pay", chromedp.Navigate(href), chromedp.WaitVisible(chromedp.CSS(`form input[type=submit]`)), chromedp.Click(chromedp.CSS(`form input[type=submit]`)))
		b.waitJS("payment taken", `document.body.innerText.includes("Payment successful")`)
		b.open(app)
	}
	b.waitJS("confirm offered", `document.querySelector("#confirm-btn") !== null`)
	b.screenshot(j.name + "-ready")
	b.click("#confirm-btn")
	b.waitJS("confirmed state "+j.confirmed, fmt.Sprintf(`document.querySelector("#state") && document.querySelector("#state").textContent.includes(%q)`, j.confirmed))
	b.screenshot(j.name + "-confirmed")

	// The unsolicited update arrives by itself: no reload.
	loadMark := evalJS[string](b, `(window.__loadMark = String(Math.random()))`)
	b.waitJS("live update "+j.update, fmt.Sprintf(`document.querySelector("#live[data-updated]") !== null && document.querySelector("#state").textContent.includes(%q)`, j.update))
	mark := evalJS[string](b, `window.__loadMark || ""`)
	if mark != loadMark {
		t.Fatalf("the page was reloaded; the update must arrive by itself")
	}
	if tl := b.text("#timeline"); !strings.Contains(tl, j.update) || !strings.Contains(tl, "update from provider") {
		t.Errorf("the timeline does not show the provider's update %q:\n%s", j.update, tl)
	}
	b.screenshot(j.name + "-update")

	if j.name == "work" {
		// Track and change contact details while the application is open.
		b.run("track", chromedp.Click(chromedp.CSS(`form[action$="/track"] button`)), chromedp.WaitReady(chromedp.CSS("main")))
		b.waitJS("tracking link", `document.querySelector("#track-link") !== null`)
		b.click(`a[href$="?panel=update"]`)
		b.run("new phone", chromedp.SendKeys(chromedp.CSS("#up-phone"), "+91-9123456780"))
		b.screenshot(j.name + "-update-contact")
		b.click(`form[action$="/update"] button`)
		b.waitJS("back on the application", `document.querySelector("#live") !== null`)
		if b.exists(".notice.error") {
			t.Fatalf("the update was refused:\n%s", b.text("main"))
		}
	}
	switch j.finish {
	case "cancel":
		b.click("#cancel-link")
		b.waitJS("cancel reasons", `document.querySelector("input[name=reason]") !== null`)
		b.screenshot(j.name + "-cancel")
		b.click("#cancel-submit")
		b.waitJS("cancelled", `document.querySelector("#state") && document.querySelector("#state").textContent.includes("Cancel")`)
		b.screenshot(j.name + "-cancelled")
	case "rate":
		b.click("#rate-link")
		b.waitJS("rating categories", `document.querySelector("#rate-cat") !== null`)
		b.screenshot(j.name + "-rate")
		b.click("#rate-submit")
		b.waitJS("rated", `document.querySelector("#timeline") && document.querySelector("#timeline").textContent.includes("You rated this")`)
		if b.exists("#feedback-link") {
			b.click("#feedback-link")
			b.waitJS("feedback form", `document.querySelector("form.provider-form") !== null`)
			j.fillForm(b, doc)
			b.waitJS("feedback review", `document.querySelector("#review") !== null`)
			b.click("#send-btn")
			b.waitJS("back on the application", `document.querySelector("#live") !== null`)
		}
		b.screenshot(j.name + "-rated")
	}
	b.run("support", chromedp.Click(chromedp.CSS("#support-btn")), chromedp.WaitReady(chromedp.CSS("main")))
	b.waitJS("support channels", `document.querySelector(".support a[href^='tel:']") !== null`)
	b.open("/applications")
	b.waitJS("listed", fmt.Sprintf(`document.querySelector("main").textContent.includes(%q)`, j.title))
	b.screenshot(j.name + "-applications")
}

// path is the current page's path.
func (b *browser) path() string {
	p := evalJS[string](b, `location.pathname + location.search`)
	return p
}
