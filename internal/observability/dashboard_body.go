package observability

import (
	"encoding/json"
	"fmt"

	"github.com/peerctl/peerctl/internal/names"
)

// Dashboard body JSON (CloudWatch dashboard body structure), built from
// structs so the same dashboard always has the same body.
type dashboardBody struct {
	Widgets []widget `json:"widgets"`
}

type widget struct {
	Type       string `json:"type"`
	X          int    `json:"x"`
	Y          int    `json:"y"`
	Width      int    `json:"width"`
	Height     int    `json:"height"`
	Properties any    `json:"properties"`
}

type textProperties struct {
	Markdown string `json:"markdown"`
}

type metricProperties struct {
	Title       string       `json:"title"`
	View        string       `json:"view"`
	Stacked     bool         `json:"stacked"`
	Region      string       `json:"region"`
	Stat        string       `json:"stat"`
	Period      int          `json:"period"`
	Metrics     [][]any      `json:"metrics"`
	Annotations *annotations `json:"annotations,omitempty"`
	YAxis       yAxis        `json:"yAxis"`
}

// metricOptions are the rendering properties of one metric line.
type metricOptions struct {
	Label     string `json:"label"`
	AccountID string `json:"accountId,omitempty"`
}

type annotations struct {
	Horizontal []annotation `json:"horizontal"`
}

type annotation struct {
	Label string  `json:"label"`
	Value float64 `json:"value"`
}

type yAxis struct {
	Left axis `json:"left"`
}

type axis struct {
	Min float64 `json:"min"`
}

type alarmProperties struct {
	Title  string   `json:"title"`
	Alarms []string `json:"alarms"`
	SortBy string   `json:"sortBy"`
}

// renderDashboard renders a dashboard: a header, then one row per network
// with its bytes to and from each peer, the packets its peers had rejected
// (both with the alarm threshold drawn), and its alarms' states.
func renderDashboard(env string, panels []panel, alarmARNs [][]string, note string) (string, error) {
	header := fmt.Sprintf("# VPC peering (%s)\n"+
		"Traffic between peered networks, from each network's VPC flow log (CloudWatch Logs metric filters in namespace `%s`). "+
		"Near-real-time: flow-log records arrive 1-10 minutes after the traffic. Bytes are accepted flows; rejects are packets "+
		"the receiving network's security groups or NACLs dropped. Alarms fire on a 5-minute sum above the line drawn on each graph.",
		env, Namespace)
	if note != "" {
		header += "\n\n" + note
	}
	body := dashboardBody{Widgets: []widget{{Type: "text", X: 0, Y: 0, Width: 24, Height: 3, Properties: textProperties{Markdown: header}}}}
	y := 3
	for i, p := range panels {
		if len(p.metrics) == 0 {
			continue // a network without peers has nothing to show
		}
		where := ""
		if p.accountID != "" {
			where = fmt.Sprintf(" (account %s)", p.accountID)
		}
		var traffic, rejects [][]any
		for _, m := range p.metrics {
			line := []any{Namespace, m.Name, metricOptions{Label: m.Label, AccountID: p.accountID}}
			if m.Action == "REJECT" {
				rejects = append(rejects, line)
			} else {
				traffic = append(traffic, line)
			}
		}
		var trafficLimit, rejectLimit float64
		for _, s := range p.specs {
			if s.Metric.Action == "REJECT" {
				rejectLimit = s.Threshold
			} else {
				trafficLimit = s.Threshold
			}
		}
		graph := func(title string, metrics [][]any, limit float64) metricProperties {
			return metricProperties{
				Title: title, View: "timeSeries", Region: p.region, Stat: "Sum", Period: MetricPeriod,
				Metrics:     metrics,
				Annotations: &annotations{Horizontal: []annotation{{Label: "alarm threshold", Value: limit}}},
			}
		}
		body.Widgets = append(body.Widgets,
			widget{Type: "metric", X: 0, Y: y, Width: 9, Height: 6,
				Properties: graph(fmt.Sprintf("%s%s: bytes to and from peers (5-min sum)", p.network, where), traffic, trafficLimit)},
			widget{Type: "metric", X: 9, Y: y, Width: 9, Height: 6,
				Properties: graph(fmt.Sprintf("%s%s: packets from peers rejected (5-min sum)", p.network, where), rejects, rejectLimit)},
		)
		if len(alarmARNs[i]) > 0 {
			body.Widgets = append(body.Widgets, widget{Type: "alarm", X: 18, Y: y, Width: 6, Height: 6,
				Properties: alarmProperties{Title: p.network + " alarms", Alarms: alarmARNs[i], SortBy: "stateUpdatedTimestamp"}})
		} else {
			body.Widgets = append(body.Widgets, widget{Type: "text", X: 18, Y: y, Width: 6, Height: 6,
				Properties: textProperties{Markdown: fmt.Sprintf("**%s alarms** are in account %s: see `%s` there. "+
					"The lines on the graphs are their thresholds.", p.network, p.accountID, names.AccountDashboard(p.accountName, env, p.region))}})
		}
		y += 6
	}
	out, err := json.Marshal(body)
	if err != nil {
		return "", fmt.Errorf("dashboard body: %w", err)
	}
	return string(out), nil
}
