package verify

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/configservice"
	cstypes "github.com/aws/aws-sdk-go-v2/service/configservice/types"

	"github.com/peerctl/peerctl/internal/config"
)

// Info is a result shown for information that never fails the report, not
// even with --strict: what a Config rule finds on resources the stack does
// not manage.
const Info Status = "info"

// peeringConnectionType is what VPC_PEERING_DNS_RESOLUTION_CHECK evaluates.
const peeringConnectionType = "AWS::EC2::VPCPeeringConnection"

// maxListed caps the resources a result names; the rest are counted.
const maxListed = 5

// evaluation is one resource's result under one rule.
type evaluation struct {
	resourceType, id, annotation string
	compliance                   cstypes.ComplianceType
}

func (e evaluation) String() string {
	s := fmt.Sprintf("%s (%s)", e.id, e.resourceType)
	if e.annotation != "" {
		s += ": " + e.annotation
	}
	return s
}

// resources is the stack's resource list: the state's when the caller has
// it, else what the outputs name.
func (v *verifier) resources() *StackResources {
	if v.opts.Resources == nil {
		v.opts.Resources = ResourcesFromOutputs(v.out)
	}
	return v.opts.Resources
}

// judgeRule reads every result of one rule in the network's account and
// judges the stack's: any NON_COMPLIANT fails, COMPLIANT or NOT_APPLICABLE
// pass, none yet waits. NON_COMPLIANT results on resources the stack does
// not manage (the default VPC, other teams' VPCs and buckets) are one Info
// result.
func (v *verifier) judgeRule(ctx context.Context, n config.Network, api RuleResultsAPI, rule string) []Result {
	subject := fmt.Sprintf("%s %s", n.Name, rule)
	evals, err := ruleEvaluations(ctx, api, rule)
	switch {
	case hasCode(err, "NoSuchConfigRuleException"):
		return []Result{result(CheckConfigRules, subject, Fail, "rule does not exist; run peerctl up")}
	case err != nil:
		return []Result{result(CheckConfigRules, subject, Fail, "%s", apiReason("GetComplianceDetailsByConfigRule", err))}
	}
	stack := v.resources()
	var failing, outside []evaluation
	var extra []Result
	judged, notApplicable, outsideCompliant := 0, 0, 0
	for _, e := range evals {
		if !stack.Has(e.resourceType, e.id) {
			if e.compliance == cstypes.ComplianceTypeNonCompliant {
				outside = append(outside, e)
			} else {
				outsideCompliant++
			}
			continue
		}
		judged++
		switch {
		case e.compliance == cstypes.ComplianceTypeNotApplicable:
			notApplicable++
		case e.compliance != cstypes.ComplianceTypeNonCompliant:
			// COMPLIANT
		case e.resourceType == peeringConnectionType:
			r := v.dnsVerdict(ctx, n, rule, e.id)
			if r.Status == Fail {
				failing = append(failing, evaluation{resourceType: e.resourceType, id: e.id, annotation: r.Detail})
			} else {
				extra = append(extra, r)
			}
		default:
			failing = append(failing, e)
		}
	}
	var results []Result
	switch {
	case len(failing) > 0:
		results = append(results, result(CheckConfigRules, subject, Fail, "NON_COMPLIANT: %s", listed(failing)))
	case judged == 0:
		results = append(results, result(CheckConfigRules, subject, Wait,
			"no evaluation of the stack's resources yet (%d results for other resources of the account)%s",
			len(outside)+outsideCompliant, v.sourceNote()))
	case judged > len(extra):
		detail := fmt.Sprintf("COMPLIANT: %d of the stack's resources", judged-notApplicable-len(extra))
		if notApplicable > 0 {
			detail += fmt.Sprintf(", %d not applicable", notApplicable)
		}
		results = append(results, result(CheckConfigRules, subject, Pass, "%s", detail))
	}
	results = append(results, extra...)
	if len(outside) > 0 {
		results = append(results, result(CheckConfigRules, subject+" (rest of account)", Info,
			"not the stack's resources, not counted: %d NON_COMPLIANT (%s), %d compliant or not applicable%s",
			len(outside), listed(outside), outsideCompliant, v.sourceNote()))
	}
	return results
}

// sourceNote says when the stack's resources come from the outputs, which
// do not name the adopted defaults and the Config bucket.
func (v *verifier) sourceNote() string {
	if v.resources().Complete {
		return ""
	}
	return "; the stack's resources were taken from the stack outputs, which do not name the default security groups, default network ACLs, main route tables or the Config bucket"
}

// ruleEvaluations reads every evaluation result of a rule, page by page.
// INSUFFICIENT_DATA cannot be asked for; a resource without a result has
// not been evaluated yet.
func ruleEvaluations(ctx context.Context, api RuleResultsAPI, rule string) ([]evaluation, error) {
	pages := configservice.NewGetComplianceDetailsByConfigRulePaginator(api, &configservice.GetComplianceDetailsByConfigRuleInput{
		ConfigRuleName: aws.String(rule),
		ComplianceTypes: []cstypes.ComplianceType{
			cstypes.ComplianceTypeCompliant, cstypes.ComplianceTypeNonCompliant, cstypes.ComplianceTypeNotApplicable,
		},
		Limit: 100,
	})
	var out []evaluation
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range page.EvaluationResults {
			var q cstypes.EvaluationResultQualifier
			if r.EvaluationResultIdentifier != nil && r.EvaluationResultIdentifier.EvaluationResultQualifier != nil {
				q = *r.EvaluationResultIdentifier.EvaluationResultQualifier
			}
			out = append(out, evaluation{
				resourceType: aws.ToString(q.ResourceType), id: aws.ToString(q.ResourceId),
				annotation: aws.ToString(r.Annotation), compliance: r.ComplianceType,
			})
		}
	}
	// Stable output whatever order AWS pages in.
	slices.SortFunc(out, func(a, b evaluation) int {
		return strings.Compare(a.resourceType+"/"+a.id, b.resourceType+"/"+b.id)
	})
	return out, nil
}

// listed names up to maxListed evaluations and counts the rest.
func listed(evals []evaluation) string {
	var names []string
	for i, e := range evals {
		if i == maxListed {
			names = append(names, fmt.Sprintf("and %d more", len(evals)-maxListed))
			break
		}
		names = append(names, e.String())
	}
	return strings.Join(names, "; ")
}
