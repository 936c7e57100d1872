package plan

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Formatters of logging, alarm, IAM, S3 and AWS Config attributes.

func seconds(key string) func(view) []string {
	return unit(key, "s")
}

// unit shows a number input followed by its unit.
func unit(key, unit string) func(view) []string {
	return func(v view) []string {
		if s := v.str(key); s != "" {
			return []string{s + " " + unit}
		}
		return nil
	}
}

// valueOf shows what a metric filter publishes ("= $bytes"), "" if nothing.
func valueOf(s string) string { return prefixed("= ", s) }

func flowLogFormat(v view) []string {
	opts, _ := v.get("destinationOptions").(map[string]any)
	if opts == nil {
		return nil
	}
	parts := []string{scalar(opts["fileFormat"])}
	if opts["hiveCompatiblePartitions"] == true {
		parts = append(parts, "Hive-compatible partitions")
	}
	if opts["perHourPartition"] == true {
		parts = append(parts, "hourly partitions")
	}
	return one(joinNonEmpty(", ", parts...))
}

var comparisons = map[string]string{
	"GreaterThanThreshold": ">", "GreaterThanOrEqualToThreshold": ">=",
	"LessThanThreshold": "<", "LessThanOrEqualToThreshold": "<=",
}

// alarmThreshold reads an alarm as a sentence: "Sum > 1000 per 300 s, in
// 1 of 3 periods".
func alarmThreshold(v view) []string {
	if v.get("threshold") == nil {
		return nil
	}
	op := comparisons[v.str("comparisonOperator")]
	if op == "" {
		op = v.str("comparisonOperator")
	}
	s := joinNonEmpty(" ", v.str("statistic"), op, v.str("threshold"))
	if p := v.str("period"); p != "" {
		s += " per " + p + " s"
	}
	if n := v.str("evaluationPeriods"); n != "" {
		m := v.str("datapointsToAlarm")
		if m == "" {
			m = n
		}
		s += ", in " + m + " of " + n + " periods"
	}
	return []string{s}
}

// principals lists whom a trust policy lets assume the role.
func principals(policy any) string {
	var out []string
	for _, st := range items(asMap(policy)["Statement"]) {
		if st["Effect"] == "Allow" {
			out = appendUnique(out, principalNames(st["Principal"])...)
		}
	}
	return strings.Join(out, ", ")
}

func principalNames(p any) []string {
	switch p := p.(type) {
	case string:
		return []string{p}
	case map[string]any:
		var out []string
		for _, kind := range []string{"Service", "AWS", "Federated", "CanonicalUser"} {
			out = append(out, stringsOf(p[kind])...)
		}
		return out
	}
	return nil
}

// maxActions is how many actions a policy statement lists by name; a
// longer list (a key administrator's) shows its count, the full list is
// in --json.
const maxActions = 5

// statements renders each statement of a policy input on its own line:
// effect, actions, principals, resources and conditions, which are what a
// reviewer checks. "Allow s3:PutObject for delivery.logs.amazonaws.com on
// arn:aws:s3:::b/AWSLogs/* if s3:x-amz-acl=bucket-owner-full-control".
func statements(key string) func(view) []string {
	return func(v view) []string {
		var out []string
		for _, st := range items(asMap(v.get(key))["Statement"]) {
			actions := stringsOf(st["Action"])
			what := strings.Join(actions, ", ")
			if len(actions) > maxActions {
				what = fmt.Sprintf("%d actions", len(actions))
			}
			line := joinNonEmpty(" ", scalar(st["Effect"]), what,
				prefixed("for ", strings.Join(principalNames(st["Principal"]), ", ")),
				prefixed("on ", strings.Join(stringsOf(st["Resource"]), ", ")),
				prefixed("if ", conditions(st["Condition"])))
			out = append(out, line)
		}
		return out
	}
}

// conditions renders a policy Condition block as "key=value and ...",
// operators left out (the key and value say enough to review), in key order.
func conditions(c any) string {
	ops := asMap(c)
	var parts []string
	for _, op := range sortedKeys(ops) {
		keys := asMap(ops[op])
		for _, k := range sortedKeys(keys) {
			parts = append(parts, k+"="+strings.Join(stringsOf(keys[k]), "|"))
		}
	}
	return strings.Join(parts, " and ")
}

func lifecycleRules(v view) []string {
	var out []string
	for _, r := range items(v.get("rules")) {
		var parts []string
		if e := asMap(r["expiration"]); e != nil {
			if d := days(e["days"]); d != "" {
				parts = append(parts, "expire after "+d)
			}
			if e["expiredObjectDeleteMarker"] == true {
				parts = append(parts, "remove expired delete markers")
			}
		}
		for _, t := range items(r["transitions"]) {
			parts = append(parts, fmt.Sprintf("to %s after %s", scalar(t["storageClass"]), days(t["days"])))
		}
		if d := days(asMap(r["noncurrentVersionExpiration"])["noncurrentDays"]); d != "" {
			parts = append(parts, "old versions expire after "+d)
		}
		if d := days(asMap(r["abortIncompleteMultipartUpload"])["daysAfterInitiation"]); d != "" {
			parts = append(parts, "abort incomplete uploads after "+d)
		}
		if s := scalar(r["status"]); s != "" && s != "Enabled" {
			parts = append(parts, s)
		}
		out = append(out, joinNonEmpty(": ", scalar(r["id"]), strings.Join(parts, ", ")))
	}
	return out
}

var publicAccessBlocks = []string{"blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"}

// publicAccess is "blocked" when all four settings are on, else lists the
// ones that are off: those are what a reviewer must question.
func publicAccess(v view) []string {
	var off []string
	for _, k := range publicAccessBlocks {
		if v.get(k) != true {
			off = append(off, k)
		}
	}
	if len(off) == 0 {
		return []string{"blocked (all four settings on)"}
	}
	return []string{"NOT blocked: " + strings.Join(off, ", ") + " off"}
}

func bucketEncryption(v view) []string {
	var out []string
	for _, r := range items(v.get("rules")) {
		d := asMap(r["applyServerSideEncryptionByDefault"])
		s := joinNonEmpty(" ", scalar(d["sseAlgorithm"]), prefixed("key ", scalar(d["kmsMasterKeyId"])))
		if r["bucketKeyEnabled"] == true {
			s += ", bucket key"
		}
		out = append(out, s)
	}
	return out
}

func objectLockRetention(v view) []string {
	d := asMap(asMap(v.get("rule"))["defaultRetention"])
	if d == nil {
		return nil
	}
	period := days(d["days"])
	if y := scalar(d["years"]); y != "" {
		period = y + " years"
	}
	return one(joinNonEmpty(" ", scalar(d["mode"]), period))
}

// recordedTypes is what an AWS Config recorder records.
func recordedTypes(v view) []string {
	g := asMap(v.get("recordingGroup"))
	if g == nil || g["allSupported"] == true {
		return []string{"all supported resource types"}
	}
	return one(strings.Join(stringsOf(g["resourceTypes"]), ", "))
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// stringsOf reads a policy field that is one string or a list of them.
func stringsOf(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			out = append(out, scalar(e))
		}
		return out
	}
	return nil
}

func sortedKeys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

func appendUnique(list []string, items ...string) []string {
	for _, s := range items {
		if !slices.Contains(list, s) {
			list = append(list, s)
		}
	}
	return list
}
