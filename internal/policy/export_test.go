package policy

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
)

// Update exposes the -update flag to the external test package.
var Update = update

// rule returns the loaded rule with that id, nil when there is none.
func (e *Engine) rule(id string) *Rule {
	for i := range e.rules {
		if e.rules[i].ID == id {
			return &e.rules[i]
		}
	}
	return nil
}

// RuleEvaluator evaluates one rule alone, for the per-rule benchmark: the
// rule and the data.peerctl.lib indexes it uses, nothing else.
func (e *Engine) RuleEvaluator(ctx context.Context, id string) (func(context.Context, any) (int, error), error) {
	r := e.rule(id)
	if r == nil {
		return nil, fmt.Errorf("no rule %s", id)
	}
	c, err := compile(e.modules)
	if err != nil {
		return nil, err
	}
	pq, err := rego.New(rego.Compiler(c), rego.Query("x = "+r.Ref), rego.StrictBuiltinErrors(true)).PrepareForEval(ctx)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, input any) (int, error) {
		in, err := ast.InterfaceToValue(input)
		if err != nil {
			return 0, err
		}
		rs, err := pq.Eval(ctx, rego.EvalParsedInput(in))
		if err != nil {
			return 0, err
		}
		items, _ := rs[0].Bindings["x"].([]any)
		return len(items), nil
	}, nil
}
