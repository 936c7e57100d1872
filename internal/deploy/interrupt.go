package deploy

import (
	"context"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// interrupts counts the interrupts (Ctrl-C, SIGTERM) the process received
// since Interruptible. The Pulumi CLI runner (Command) reads it from the
// context to forward each press to the CLI: it is the only way a press
// reaches the CLI, which runs in a process group of its own.
type interrupts struct {
	mu    sync.Mutex
	count int
	// changed is closed and replaced at every interrupt.
	changed chan struct{}
}

func newInterrupts() *interrupts { return &interrupts{changed: make(chan struct{})} }

func (in *interrupts) add() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.count++
	close(in.changed)
	in.changed = make(chan struct{})
}

// snapshot returns the interrupts so far and a channel closed at the next
// one. A nil *interrupts (a context not from Interruptible) has none, and
// its channel never closes.
func (in *interrupts) snapshot() (int, <-chan struct{}) {
	if in == nil {
		return 0, nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.count, in.changed
}

type interruptsKey struct{}

func interruptsFrom(ctx context.Context) *interrupts {
	in, _ := ctx.Value(interruptsKey{}).(*interrupts)
	return in
}

// Interruptible returns ctx, cancelled on the first Ctrl-C or SIGTERM. The
// signals stay caught until the returned stop function runs, so peerctl
// is never killed by a press while it cleans up; the Pulumi CLI started by
// a Command under this context gets one SIGINT on the first press, a second
// SIGINT on the second, and is killed on the third (see Command). verify
// removes its probe resources when ctx is cancelled.
func Interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	if ctx == nil {
		ctx = context.Background()
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	return interruptible(ctx, sigs, func() { signal.Stop(sigs) })
}

// interruptible counts the signals arriving on sigs into the returned
// context and cancels it at the first; stopSignals ends the delivery.
func interruptible(parent context.Context, sigs <-chan os.Signal, stopSignals func()) (context.Context, context.CancelFunc) {
	in := newInterrupts()
	ctx, cancel := context.WithCancel(context.WithValue(parent, interruptsKey{}, in))
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-sigs:
				in.add() // counted before the cancellation is seen
				cancel()
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			stopSignals()
			close(done)
		})
		cancel()
	}
}
