package regions

// DataDate is when the table was taken from its sources (see the package
// documentation).
const DataDate = "2025-11"

// partitions, from botocore's partitions.json. Unsupported says why peerctl
// refuses a partition: the plan could not be checked against its service
// names and principals, and a wrong one fails only at deploy.
var partitions = []PartitionInfo{
	{ID: "aws", Name: "AWS commercial", DNSSuffix: "amazonaws.com",
		RegionPattern: `^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$`, AZIDsPublished: true, CrossAccountObservability: true},
	{ID: "aws-cn", Name: "AWS China", DNSSuffix: "amazonaws.com.cn",
		RegionPattern: `^cn\-\w+\-\d+$`,
		Unsupported:   "its gateway endpoint service names (cn.com.amazonaws.<region>.s3), service principals and managed policies differ from the aws partition's, and peerctl cannot check them offline"},
	{ID: "aws-us-gov", Name: "AWS GovCloud (US)", DNSSuffix: "amazonaws.com",
		RegionPattern: `^us\-gov\-\w+\-\d+$`, AZIDsPublished: true,
		// AWS GovCloud (US) user guide, "Amazon CloudWatch in AWS GovCloud
		// (US)": cross-account observability is not available.
		CrossAccountObservability: false},
	{ID: "aws-iso", Name: "AWS ISO (US)", DNSSuffix: "c2s.ic.gov",
		RegionPattern: `^us\-iso\-\w+\-\d+$`, Unsupported: isolatedUnsupported},
	{ID: "aws-iso-b", Name: "AWS ISOB (US)", DNSSuffix: "sc2s.sgov.gov",
		RegionPattern: `^us\-isob\-\w+\-\d+$`, Unsupported: isolatedUnsupported},
	{ID: "aws-iso-e", Name: "AWS ISOE (Europe)", DNSSuffix: "cloud.adc-e.uk",
		RegionPattern: `^eu\-isoe\-\w+\-\d+$`, Unsupported: isolatedUnsupported},
	{ID: "aws-iso-f", Name: "AWS ISOF (US)", DNSSuffix: "csp.hci.ic.gov",
		RegionPattern: `^us\-isof\-\w+\-\d+$`, Unsupported: isolatedUnsupported},
	{ID: "aws-eusc", Name: "AWS European Sovereign Cloud", DNSSuffix: "amazonaws.eu",
		RegionPattern: `^eusc\-(de)\-\w+\-\d+$`,
		Unsupported:   "its DNS suffix is amazonaws.eu, so service principals and endpoint names differ from the aws partition's, and peerctl cannot check them offline"},
}

const isolatedUnsupported = "it is an isolated partition whose service names, principals and service availability are not public, so peerctl cannot check a plan for it offline"

// table lists every region with its partition and AZ IDs.
var table = []RegionInfo{
	// aws: North America.
	{Name: "us-east-1", Partition: "aws", AZIDs: []string{"use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"}},
	{Name: "us-east-2", Partition: "aws", AZIDs: []string{"use2-az1", "use2-az2", "use2-az3"}},
	{Name: "us-west-1", Partition: "aws", AZIDs: []string{"usw1-az1", "usw1-az2", "usw1-az3"}},
	{Name: "us-west-2", Partition: "aws", AZIDs: []string{"usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"}},
	{Name: "ca-central-1", Partition: "aws", AZIDs: []string{"cac1-az1", "cac1-az2", "cac1-az4"}},
	{Name: "ca-west-1", Partition: "aws", AZIDs: []string{"caw1-az1", "caw1-az2", "caw1-az3"}},
	{Name: "mx-central-1", Partition: "aws", AZIDs: []string{"mxc1-az1", "mxc1-az2", "mxc1-az3"}},
	// aws: Africa.
	{Name: "af-south-1", Partition: "aws", AZIDs: []string{"afs1-az1", "afs1-az2", "afs1-az3"}},
	// aws: Asia Pacific.
	{Name: "ap-east-1", Partition: "aws", AZIDs: []string{"ape1-az1", "ape1-az2", "ape1-az3"}},
	{Name: "ap-east-2", Partition: "aws", AZIDs: []string{"ape2-az1", "ape2-az2", "ape2-az3"}},
	{Name: "ap-northeast-1", Partition: "aws", AZIDs: []string{"apne1-az1", "apne1-az2", "apne1-az3", "apne1-az4"}},
	{Name: "ap-northeast-2", Partition: "aws", AZIDs: []string{"apne2-az1", "apne2-az2", "apne2-az3", "apne2-az4"}},
	{Name: "ap-northeast-3", Partition: "aws", AZIDs: []string{"apne3-az1", "apne3-az2", "apne3-az3"}},
	{Name: "ap-south-1", Partition: "aws", AZIDs: []string{"aps1-az1", "aps1-az2", "aps1-az3"}},
	{Name: "ap-south-2", Partition: "aws", AZIDs: []string{"aps2-az1", "aps2-az2", "aps2-az3"}},
	{Name: "ap-southeast-1", Partition: "aws", AZIDs: []string{"apse1-az1", "apse1-az2", "apse1-az3"}},
	{Name: "ap-southeast-2", Partition: "aws", AZIDs: []string{"apse2-az1", "apse2-az2", "apse2-az3"}},
	{Name: "ap-southeast-3", Partition: "aws", AZIDs: []string{"apse3-az1", "apse3-az2", "apse3-az3"}},
	{Name: "ap-southeast-4", Partition: "aws", AZIDs: []string{"apse4-az1", "apse4-az2", "apse4-az3"}},
	{Name: "ap-southeast-5", Partition: "aws", AZIDs: []string{"apse5-az1", "apse5-az2", "apse5-az3"}},
	{Name: "ap-southeast-6", Partition: "aws", AZIDs: []string{"apse6-az1", "apse6-az2", "apse6-az3"}},
	{Name: "ap-southeast-7", Partition: "aws", AZIDs: []string{"apse7-az1", "apse7-az2", "apse7-az3"}},
	// aws: Europe.
	{Name: "eu-central-1", Partition: "aws", AZIDs: []string{"euc1-az1", "euc1-az2", "euc1-az3"}},
	{Name: "eu-central-2", Partition: "aws", AZIDs: []string{"euc2-az1", "euc2-az2", "euc2-az3"}},
	{Name: "eu-north-1", Partition: "aws", AZIDs: []string{"eun1-az1", "eun1-az2", "eun1-az3"}},
	{Name: "eu-south-1", Partition: "aws", AZIDs: []string{"eus1-az1", "eus1-az2", "eus1-az3"}},
	{Name: "eu-south-2", Partition: "aws", AZIDs: []string{"eus2-az1", "eus2-az2", "eus2-az3"}},
	{Name: "eu-west-1", Partition: "aws", AZIDs: []string{"euw1-az1", "euw1-az2", "euw1-az3"}},
	{Name: "eu-west-2", Partition: "aws", AZIDs: []string{"euw2-az1", "euw2-az2", "euw2-az3", "euw2-az4"}},
	{Name: "eu-west-3", Partition: "aws", AZIDs: []string{"euw3-az1", "euw3-az2", "euw3-az3"}},
	// aws: Middle East and Israel.
	{Name: "il-central-1", Partition: "aws", AZIDs: []string{"ilc1-az1", "ilc1-az2", "ilc1-az3"}},
	{Name: "me-central-1", Partition: "aws", AZIDs: []string{"mec1-az1", "mec1-az2", "mec1-az3"}},
	{Name: "me-south-1", Partition: "aws", AZIDs: []string{"mes1-az1", "mes1-az2", "mes1-az3"}},
	// aws: South America.
	{Name: "sa-east-1", Partition: "aws", AZIDs: []string{"sae1-az1", "sae1-az2", "sae1-az3"}},

	{Name: "us-gov-west-1", Partition: "aws-us-gov", AZIDs: []string{"usgw1-az1", "usgw1-az2", "usgw1-az3"}},
	{Name: "us-gov-east-1", Partition: "aws-us-gov", AZIDs: []string{"usge1-az1", "usge1-az2", "usge1-az3"}},

	// Partitions whose AZ IDs AWS does not publish in the sources above.
	{Name: "cn-north-1", Partition: "aws-cn"},
	{Name: "cn-northwest-1", Partition: "aws-cn"},
	{Name: "us-iso-east-1", Partition: "aws-iso"},
	{Name: "us-iso-west-1", Partition: "aws-iso"},
	{Name: "us-isob-east-1", Partition: "aws-iso-b"},
	{Name: "eu-isoe-west-1", Partition: "aws-iso-e"},
	{Name: "us-isof-east-1", Partition: "aws-iso-f"},
	{Name: "us-isof-south-1", Partition: "aws-iso-f"},
	{Name: "eusc-de-east-1", Partition: "aws-eusc"},
}
