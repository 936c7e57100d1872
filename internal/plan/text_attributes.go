package plan

// attribute is one line (or, for a list, a few lines) of a resource in the
// text plan: a label and how to read its value(s) from the inputs. A
// formatter returns nil when the resource has no such value, and the line
// is left out.
type attribute struct {
	label  string
	values func(view) []string
	// context marks an attribute that says what the resource is part of
	// (the bucket of a bucket's encryption settings): it is left out
	// under a component that shows the same value.
	context bool
}

// attributes chooses, per type token, what a reviewer reads about a
// resource, in order. The choice is a table rather than code per type: a
// new type is one row, and a type without a row shows its name only. What
// is left out (tags, policy texts in full, log formats) is in --json.
var attributes = map[string][]attribute{
	// Providers and components: what the configuration asked for.
	"pulumi:providers:aws": {
		input("region", "region"), input("allowed accounts", "allowedAccountIds"),
		{label: "credentials", values: providerCredentials}, input("default tags", "defaultTags", "tags"),
	},
	"peerctl:network:Network": {input("cidr", "cidr"), {label: "peers", values: keyValueLines("peers")}},
	"peerctl:peering:Peering": {input("requester", "requester"), input("accepter", "accepter"), input("mode", "mode")},
	"peerctl:observability:Dashboard": {
		input("mode", "mode"), input("monitoring account", "monitoringAccount"),
	},
	"peerctl:observability:FlowLogs": {{label: "aggregation", values: seconds("maxAggregationInterval")}},
	"peerctl:observability:LogBucket": {
		input("bucket", "bucket"), {label: "retention", values: func(v view) []string { return one(days(v.get("retentionDays"))) }},
		{label: "versioning", values: func(v view) []string { return one(onOff(v.get("versioning"))) }},
	},
	"peerctl:observability:PeerAlarms": {
		input("peers", "peers"), {label: "traffic threshold", values: unit("peerTrafficBytes", "bytes per 5 minutes")},
		{label: "rejects threshold", values: unit("rejectedPackets", "packets per 5 minutes")},
	},
	"peerctl:compliance:Compliance": {
		input("networks", "networks"),
		{label: "config recorder", values: func(v view) []string {
			switch v.get("createRecorder") {
			case true:
				return []string{"created by this stack"}
			case false:
				return []string{"the account's existing one"}
			}
			return nil
		}},
	},

	// Network.
	"aws:ec2/vpc:Vpc": {input("cidr", "cidrBlock"), {label: "dns", values: vpcDNS}},
	"aws:ec2/subnet:Subnet": {
		input("cidr", "cidrBlock"), input("az id", "availabilityZoneId"), input("az", "availabilityZone"),
		ref("vpc", "vpcId"), {label: "public ips", values: func(v view) []string { // only when on: the exception a reviewer must see
			if v.get("mapPublicIpOnLaunch") == true {
				return []string{"assigned on launch"}
			}
			return nil
		}},
	},
	"aws:ec2/routeTable:RouteTable":                       {ref("vpc", "vpcId")},
	"aws:ec2/routeTableAssociation:RouteTableAssociation": {ref("subnet", "subnetId"), ref("route table", "routeTableId")},
	"aws:ec2/route:Route":                                 {{label: "destination", values: routeDestination}, {label: "target", values: routeTarget}, ref("route table", "routeTableId")},
	"aws:ec2/defaultRouteTable:DefaultRouteTable":         {{label: "adopts", values: mainRouteTable}, {label: "routes", values: mainRoutes}},
	"aws:ec2/securityGroup:SecurityGroup": {
		input("name", "name"), ref("vpc", "vpcId"), {label: "ingress", values: inlineRules("ingress", "from", false)},
		{label: "egress", values: inlineRules("egress", "to", false)},
	},
	"aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": {
		ref("vpc", "vpcId"), {label: "ingress", values: inlineRules("ingress", "from", true)}, {label: "egress", values: inlineRules("egress", "to", true)},
	},
	"aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {{label: "rule", values: ruleResource("from")}, ref("security group", "securityGroupId")},
	"aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":   {{label: "rule", values: ruleResource("to")}, ref("security group", "securityGroupId")},
	"aws:ec2/networkAcl:NetworkAcl": {
		ref("vpc", "vpcId"), ref("subnets", "subnetIds"), {label: "ingress", values: naclEntries("ingress", "from", false)},
		{label: "egress", values: naclEntries("egress", "to", false)},
	},
	"aws:ec2/defaultNetworkAcl:DefaultNetworkAcl": {
		ref("subnets", "subnetIds"), {label: "ingress", values: naclEntries("ingress", "from", true)}, {label: "egress", values: naclEntries("egress", "to", true)},
	},
	"aws:ec2/vpcEndpoint:VpcEndpoint": {
		input("service", "serviceName"), input("type", "vpcEndpointType"), ref("vpc", "vpcId"),
		ref("route tables", "routeTableIds"), {label: "policy", values: statements("policy")},
	},

	// Peering.
	"aws:ec2/vpcPeeringConnection:VpcPeeringConnection": {
		{label: "requester", values: peeringRequester}, {label: "accepter", values: peeringAccepter}, input("auto accept", "autoAccept"),
	},
	"aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter": {
		ref("connection", "vpcPeeringConnectionId"), input("auto accept", "autoAccept"),
	},
	"aws:ec2/peeringConnectionOptions:PeeringConnectionOptions": {
		ref("connection", "vpcPeeringConnectionId"), {label: "requester side", values: dnsResolution("requester")},
		{label: "accepter side", values: dnsResolution("accepter")},
	},

	// Flow logs, metrics and alarms.
	"aws:ec2/flowLog:FlowLog": {
		ref("vpc", "vpcId"), ref("subnet", "subnetId"), input("traffic", "trafficType"),
		{label: "destination", values: func(v view) []string {
			return one(joinNonEmpty(" ", v.str("logDestinationType"), v.str("logDestination")))
		}},
		{label: "file format", values: flowLogFormat}, {label: "aggregation", values: seconds("maxAggregationInterval")},
		input("role", "iamRoleArn"), input("role", "deliverLogsPermissionArn"),
	},
	"aws:cloudwatch/logGroup:LogGroup": {
		input("name", "name"), {label: "retention", values: func(v view) []string {
			if d := days(v.get("retentionInDays")); d != "" && d != "0 days" {
				return []string{d}
			}
			return []string{"never expires"}
		}},
		input("class", "logGroupClass"), input("kms key", "kmsKeyId"),
	},
	"aws:cloudwatch/logMetricFilter:LogMetricFilter": {
		input("log group", "logGroupName"), {label: "metric", values: func(v view) []string {
			return one(joinNonEmpty(" ", v.str("metricTransformation", "namespace"), v.str("metricTransformation", "name"),
				valueOf(v.str("metricTransformation", "value"))))
		}},
		input("pattern", "pattern"),
	},
	"aws:cloudwatch/metricAlarm:MetricAlarm": {
		input("name", "name"), {label: "metric", values: func(v view) []string {
			return one(joinNonEmpty(" ", v.str("namespace"), v.str("metricName")))
		}},
		{label: "threshold", values: alarmThreshold}, input("missing data", "treatMissingData"), input("actions", "alarmActions"),
	},
	"aws:cloudwatch/dashboard:Dashboard": {input("name", "dashboardName")},
	"aws:sns/topic:Topic":                {input("name", "name"), input("encryption key", "kmsMasterKeyId")},
	"aws:sns/topicPolicy:TopicPolicy":    {input("topic", "arn"), {label: "policy", values: statements("policy")}},
	"aws:sns/topicSubscription:TopicSubscription": {
		input("topic", "topic"), input("protocol", "protocol"), input("endpoint", "endpoint"),
	},
	"aws:kms/key:Key": {
		input("description", "description"), {label: "rotation", values: func(v view) []string { return one(onOff(v.get("enableKeyRotation"))) }},
		{label: "deletion window", values: func(v view) []string { return one(days(v.get("deletionWindowInDays"))) }},
		{label: "policy", values: statements("policy")},
	},
	"aws:kms/alias:Alias": {input("name", "name"), ref("key", "targetKeyId")},

	// IAM.
	"aws:iam/role:Role": {
		input("name", "name"), {label: "trusts", values: func(v view) []string { return one(principals(v.get("assumeRolePolicy"))) }},
		input("managed policies", "managedPolicyArns"),
	},
	"aws:iam/rolePolicy:RolePolicy":                     {input("role", "role"), input("name", "name"), {label: "policy", values: statements("policy")}},
	"aws:iam/rolePolicyAttachment:RolePolicyAttachment": {input("role", "role"), input("policy", "policyArn")},

	// S3.
	"aws:s3/bucketV2:BucketV2": {
		input("bucket", "bucket"), input("force destroy", "forceDestroy"),
	},
	"aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2": {partOf("bucket", "bucket"), {label: "rules", values: lifecycleRules}},
	"aws:s3/bucketOwnershipControls:BucketOwnershipControls": {
		partOf("bucket", "bucket"), input("ownership", "rule", "objectOwnership"),
	},
	"aws:s3/bucketPolicy:BucketPolicy":                       {partOf("bucket", "bucket"), {label: "policy", values: statements("policy")}},
	"aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": {partOf("bucket", "bucket"), {label: "public access", values: publicAccess}},
	"aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": {
		partOf("bucket", "bucket"), {label: "encryption", values: bucketEncryption},
	},
	"aws:s3/bucketVersioningV2:BucketVersioningV2": {
		partOf("bucket", "bucket"), input("versioning", "versioningConfiguration", "status"),
		input("mfa delete", "versioningConfiguration", "mfaDelete"),
	},
	"aws:s3/bucketObjectLockConfigurationV2:BucketObjectLockConfigurationV2": {
		partOf("bucket", "bucket"), input("object lock", "objectLockEnabled"), {label: "default retention", values: objectLockRetention},
	},

	// AWS Config.
	"aws:cfg/recorder:Recorder":             {input("name", "name"), input("role", "roleArn"), {label: "records", values: recordedTypes}},
	"aws:cfg/recorderStatus:RecorderStatus": {input("recorder", "name"), input("enabled", "isEnabled")},
	"aws:cfg/deliveryChannel:DeliveryChannel": {
		input("name", "name"), input("bucket", "s3BucketName"), input("key prefix", "s3KeyPrefix"),
		input("frequency", "snapshotDeliveryProperties", "deliveryFrequency"),
	},
	"aws:cfg/rule:Rule": {
		input("name", "name"), {label: "identifier", values: func(v view) []string {
			return one(joinNonEmpty(" ", v.str("source", "owner"), v.str("source", "sourceIdentifier")))
		}},
		input("parameters", "inputParameters"),
	},
}

// input shows the value at a path of input keys as it is.
func input(label string, path ...string) attribute {
	return attribute{label: label, values: func(v view) []string { return one(v.str(path...)) }}
}

// partOf is an input naming what the resource is part of: see context.
func partOf(label string, path ...string) attribute {
	a := input(label, path...)
	a.context = true
	return a
}

// ref shows the resources an id (or list of ids) input points at, by name.
func ref(label, key string) attribute {
	return attribute{label: label, values: func(v view) []string {
		switch ids := v.get(key).(type) {
		case nil:
			return nil
		case []any:
			names := make([]string, len(ids))
			for i, id := range ids {
				names[i] = v.name(id)
			}
			return one(joinNonEmpty(", ", names...))
		default:
			return one(v.name(ids))
		}
	}}
}
