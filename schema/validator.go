package schema

import (
	"fmt"
	"sort"
	"sync"
)

// Validator checks Beckn messages against core 1.1.0 structure, the ONEST
// policy of the message's domain, and (ValidateCallback) the request a
// callback answers. It is safe for concurrent use; build one with New at
// start-up and share it.
type Validator struct {
	types    map[string]*typ
	actions  map[string]*compiledAction
	names    []string // action names, sorted, for suggestions
	policies map[string]*policy
	trees    sync.Pool
}

type compiledAction struct {
	actionSpec
	msg *typ // nil: the message is not described (meta get_* requests)
}

// New compiles the built-in rules. The rules are part of the program, so a
// failure is a bug caught by the package tests; New panics on it.
func New() *Validator {
	v, err := compile()
	if err != nil {
		panic("schema: built-in rules do not compile: " + err.Error())
	}
	return v
}

func compile() (*Validator, error) {
	types, err := compileTypes(coreObjects)
	if err != nil {
		return nil, err
	}
	v := &Validator{types: types, actions: map[string]*compiledAction{}}
	for _, a := range coreActions {
		ca := &compiledAction{actionSpec: a}
		if a.message != "" {
			t, ok := types[a.message]
			if !ok {
				return nil, fmt.Errorf("action %s: unknown message type %s", a.name, a.message)
			}
			ca.msg = t
		}
		v.actions[a.name] = ca
		v.names = append(v.names, a.name)
	}
	sort.Strings(v.names)
	v.policies, err = compilePolicies()
	if err != nil {
		return nil, err
	}
	v.trees.New = func() any { return &tree{} }
	return v, nil
}

// Option adjusts one validation.
type Option func(*options)

type options struct {
	domain string
}

// WithDomain applies the ONEST policy of domain d (an ONEST code or a legacy
// alias) instead of the one named in context.domain, and skips the check of
// context.domain itself. The CLI's --domain uses it to check a payload
// written for another network.
func WithDomain(d string) Option { return func(o *options) { o.domain = d } }

// applyOptions collects opts. The options escape to the functions that set
// them, so they are only allocated when there are any: the engine validates
// every callback without options.
func applyOptions(opts []Option) options {
	if len(opts) == 0 {
		return options{}
	}
	o := new(options)
	for _, f := range opts {
		f(o)
	}
	return *o
}

// Validate checks one message body. action is the endpoint the body was
// posted to (or will be); "" takes it from context.action. A body that is
// not JSON yields a single json.syntax error finding.
func (v *Validator) Validate(action string, body []byte, opts ...Option) Result {
	t := v.trees.Get().(*tree)
	defer v.release(t)
	res, _ := v.validateTree(t, action, body, applyOptions(opts))
	return res
}

// validateTree parses body into t and validates it; ok is false when the body
// is not JSON (the result then holds the json.syntax finding).
func (v *Validator) validateTree(t *tree, action string, body []byte, o options) (res Result, ok bool) {
	if err := t.parse(body); err != nil {
		res.Action = action
		res.Findings = []Finding{syntaxFinding("", err)}
		res.notJSON = true
		return res, false
	}
	w := walker{v: v, t: t, path: t.pathBuf[:0]}
	w.message(action, o)
	t.pathBuf = w.path[:0]
	res.Action, res.Domain, res.Findings = w.action, w.domain, w.findings
	return res, true
}

func syntaxFinding(path string, err error) Finding {
	return Finding{Path: path, Rule: "json.syntax", Severity: SeverityError, Code: CodeInvalidRequest,
		Message: "The body is not valid JSON (" + err.Error() + "); send one JSON object {\"context\": ..., \"message\": ...}."}
}

// release returns a tree to the pool unless it grew unusually large, so one
// huge catalogue does not pin its arena for the life of the process.
func (v *Validator) release(t *tree) {
	if cap(t.nodes) > 1<<20 {
		return
	}
	t.src = nil
	v.trees.Put(t)
}

// Actions lists every action the validator knows (transaction and meta APIs,
// requests and callbacks), sorted.
func (v *Validator) Actions() []string { return append([]string(nil), v.names...) }
