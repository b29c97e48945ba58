// deadlock: two goroutines take two sync.Mutex in opposite orders and block on each other
// for good; main waits for them with a timer and, when it fires, exits 3 (as a test's own
// timeout would). Prints "deadlocked" once both hold their first lock.
//
//	deadlock SECONDS
package main

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"
)

func main() {
	secs, err := strconv.ParseFloat(os.Args[len(os.Args)-1], 64)
	if len(os.Args) != 2 || err != nil {
		fmt.Fprintln(os.Stderr, "usage: deadlock SECONDS")
		os.Exit(2)
	}
	var a, b sync.Mutex
	var held sync.WaitGroup
	held.Add(2)
	done := make(chan struct{})
	go func() {
		a.Lock()
		held.Done()
		held.Wait()
		b.Lock() // never: the other goroutine holds b and waits for a
		close(done)
	}()
	go func() {
		b.Lock()
		held.Done()
		held.Wait()
		a.Lock()
		close(done)
	}()
	held.Wait()
	fmt.Println("deadlocked")
	select {
	case <-done:
		os.Exit(0)
	case <-time.After(time.Duration(secs * float64(time.Second))):
		fmt.Fprintln(os.Stderr, "deadlock: gave up waiting")
		os.Exit(3)
	}
}
