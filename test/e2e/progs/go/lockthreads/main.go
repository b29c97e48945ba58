// lockthreads N: starts N goroutines that each lock themselves to an OS thread
// (runtime.LockOSThread) and sleep, so the runtime must create a new OS thread for each.
// Under a low RLIMIT_NPROC (as a user that is not root) clone fails with EAGAIN and the
// runtime dies with "runtime: failed to create new OS thread". Otherwise prints
// "N threads" and exits 0 after the sleepers wake (1 s).
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

func main() {
	n := 64
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var started, done sync.WaitGroup
	started.Add(n)
	done.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			defer done.Done()
			runtime.LockOSThread()
			started.Done()
			time.Sleep(time.Second)
		}()
	}
	started.Wait()
	fmt.Printf("%d threads\n", n)
	done.Wait()
}
