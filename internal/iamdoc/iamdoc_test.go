package iamdoc

import (
	"testing"
)

func TestJSONIsDeterministicAndParsesBack(t *testing.T) {
	d := New(
		TLSOnly("arn:aws:s3:::b", "arn:aws:s3:::b/*"),
		Statement{
			Sid:       "Write",
			Effect:    Allow,
			Principal: Services("delivery.logs.amazonaws.com"),
			Action:    []string{"s3:PutObject"},
			Resource:  []string{"arn:aws:s3:::b/AWSLogs/111111111111/*"},
			Condition: Conditions{
				"StringEquals": {"s3:x-amz-acl": {"bucket-owner-full-control"}, "aws:SourceAccount": {"111111111111"}},
				"ArnLike":      {"aws:SourceArn": {"arn:aws:logs:us-east-1:111111111111:*"}},
			},
		},
	)
	want := `{"Version":"2012-10-17","Statement":[` +
		`{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":["s3:*"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":["false"]}}},` +
		`{"Sid":"Write","Effect":"Allow","Principal":{"Service":["delivery.logs.amazonaws.com"]},"Action":["s3:PutObject"],"Resource":["arn:aws:s3:::b/AWSLogs/111111111111/*"],` +
		`"Condition":{"ArnLike":{"aws:SourceArn":["arn:aws:logs:us-east-1:111111111111:*"]},"StringEquals":{"aws:SourceAccount":["111111111111"],"s3:x-amz-acl":["bucket-owner-full-control"]}}}]}`
	for i := 0; i < 5; i++ {
		got := d.MustJSON()
		if got != want {
			t.Fatalf("JSON =\n%s\nwant\n%s", got, want)
		}
	}
	p, err := Parse(want)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Statement[0].Principal.Anyone || p.Statement[1].Principal.Service[0] != "delivery.logs.amazonaws.com" {
		t.Errorf("principals not read back: %+v", p.Statement)
	}
	if got := p.Statement[1].ConditionValues("StringEquals", "AWS:SourceAccount"); len(got) != 1 || got[0] != "111111111111" {
		t.Errorf("ConditionValues is not case-insensitive: %v", got)
	}
}

func TestParseAcceptsSingleValues(t *testing.T) {
	p, err := Parse(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":{"AWS":"111111111111"}}}`)
	if err == nil {
		t.Fatalf("a single statement object should not parse into a list: %+v", p)
	}
	p, err = Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":{"AWS":"111111111111"}}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if s := p.Statement[0]; len(s.Action) != 1 || s.Resource[0] != "*" || s.Principal.AWS[0] != "111111111111" {
		t.Errorf("single values not read as lists: %+v", s)
	}
	if _, err := Parse(`{"Version":"2008-10-17","Statement":[]}`); err == nil {
		t.Error("old policy version accepted")
	}
}

func TestPartition(t *testing.T) {
	tests := []struct{ region, want string }{
		{"us-east-1", "aws"},
		{"eu-central-2", "aws"},
		{"cn-north-1", "aws-cn"},
		{"us-gov-west-1", "aws-us-gov"},
		{"us-gov-east-1", "aws-us-gov"},
		{"cn-northwest-1", "aws-cn"},
		{"us-iso-east-1", "aws-iso"},
		{"us-isob-east-1", "aws-iso-b"},
		{"eu-isoe-west-1", "aws-iso-e"},
		{"us-isof-south-1", "aws-iso-f"},
		{"eusc-de-east-1", "aws-eusc"},
	}
	for _, tt := range tests {
		if got := Partition(tt.region); got != tt.want {
			t.Errorf("Partition(%q) = %q, want %q", tt.region, got, tt.want)
		}
	}
}
