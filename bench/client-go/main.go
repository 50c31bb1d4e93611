// client-go's side of kube-client's benchmarks: the same scenarios as bench/workqueue.mjs (and,
// later, the other bench scenarios), run against client-go v1.20 as vendored in Debian's
// `kubernetes` source package. Built by bench/client-go/build.mjs; one scenario per process.
//
// Usage: client-go-bench <scenario> [args...]; prints one JSON line with the result.
//
//	queue [n]                           n adds + n duplicate adds + n get/done (default 1,000,000)
//	delaying [n]                        n AddAfter (0-1 ms) on a rate-limiting queue, drained with get/forget/done
//	workers [rate] [seconds] [workers] [warmup] [chunk]
//	                                    workers drain a rate-limiting queue fed at rate adds/s; add-to-get latency
//	sync <kubeconfig> <namespace> <n>   informer cold sync of the namespace's ConfigMaps (expects n)
//	watch <url> <n>                     n watch events through an informer (informers.go)
package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/workqueue"
)

type result map[string]interface{}

// scenarios maps a scenario name to its function; add new ones here.
var scenarios = map[string]func(args []string) (result, error){
	"queue":    queueScenario,
	"delaying": delayingScenario,
	"workers":  workersScenario,
	"sync":     syncScenario,
}

func main() {
	if len(os.Args) < 2 || scenarios[os.Args[1]] == nil {
		names := make([]string, 0, len(scenarios))
		for n := range scenarios {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: %s <scenario> [args...]; scenarios: %v\n", os.Args[0], names)
		os.Exit(2)
	}
	r, err := scenarios[os.Args[1]](os.Args[2:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	r["scenario"] = os.Args[1]
	r["go"] = runtime.Version()
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}

func intArg(args []string, i int, def int) int {
	if len(args) > i {
		if v, err := strconv.Atoi(args[i]); err == nil {
			return v
		}
	}
	return def
}

func msSince(t time.Time) float64 { return float64(time.Since(t).Nanoseconds()) / 1e6 }

// cpuMs is the CPU time (user + system, all threads) the process has used so far, in ms.
func cpuMs() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e6
}

// queueScenario: n distinct adds, the same n again (dropped as duplicates), then n get/done.
// Counted as 3n operations (n add + n duplicate add + n get/done), the way the issue counts it.
func queueScenario(args []string) (result, error) {
	n := intArg(args, 0, 1_000_000)
	q := workqueue.New()
	c0 := cpuMs()
	t0 := time.Now()
	for i := 0; i < n; i++ {
		q.Add(i)
	}
	for i := 0; i < n; i++ {
		q.Add(i)
	}
	for i := 0; i < n; i++ {
		item, shutdown := q.Get()
		if shutdown {
			return nil, fmt.Errorf("queue shut down at %d", i)
		}
		q.Done(item)
	}
	ms := msSince(t0)
	if q.Len() != 0 {
		return nil, fmt.Errorf("%d items left", q.Len())
	}
	return result{"ms": ms, "cpuMs": cpuMs() - c0, "ops": 3 * n, "opsPerSec": float64(3*n) / (ms / 1000)}, nil
}

// delayingScenario: n AddAfter with random 0-1 ms delays on a rate-limiting queue, drained with
// Get/Forget/Done; the time from the first AddAfter to the last Done.
func delayingScenario(args []string) (result, error) {
	n := intArg(args, 0, 100_000)
	q := workqueue.NewRateLimitingQueue(workqueue.DefaultControllerRateLimiter())
	defer q.ShutDown()
	c0 := cpuMs()
	t0 := time.Now()
	for i := 0; i < n; i++ {
		q.AddAfter(i, time.Duration(rand.Float64()*float64(time.Millisecond)))
	}
	for got := 0; got < n; got++ {
		item, shutdown := q.Get()
		if shutdown {
			return nil, fmt.Errorf("queue shut down at %d", got)
		}
		q.Forget(item)
		q.Done(item)
	}
	return result{"ms": msSince(t0), "cpuMs": cpuMs() - c0, "items": n}, nil
}

// workersScenario: `workers` goroutines drain a rate-limiting queue while a feeder adds distinct
// keys at `rate` per second (as an informer's handlers would, in 1 ms ticks, yielding after every
// `chunk` adds as the Node side does); `warmup` seconds first (not measured), then `seconds`
// measured; reports the add-to-get latency percentiles of the measured keys.
func workersScenario(args []string) (result, error) {
	rate := intArg(args, 0, 50_000)
	seconds := intArg(args, 1, 2)
	workers := intArg(args, 2, 8)
	warmup := intArg(args, 3, 0)
	chunk := intArg(args, 4, 1<<30)
	warm := rate * warmup
	total := rate * seconds
	all := warm + total
	q := workqueue.NewRateLimitingQueue(workqueue.DefaultControllerRateLimiter())
	added := make([]time.Time, all)
	lat := make([]float64, all)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				item, shutdown := q.Get()
				if shutdown {
					return
				}
				i := item.(int)
				lat[i] = float64(time.Since(added[i]).Nanoseconds()) / 1e6
				q.Forget(item)
				q.Done(item)
			}
		}()
	}
	t0 := time.Now()
	sent, maxBatch, maxGap, lastTick := 0, 0, time.Duration(0), t0
	var measuredFrom time.Time
	ticker := time.NewTicker(time.Millisecond)
	for sent < all {
		<-ticker.C
		now := time.Now()
		if sent >= warm {
			if measuredFrom.IsZero() {
				measuredFrom = now
			}
			if now.Sub(lastTick) > maxGap {
				maxGap = now.Sub(lastTick)
			}
		}
		lastTick = now
		due := int(float64(rate) * now.Sub(t0).Seconds())
		if due > all {
			due = all
		}
		if sent >= warm && due-sent > maxBatch {
			maxBatch = due - sent
		}
		for sent < due {
			for until := sent + chunk; sent < due && sent < until; sent++ {
				added[sent] = time.Now()
				q.Add(sent)
			}
			runtime.Gosched()
		}
	}
	ticker.Stop()
	feedMs := msSince(measuredFrom)
	for q.Len() > 0 {
		time.Sleep(time.Millisecond)
	}
	q.ShutDown()
	wg.Wait()
	measured := lat[warm:]
	sort.Float64s(measured)
	pct := func(p float64) float64 { return measured[int(p*float64(total-1))] }
	return result{
		"events": total, "warmupEvents": warm, "rate": rate, "workers": workers, "chunk": chunk, "feedMs": feedMs,
		"p50ms": pct(0.5), "p99ms": pct(0.99), "maxMs": measured[total-1],
		"maxBatch": maxBatch, "maxGapMs": float64(maxGap.Nanoseconds()) / 1e6,
	}, nil
}

// syncScenario: a shared informer of the namespace's ConfigMaps (JSON, no rate limiting), from
// process start to synced.
func syncScenario(args []string) (result, error) {
	started := time.Now()
	if len(args) < 3 {
		return nil, fmt.Errorf("needs <kubeconfig> <namespace> <expected count>")
	}
	expected := intArg(args, 2, 0)
	cfg, err := clientcmd.BuildConfigFromFlags("", args[0])
	if err != nil {
		return nil, err
	}
	cfg.QPS = -1
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	factory := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace(args[1]))
	inf := factory.Core().V1().ConfigMaps().Informer()
	inf.AddEventHandler(cache.ResourceEventHandlerFuncs{AddFunc: func(obj interface{}) { _ = obj.(*corev1.ConfigMap) }})
	stop := make(chan struct{})
	defer close(stop)
	factory.Start(stop)
	// Poll every millisecond (cache.WaitForCacheSync polls every 100 ms, which would add up to 100 ms).
	for deadline := time.Now().Add(5 * time.Minute); !inf.HasSynced(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("informer did not sync within 5 minutes")
		}
	}
	count := len(inf.GetStore().ListKeys())
	ms := msSince(started)
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memoryFigures(result{"ms": ms, "count": count, "ok": count == expected, "heapMB": float64(m.HeapAlloc) / (1 << 20)}), nil
}
