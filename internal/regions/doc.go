// Package regions knows, offline, the AWS regions, the partition each is in
// and the AZ IDs each offers, so that `peerctl plan` can refuse a region or
// an AZ ID that does not exist, and build ARNs in the right partition,
// before anything reaches AWS.
//
// # Where the data comes from
//
// Regions and partitions (ids, DNS suffixes, region name patterns) are those
// of botocore's botocore/data/partitions.json (boto/botocore, commit
// c870f2c199fe36e2bed3afa8f8b5282a739cb711, the version listing
// ap-southeast-6 and the aws-eusc partition, late 2025), the same endpoint
// metadata every AWS SDK ships.
//
// AZ IDs of the aws partition are those of the AWS documentation page
// "AWS Availability Zones"
// (https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html,
// the version that mentions the November 2025 change of AZ name mapping),
// whose tables list every AZ ID per region. See also "AZ IDs"
// (https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html)
// and "Availability Zone IDs for your AWS resources" in the AWS RAM user
// guide. The GovCloud (US) AZ IDs (usgw1-az1..az3, usge1-az1..az3) follow
// the same scheme; AWS lists three Availability Zones in each GovCloud
// region. AZ IDs of the other partitions are not published there, so they
// are left empty; peerctl refuses those partitions anyway (see
// PartitionInfo.Unsupported).
//
// The table is a snapshot (DataDate). An account may be offered fewer AZ
// IDs than the table lists (AWS removes constrained zones from new
// accounts), which only DescribeAvailabilityZones with that account's
// credentials can tell; peerctl's pre-flight check asks it before a deploy.
//
// The package imports only the standard library, so that every other
// package (config, iamdoc, plan) may use it.
package regions
