# METADATA
# title: Helpers for peerctl policies
# description: |
#   Indexes and accessors over the plan document (input) shared by the
#   baseline and available to user policies (import data.peerctl.lib).
#   This package defines no deny_/warn_ rules.
package peerctl.lib

import rego.v1

# plan is the input when it is an object, {} otherwise (no input at all).
plan := input if {
	is_object(input)
} else := {}

# resources is the plan's resource list; [] when the input has none.
resources := object.get(plan, "resources", [])

# by_type[t] is the set of resources of type t. (A comprehension, not a
# "by_type[t] contains r" rule: OPA checks every new key of such a rule
# against all the previous ones, which is quadratic in the plan's size.)
by_type := {t: {r | some r in resources; r.type == t} | some t in {r.type | some r in resources}}

# of_type(t) is the set of resources of type t, empty when there are none.
of_type(t) := object.get(by_type, t, set())

# with_id(id, t) is the set of resources of type t whose (placeholder) id is
# id. Ids are not unique across types: a VpcPeeringConnectionAccepter and
# the PeeringConnectionOptions share their connection's id, as in the real
# provider.
with_id(id, t) := {r | some r in of_type(t); r.id == id}

# prop(r, path) is r.inputs at path (an array of keys), null when absent.
prop(r, path) := object.get(object.get(r, "inputs", {}), path, null)

# str(x) is x when it is a non-empty string; undefined otherwise.
str(x) := x if {
	is_string(x)
	x != ""
}

# truthy(x) holds for true and "true" (providers may send inputs as strings).
truthy(x) if x == true

truthy(x) if x == "true"

# num(x) is x as a number, accepting numbers and numeric strings.
num(x) := x if is_number(x)

num(x) := to_number(x) if {
	is_string(x)
	regex.match(`^-?[0-9]+(\.[0-9]+)?$`, x)
}

# as_array(x) turns a value that may be a single item, an array, a set or
# null into an array.
as_array(x) := [] if x == null

as_array(x) := x if is_array(x)

as_array(x) := [y | some y in x] if is_set(x)

as_array(x) := [x] if {
	not is_array(x)
	not is_set(x)
	x != null
}

# doc(v) decodes v when it is a JSON string, or returns it when it is already
# an object; undefined otherwise. Pulumi sends policy documents and, in some
# versions, provider inputs such as defaultTags as JSON strings.
doc(v) := json.unmarshal(v) if {
	is_string(v)
	json.is_valid(v)
}

doc(v) := v if is_object(v)

# short_type("aws:ec2/vpc:Vpc") is "Vpc".
short_type(t) := parts[count(parts) - 1] if {
	parts := split(t, ":")
} else := t

# label(r) names a resource in messages: Vpc "trading-vpc".
label(r) := sprintf("%s %q", [short_type(object.get(r, "type", "")), object.get(r, "name", "")])

# finding(r, msg) is the object every baseline rule produces.
finding(r, msg) := {
	"urn": object.get(r, "urn", ""),
	"account": object.get(r, "account", ""),
	"msg": msg,
}

# providers_by_ref maps each way a resource may reference an aws provider,
# "urn" or "urn::id" (as Pulumi writes it), to the provider.
providers_by_ref := {ref: p |
	some p in of_type("pulumi:providers:aws")
	some ref in provider_refs(p)
}

provider_refs(p) := {p.urn, concat("::", [p.urn, p.id])} if is_string(p.id)

provider_refs(p) := {p.urn} if not is_string(p.id)

providers_by_name := {p.name: p | some p in of_type("pulumi:providers:aws")}

# provider_of(r) is the aws provider resource that creates r: the one its
# provider reference names, else the one named after r's account.
provider_of(r) := p if {
	p := providers_by_ref[r.provider]
} else := p if {
	p := providers_by_name[r.account]
}

# region_of(r) is the region of r's provider, else the plan's region.
region_of(r) := reg if {
	reg := str(prop(provider_of(r), ["region"]))
} else := object.get(plan, "region", "")

# default_tags(p) is the tags map of provider p's defaultTags, which may be an
# object or a JSON string; {} when there are none.
default_tags(p) := tags if {
	dt := doc(prop(p, ["defaultTags"]))
	tags := doc(object.get(dt, "tags", {}))
} else := {}

# resource_tags(r) is r's own tags map, {} when it has none.
resource_tags(r) := tags if {
	tags := doc(prop(r, ["tags"]))
} else := {}

# provider_default_tags[urn] is default_tags of the provider with that urn.
provider_default_tags := {p.urn: default_tags(p) | some p in of_type("pulumi:providers:aws")}

# effective_tags(r) is what AWS ends up with: the provider's default tags
# overridden by the resource's tags.
effective_tags(r) := object.union(defaults, resource_tags(r)) if {
	defaults := provider_default_tags[provider_of(r).urn]
} else := resource_tags(r)

# account_id(net) is the account id the provider of network net is pinned to
# (allowedAccountIds with one entry); undefined when the plan cannot tell.
account_id(net) := ids[0] if {
	ids := as_array(prop(providers_by_name[net], ["allowedAccountIds"]))
	count(ids) == 1
}

# credentials(net) identifies how network net's provider reaches AWS: its
# profile and assumed role ("" when unset; both "" is the default chain).
credentials(net) := [or_empty(prop(p, ["profile"])), or_empty(object.get(assume_role(p), "roleArn", ""))] if {
	p := providers_by_name[net]
}

assume_role(p) := r if {
	r := doc(prop(p, ["assumeRole"]))
} else := {}

or_empty(x) := x if {
	is_string(x)
} else := ""

# same_account(a, b) holds when networks a and b provably share an AWS
# account, as peerctl's configuration decides it: pinned account ids decide
# when both are known; otherwise only identical credentials count.
same_account(a, b) if a == b

same_account(a, b) if {
	a != b
	account_id(a) == account_id(b)
}

same_account(a, b) if {
	a != b
	not both_pinned(a, b)
	credentials(a) == credentials(b)
}

both_pinned(a, b) if {
	account_id(a)
	account_id(b)
}

# networks is the plan's network summary list (name, region, cidr, account,
# existing); [] for plans made before issue 12.
networks := object.get(plan, "networks", [])

# peerings is the plan's peering summary list (name, mode, requester,
# accepter, crossRegion, partner).
peerings := object.get(plan, "peerings", [])

# network_summary[name] is the summary of the configured network name.
network_summary := {n.name: n | some n in networks}

# existing_networks[name] is the existing-VPC summary of an existing network.
existing_networks := {n.name: n.existing | some n in networks; is_object(object.get(n, "existing", null))}

# one_sided is the set of peering summaries that name a partner.
one_sided := {p | some p in peerings; is_object(object.get(p, "partner", null))}

# ours(p) is the configured network of a one-sided peering summary.
ours(p) := p.accepter if p.mode == "accepter-only"

ours(p) := p.requester if p.mode == "requester-only"

# on_network(r, name) holds when r is created with network name's provider
# (peerctl names each network's provider after the network).
on_network(r, name) if provider_of(r).name == name

on_network(r, name) if {
	not provider_of(r)
	r.account == name
}

# peering_resources(name) is the set of resources the peering component
# name registers (their parent is peerctl:peering:Peering::<name>).
peering_resources(name) := {r |
	some r in resources
	endswith(object.get(r, "parent", ""), concat("::", ["peerctl:peering:Peering", name]))
}

# component_urn(t, name) is the URN of the component of type t named name
# (peerctl:peering:Peering, peerctl:network:Network), "" when the plan has
# none. Findings about a peering or network as a whole carry it, so an
# exception can name it.
component_urn(t, name) := r.urn if {
	some r in of_type(t)
	r.name == name
} else := ""

# summary_finding(t, name, account, msg) is a finding about the component
# of type t named name rather than one resource.
summary_finding(t, name, account, msg) := {"urn": component_urn(t, name), "account": account, "msg": msg}
