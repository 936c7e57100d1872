package config

import (
	"regexp"
	"strings"
)

var (
	accountIDPattern   = regexp.MustCompile(`^[0-9]{12}$`)
	roleARNPattern     = regexp.MustCompile(`^arn:aws(?:-[a-z]+)*:iam::([0-9]{12}):role/[\w+=,.@/-]{1,512}$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]{2,}$`)
)

// profileMaxLength bounds an AWS CLI profile name.
const profileMaxLength = 128

func validateAccount(field string, a Account, p *problems) {
	if a.ID != "" && !accountIDPattern.MatchString(a.ID) {
		hint := ""
		if len(a.ID) < 12 && strings.Trim(a.ID, "0123456789") == "" {
			hint = " (quote it in YAML: an unquoted number loses its leading zeros)"
		}
		p.add(field+".id", a.ID, "is not a 12-digit AWS account id%s", hint)
	}
	if a.Profile != "" && a.RoleARN != "" {
		p.add(field, "", "sets both profile %q and roleArn %q; choose one", a.Profile, a.RoleARN)
	}
	if len(a.Profile) > profileMaxLength || strings.ContainsAny(a.Profile, " \t\n[]") {
		p.add(field+".profile", a.Profile, "is not a valid AWS profile name")
	}
	if a.RoleARN != "" {
		m := roleARNPattern.FindStringSubmatch(a.RoleARN)
		switch {
		case m == nil:
			p.add(field+".roleArn", a.RoleARN, "is not an IAM role ARN like arn:aws:iam::111111111111:role/peerctl-deployer")
		case a.ID != "" && m[1] != a.ID:
			p.add(field+".roleArn", a.RoleARN, "is in account %s, but %s.id says %s", m[1], field, a.ID)
		}
	}
	if a.RoleARN == "" && (a.SessionName != "" || a.ExternalID != "") {
		p.add(field, "", "sets sessionName or externalId without roleArn")
	}
	if a.SessionName != "" && !sessionNamePattern.MatchString(a.SessionName) {
		p.add(field+".sessionName", a.SessionName, "must be 2-64 letters, digits or =,.@-_ characters")
	}
	if a.ExternalID != "" && (len(a.ExternalID) > 1224 || !externalIDPattern.MatchString(a.ExternalID)) {
		p.add(field+".externalId", a.ExternalID, "must be 2-1224 letters, digits or =,.@:/-_ characters")
	}
}

// validateAccountSet checks what involves the accounts of more than one
// network.
func validateAccountSet(field string, nets []Network, p *problems) {}
