package deploy

import (
	"context"
	"io"

	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optrefresh"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
)

// Each operation takes the one auto.Stack method it drives.
type (
	Previewer interface {
		Preview(ctx context.Context, opts ...optpreview.Option) (auto.PreviewResult, error)
	}
	Updater interface {
		Up(ctx context.Context, opts ...optup.Option) (auto.UpResult, error)
	}
	Destroyer interface {
		Destroy(ctx context.Context, opts ...optdestroy.Option) (auto.DestroyResult, error)
	}
	Refresher interface {
		Refresh(ctx context.Context, opts ...optrefresh.Option) (auto.RefreshResult, error)
	}
)

// Preview runs a preview, printing one line per planned operation to w.
func Preview(ctx context.Context, e Previewer, w io.Writer) (Progress, auto.PreviewResult, error) {
	var res auto.PreviewResult
	p, err := Stream(w, Progress{Preview: true}, func(ch chan<- events.EngineEvent) error {
		var err error
		res, err = e.Preview(ctx, optpreview.EventStreams(ch))
		return err
	})
	return p, res, err
}

// Up applies the program. total is the number of operations a preview
// announced (0 if unknown).
func Up(ctx context.Context, e Updater, w io.Writer, total int) (Progress, auto.UpResult, error) {
	var res auto.UpResult
	p, err := Stream(w, Progress{Total: total}, func(ch chan<- events.EngineEvent) error {
		var err error
		res, err = e.Up(ctx, optup.EventStreams(ch))
		return err
	})
	return p, res, err
}

// Destroy deletes every resource of the stack.
func Destroy(ctx context.Context, e Destroyer, w io.Writer, total int) (Progress, error) {
	return Stream(w, Progress{Total: total}, func(ch chan<- events.EngineEvent) error {
		_, err := e.Destroy(ctx, optdestroy.EventStreams(ch))
		return err
	})
}

// Refresh reads every resource of the stack back from AWS into the state.
func Refresh(ctx context.Context, e Refresher, w io.Writer, total int) (Progress, error) {
	return Stream(w, Progress{Total: total}, func(ch chan<- events.EngineEvent) error {
		_, err := e.Refresh(ctx, optrefresh.EventStreams(ch))
		return err
	})
}
