// client-go's side of the informer benchmarks of bench/run.mjs: the watch path through an informer
// and the memory figures of the sync scenarios (peak RSS, heap per cached object). Registered in
// main.go's scenario table by init(), so that this file and the work queue scenarios stay apart.
//
//	watch <url> <n>   n MODIFIED events from bench/replay-server.mjs through an informer's update handler
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

func init() {
	scenarios["watch"] = watchScenario
}

// procStatusMB reads a VmXXX line (kB) of /proc/self/status as MB: VmRSS now, VmHWM the peak.
func procStatusMB(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, field+":") {
			parts := strings.Fields(line)
			if len(parts) >= 2 {
				kb, _ := strconv.ParseFloat(parts[1], 64)
				return kb / 1024
			}
		}
	}
	return 0
}

// memoryFigures adds rssMB (now) and peakRssMB (high-water mark) to a result.
func memoryFigures(r result) result {
	r["rssMB"] = procStatusMB("VmRSS")
	r["peakRssMB"] = procStatusMB("VmHWM")
	return r
}

// watchScenario: an informer of ConfigMaps in namespace bench against the replay server (which
// lists one object, then streams n MODIFIED events); time from the first update handler call to
// the n-th.
func watchScenario(args []string) (result, error) {
	if len(args) < 2 {
		return nil, fmt.Errorf("needs <url> <n>")
	}
	n := intArg(args, 1, 100_000)
	cs, err := kubernetes.NewForConfig(&rest.Config{Host: args[0], QPS: -1})
	if err != nil {
		return nil, err
	}
	factory := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace("bench"))
	inf := factory.Core().V1().ConfigMaps().Informer()
	var first time.Time
	count := 0
	done := make(chan float64, 1)
	inf.AddEventHandler(cache.ResourceEventHandlerFuncs{UpdateFunc: func(_, _ interface{}) {
		// Handlers of one informer are called from one goroutine: no lock needed.
		if count == 0 {
			first = time.Now()
		}
		count++
		if count == n {
			done <- msSince(first)
		}
	}})
	stop := make(chan struct{})
	defer close(stop)
	factory.Start(stop)
	select {
	case ms := <-done:
		return result{"ms": ms, "eventsPerSec": float64(n) / (ms / 1000)}, nil
	case <-time.After(5 * time.Minute):
		return nil, fmt.Errorf("only %d of %d events within 5 minutes", count, n)
	}
}
