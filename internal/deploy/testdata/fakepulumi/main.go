//go:build unix

// Command fakepulumi stands in for the Pulumi CLI in the tests of
// deploy.Command: it reports what it was started with and every signal it
// receives on stdout, one line each, and exits as FAKE_PULUMI_MODE says:
//
//	exit    exit at once with status FAKE_PULUMI_EXIT
//	stop1   exit 255 at the first SIGINT (a clean stop)
//	stop2   exit 255 at the second SIGINT (an immediate stop)
//	never   never exit on a signal (a hung CLI)
//
// A stop takes FAKE_PULUMI_STOP_DELAY (default 300ms: the operations in
// flight finishing), during which further signals are still reported.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	wd, _ := os.Getwd()
	pgid, _ := syscall.Getpgid(0)
	fmt.Printf("args %s\n", strings.Join(os.Args[1:], " "))
	fmt.Printf("dir %s\n", wd)
	fmt.Printf("env %s %s\n", os.Getenv("PULUMI_AUTOMATION_API"), os.Getenv("FAKE_PULUMI_EXTRA"))
	fmt.Printf("group %d %d\n", os.Getpid(), pgid)
	fmt.Fprintln(os.Stderr, "to stderr")
	mode := os.Getenv("FAKE_PULUMI_MODE")
	if mode == "exit" {
		code, _ := strconv.Atoi(os.Getenv("FAKE_PULUMI_EXIT"))
		os.Exit(code)
	}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	fmt.Println("ready")
	stopDelay := 300 * time.Millisecond
	if d, err := time.ParseDuration(os.Getenv("FAKE_PULUMI_STOP_DELAY")); err == nil {
		stopDelay = d
	}
	var stopped <-chan time.Time
	interrupts := 0
	timeout := time.After(2 * time.Minute) // never outlive a broken test
	for {
		select {
		case s := <-sigs:
			fmt.Printf("signal %s\n", s)
			if s == os.Interrupt {
				interrupts++
			}
			if stopped == nil && (mode == "stop1" && interrupts == 1 || mode == "stop2" && interrupts == 2) {
				stopped = time.After(stopDelay)
			}
		case <-stopped:
			fmt.Println("stopped")
			os.Exit(255)
		case <-timeout:
			os.Exit(99)
		}
	}
}
