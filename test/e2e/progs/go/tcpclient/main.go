// tcpclient ADDR [IDLE_SECONDS]: connects to ADDR, sends "hello\n", waits for one line back
// and prints "reply: LINE". The attach tests point it at a server that answers only when
// told to, so it sits in Go's netpoller (epoll_pwait) the way a hung `go mod download` does.
// With IDLE_SECONDS it then prints "idle" and keeps the answered connection open that long,
// as an idle keep-alive connection.
package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"
)

func main() {
	c, err := net.Dial("tcp", os.Args[1])
	if err != nil {
		fmt.Println("dial:", err)
		os.Exit(2)
	}
	fmt.Fprintf(c, "hello\n")
	fmt.Println("sent")
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		fmt.Println("read:", err)
		os.Exit(3)
	}
	fmt.Print("reply: ", line)
	if len(os.Args) > 2 {
		secs, err := strconv.Atoi(os.Args[2])
		if err != nil {
			fmt.Println("idle seconds:", err)
			os.Exit(2)
		}
		fmt.Println("idle")
		time.Sleep(time.Duration(secs) * time.Second)
		c.Close()
	}
}
