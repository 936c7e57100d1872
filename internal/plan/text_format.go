package plan

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// view is one resource as the attribute formatters see it: its inputs and
// the plan around it, to name the resources its ids point at.
type view struct {
	r    Resource
	byID map[string]Resource
	doc  *Document
}

// get returns the input at a path of keys ("rule", "objectOwnership").
func (v view) get(path ...string) any {
	var cur any = v.r.Inputs
	for _, k := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

func (v view) str(path ...string) string { return scalar(v.get(path...)) }

// name turns a placeholder id into the name of the resource it belongs to:
// "vpc-d58c27271d61d48c2" means nothing to a reviewer, "trading-vpc" does.
// Ids of nothing in the plan (an existing VPC, say) stay as they are.
func (v view) name(id any) string {
	s := scalar(id)
	if r, ok := v.byID[s]; ok {
		return r.Name
	}
	return s
}

// accountID is the AWS account id of an account label, from the plan's
// accountIds output ("" when unknown).
func (d *Document) accountID(account string) string {
	ids, _ := d.Outputs["accountIds"].(map[string]any)
	id, _ := ids[account].(string)
	return id
}

// scalar renders a plain input value: numbers without exponent, lists
// joined by commas, objects as sorted key=value pairs.
func scalar(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			parts = append(parts, scalar(e))
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		keys := sortedKeys(v)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + scalar(v[k])
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// items returns a list input as a slice of objects.
func items(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// one returns its argument as a one-value list, or nil when it is empty,
// so that an attribute without a value is left out.
func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), sep)
}

// protocolName names IP protocol numbers the way AWS consoles do.
func protocolName(p any) string {
	switch s := scalar(p); s {
	case "-1", "all":
		return "all"
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "1":
		return "icmp"
	default:
		return s
	}
}

// portRange is "443", "1024-65535", or "" for all ports of all protocols.
func portRange(protocol string, from, to any) string {
	f, t := scalar(from), scalar(to)
	switch {
	case protocol == "all" || f == "" && t == "":
		return ""
	case f == t || t == "":
		return f
	}
	return f + "-" + t
}

// onOff renders a boolean input as on/off, "" when absent.
func onOff(v any) string {
	switch v {
	case true:
		return "on"
	case false:
		return "off"
	}
	return ""
}

// days renders a number of days, "" when absent.
func days(v any) string {
	if s := scalar(v); s != "" {
		if s == "1" {
			return "1 day"
		}
		return s + " days"
	}
	return ""
}
