// threadchurn STOPFILE: until STOPFILE exists, keeps starting goroutines that lock their OS
// thread and return without unlocking it, so the runtime ends that thread and makes new ones:
// threads come and go all the time (as in programs that call LockOSThread for a syscall).
// Then prints "done" and exits 0 (a lost signal or a thread left stopped would show as a
// hang, a crash or another exit status).
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: threadchurn STOPFILE")
		os.Exit(2)
	}
	fmt.Println("churning")
	for round := uint64(0); ; round++ {
		if _, err := os.Stat(os.Args[1]); err == nil {
			break
		}
		done := make(chan uint64)
		for i := uint64(0); i < 8; i++ {
			go func(x uint64) {
				runtime.LockOSThread() // not unlocked: the thread ends with the goroutine
				done <- x * x % 7
			}(round*8 + i)
		}
		for i := 0; i < 8; i++ {
			<-done
		}
	}
	fmt.Println("done")
}
