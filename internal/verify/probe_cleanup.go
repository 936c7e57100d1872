package verify

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/smithy-go"
	smithytime "github.com/aws/smithy-go/time"
)

// Kinds of probe resources, as the cleanup names them.
const (
	kindENI      = "network interface"
	kindPath     = "network insights path"
	kindAnalysis = "network insights analysis"
)

func eniItem(s *probeSide, id string, found bool) cleanupItem {
	api := s.clients.ENIs
	return cleanupItem{kind: kindENI, id: id, network: s.net.Name, found: found, del: func(ctx context.Context) error {
		_, err := api.DeleteNetworkInterface(ctx, &ec2.DeleteNetworkInterfaceInput{NetworkInterfaceId: aws.String(id)})
		return err
	}}
}

func pathItem(s *probeSide, id string, found bool) cleanupItem {
	api := s.clients.Paths
	return cleanupItem{kind: kindPath, id: id, network: s.net.Name, found: found, del: func(ctx context.Context) error {
		_, err := api.DeleteNetworkInsightsPath(ctx, &ec2.DeleteNetworkInsightsPathInput{NetworkInsightsPathId: aws.String(id)})
		return err
	}}
}

func analysisItem(s *probeSide, id, path string, found bool) cleanupItem {
	api := s.clients.Analyses
	return cleanupItem{kind: kindAnalysis, id: id, parent: path, network: s.net.Name, found: found, del: func(ctx context.Context) error {
		_, err := api.DeleteNetworkInsightsAnalysis(ctx, &ec2.DeleteNetworkInsightsAnalysisInput{NetworkInsightsAnalysisId: aws.String(id)})
		return err
	}}
}

// cleanup holds what the probe created and deletes it: one pass over
// everything, newest first (an analysis before its path), each call with its
// own timeout, then retry passes over only the deletions AWS refused for the
// moment, until they succeed or the retry time is up. A path waits for its
// analyses; network interfaces wait for nothing, so they go even when an
// analysis or a path cannot.
type cleanup struct {
	mu        sync.Mutex
	items     []*cleanupItem
	uncertain bool

	callTimeout time.Duration
	retryFor    time.Duration
	retryDelay  time.Duration
}

type cleanupItem struct {
	kind    string
	id      string
	network string
	// parent is the path an analysis belongs to: the path is deleted after.
	parent string
	// found: registered by the sweep, not by the create call.
	found bool
	del   func(context.Context) error

	state itemState
	err   error
}

type itemState int

const (
	itemPending itemState = iota
	itemDeleted
	itemFailed
)

func (it *cleanupItem) what() string { return fmt.Sprintf("%s %s (%s)", it.kind, it.id, it.network) }

// add registers an item unless one with its id is registered already. An
// item the sweep finds again after its deletion is deleted again.
func (c *cleanup) add(it cleanupItem) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, o := range c.items {
		if o.id == it.id {
			if it.found && o.state == itemDeleted {
				o.state = itemPending
			}
			return
		}
	}
	c.items = append(c.items, &it)
}

// keys lists the ids of the registered items of a kind in a network.
func (c *cleanup) keys(kind, network string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, it := range c.items {
		if it.kind == kind && it.network == network {
			out = append(out, it.id)
		}
	}
	return out
}

// createFailed notes a failed create call. An API error means AWS refused
// it; anything else (a timeout, a lost connection) may have come after AWS
// created the resource.
func (c *cleanup) createFailed(err error) {
	var apiErr smithy.APIError
	if err != nil && errors.As(err, &apiErr) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.uncertain = true
}

func (c *cleanup) uncertainCreate() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.uncertain
}

// notFound are the codes of a resource that is already gone.
var notFound = []string{
	"InvalidNetworkInterfaceID.NotFound", "InvalidNetworkInsightsPathId.NotFound",
	"InvalidNetworkInsightsAnalysisId.NotFound",
}

// busy are the codes of a deletion to try again shortly.
var busy = []string{"IncorrectState", "InvalidNetworkInterface.InUse", "DependencyViolation", "ResourceInUse"}

// deleteAll deletes the pending items: one pass over all of them, then
// passes over those AWS refused for the moment, until the retry time is up;
// what is still refused then is given up on.
func (c *cleanup) deleteAll(ctx context.Context) {
	c.mu.Lock()
	items := make([]*cleanupItem, 0, len(c.items))
	for i := len(c.items) - 1; i >= 0; i-- {
		items = append(items, c.items[i])
	}
	c.mu.Unlock()

	var pending []*cleanupItem
	for _, it := range items {
		if it.state == itemPending {
			pending = append(pending, it)
		}
	}
	deadline := time.Now().Add(c.retryFor)
	for pass := 0; len(pending) > 0; pass++ {
		if pass > 0 {
			if !time.Now().Before(deadline) {
				break
			}
			if err := smithytime.SleepWithContext(ctx, c.retryDelay); err != nil {
				break
			}
		}
		var again []*cleanupItem
		for _, it := range pending {
			if child := pendingChild(items, it); child != nil {
				it.err = fmt.Errorf("waits for %s %s to be deleted first", child.kind, child.id)
				again = append(again, it)
				continue
			}
			cctx, cancel := context.WithTimeout(ctx, c.callTimeout)
			err := it.del(cctx)
			cancel()
			switch {
			case err == nil || hasCode(err, notFound...):
				it.state, it.err = itemDeleted, nil
			case hasCode(err, busy...) || ctxErr(err):
				it.err = err
				again = append(again, it)
			default:
				it.state, it.err = itemFailed, err
			}
		}
		pending = again
	}
	for _, it := range pending {
		it.state = itemFailed
	}
}

// report returns how many items were deleted, how many of those the sweep
// found, and what is left with why, newest first.
func (c *cleanup) report() (deleted, found int, left []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := len(c.items) - 1; i >= 0; i-- {
		it := c.items[i]
		switch {
		case it.state == itemDeleted:
			deleted++
			if it.found {
				found++
			}
		case it.err != nil:
			left = append(left, fmt.Sprintf("%s: %s", it.what(), apiReason("delete", it.err)))
		default:
			left = append(left, it.what()+": not deleted")
		}
	}
	return deleted, found, left
}

// pendingChild returns an analysis of path it that is not deleted or given
// up on yet.
func pendingChild(items []*cleanupItem, it *cleanupItem) *cleanupItem {
	for _, o := range items {
		if o.parent == it.id && o.state == itemPending {
			return o
		}
	}
	return nil
}
