package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkUpDev is `peerctl up` of the dev stack on a fresh stack through
// the real engine and the stand-in provider (so AWS's own latency is not
// in it): wall time per up, and the peak memory of the whole process tree
// (peerctl, the Pulumi CLI, its provider processes), sampled every 50 ms.
//
//	go test -run '^$' -bench UpDev -benchtime 3x ./e2e/
func BenchmarkUpDev(b *testing.B) {
	var peak int64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e := projectEnv(b)
		cmd, _, errb := e.command("up")
		b.StartTimer()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				if rss := treeRSS(cmd.Process.Pid); rss > peak {
					peak = rss
				}
				select {
				case <-stop:
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		}()
		err := cmd.Wait()
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatalf("up: %v\n%s", err, errb)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
}

// treeRSS sums the resident memory of pid and all its descendants (Linux
// /proc; 0 elsewhere).
func treeRSS(pid int) int64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	parent := map[int]int{}
	rss := map[int]int64{}
	for _, ent := range entries {
		p, err := strconv.Atoi(ent.Name())
		if err != nil {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", ent.Name(), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 2 {
				continue
			}
			switch fields[0] {
			case "PPid:":
				parent[p], _ = strconv.Atoi(fields[1])
			case "VmRSS:":
				kb, _ := strconv.ParseInt(fields[1], 10, 64)
				rss[p] = kb << 10
			}
		}
	}
	var total int64
	for p, r := range rss {
		for q := p; q > 1; q = parent[q] {
			if q == pid {
				total += r
				break
			}
		}
	}
	return total
}
