package config

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// emailMaxLength is the longest address SMTP carries (RFC 5321 path limit).
const emailMaxLength = 254

// validateEmails accepts single bare addresses (addr-spec, RFC 5322 as
// net/mail reads it): no display names or angle brackets, which SNS would
// take as part of the address, no invisible characters, each once ignoring
// case (mailboxes are not told apart by case in practice, and SNS would
// send two confirmations).
func validateEmails(field string, emails []string, p *problems) {
	for i, e := range emails {
		f := fmt.Sprintf("%s[%d]", field, i)
		if r, bad := invisibleRune(e); bad {
			p.add(f, e, "contains the invisible or control character %U; type the address again", r)
			continue
		}
		if len(e) > emailMaxLength {
			p.add(f, e, "is longer than %d characters, the most an e-mail address can have", emailMaxLength)
			continue
		}
		addr, err := mail.ParseAddress(e)
		switch {
		case err == nil && addr.Address != e && (addr.Name != "" || strings.ContainsAny(e, "<>")):
			p.add(f, e, "has a display name or angle brackets; give the bare address, like %s", addr.Address)
			continue
		case err != nil || addr.Address != e || !strings.Contains(e[strings.LastIndex(e, "@")+1:], "."):
			p.add(f, e, "is not an e-mail address like ops@example.com")
			continue
		}
		if j := slices.IndexFunc(emails[:i], func(o string) bool { return strings.EqualFold(o, e) }); j >= 0 {
			p.add(f, e, "is listed twice: %s[%d] is the same address (addresses are compared ignoring case)", field, j)
		}
	}
}

// invisibleRune finds a control or format character (such as a zero-width
// space), which makes an address look right and fail to deliver.
func invisibleRune(s string) (rune, bool) {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return r, true
		}
	}
	return 0, false
}
