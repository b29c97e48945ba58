// waitchild COMMAND [ARGS...]: runs COMMAND with os/exec and waits for it (Go >= 1.23 asks
// for a pidfd, CLONE_PIDFD, and waits with waitid(P_PIDFD); Go 1.19 with wait4), then
// prints "child exited: STATUS" and exits with the child's exit code.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: waitchild COMMAND [ARGS...]")
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		fmt.Println("child exited: 0")
	case errors.As(err, &exit):
		fmt.Printf("child exited: %d\n", exit.ExitCode())
		os.Exit(exit.ExitCode())
	default:
		fmt.Println("waitchild:", err)
		os.Exit(1)
	}
}
