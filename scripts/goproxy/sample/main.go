// gotrace-sample: the Go program gotrace's tests download and build through the offline
// module proxy (scripts/build-goproxy.sh copies it to OUTDIR/sample, where go writes its
// go.mod and go.sum). It imports many packages from many modules so that `go mod download`
// and `go build` do real work; `gotrace-sample selftest` exercises each of them briefly.
package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"
	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/kr/pretty"
	"github.com/mattn/go-isatty"
	"github.com/pkg/errors"
	"github.com/pkg/sftp"
	"github.com/sirupsen/logrus"
	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/viper"
	"github.com/stretchr/testify/assert"
	"golang.org/x/crypto/bcrypt"
	"golang.org/x/crypto/chacha20poly1305"
	"golang.org/x/crypto/sha3"
	"golang.org/x/crypto/ssh"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"
	"golang.org/x/net/html"
	"golang.org/x/net/http2"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/sync/errgroup"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
	"golang.org/x/text/cases"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// check runs one small use of a library and returns a line describing the result.
type check struct {
	name string
	run  func() (string, error)
}

var checks = []check{
	{"x/text", func() (string, error) {
		t := cases.Title(language.English).String("gotrace sample")
		enc, err := charmap.ISO8859_1.NewEncoder().String(norm.NFC.String("cafe\u0301"))
		return fmt.Sprintf("%s %q %s", t, enc, message.NewPrinter(language.German).Sprintf("%d", 1234567)), err
	}},
	{"x/net", func() (string, error) {
		doc, err := html.Parse(strings.NewReader("<p>hello <b>world</b></p>"))
		if err != nil {
			return "", err
		}
		host, err := idna.ToASCII("bücher.example")
		suffix, _ := publicsuffix.PublicSuffix("www.example.co.uk")
		return fmt.Sprintf("%s %s %s %s", doc.FirstChild.Data, host, suffix, http2.ClientPreface[:8]), err
	}},
	{"x/crypto", func() (string, error) {
		h, err := bcrypt.GenerateFromPassword([]byte("secret"), bcrypt.MinCost)
		if err != nil {
			return "", err
		}
		aead, err := chacha20poly1305.New(make([]byte, chacha20poly1305.KeySize))
		if err != nil {
			return "", err
		}
		_, keyErr := ssh.ParsePublicKey([]byte("not a key"))
		sum := sha3.Sum256(nil)
		return fmt.Sprintf("sha3=%x bcrypt=%d overhead=%d ssh=%v", sum[:4], len(h), aead.Overhead(), keyErr != nil), nil
	}},
	{"x/sys+x/term", func() (string, error) {
		var u unix.Utsname
		err := unix.Uname(&u)
		return fmt.Sprintf("%s tty=%v/%v", unix.ByteSliceToString(u.Sysname[:]), term.IsTerminal(1), isatty.IsTerminal(1)), err
	}},
	{"x/mod", func() (string, error) {
		f, err := modfile.Parse("go.mod", []byte("module example.com/m\nrequire golang.org/x/text v0.7.0\n"), nil)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s cmp=%d", f.Require[0].Mod.Path, semver.Compare("v1.2.0", "v1.10.0")), nil
	}},
	{"yaml+toml+viper", func() (string, error) {
		var y map[string]int
		if err := yaml.Unmarshal([]byte("a: 1\nb: 2\n"), &y); err != nil {
			return "", err
		}
		var t struct{ Name string }
		if _, err := toml.Decode(`Name = "gotrace"`, &t); err != nil {
			return "", err
		}
		v := viper.New()
		v.SetConfigType("yaml")
		if err := v.ReadConfig(bytes.NewBufferString("trace:\n  follow: true\n")); err != nil {
			return "", err
		}
		return fmt.Sprintf("yaml=%d toml=%s viper=%v", y["b"], t.Name, v.GetBool("trace.follow")), nil
	}},
	{"misc", func() (string, error) {
		var g errgroup.Group
		sums := make([][32]byte, 4)
		for i := range sums {
			i := i
			g.Go(func() error { sums[i] = sha256.Sum256([]byte{byte(i)}); return nil })
		}
		err := g.Wait()
		diff := cmp.Diff(map[string]int{"a": 1}, map[string]int{"a": 2})
		same := assert.ObjectsAreEqual([]int{1}, []int{1})
		wrapped := errors.Wrap(os.ErrNotExist, "open config")
		_ = sftp.ErrSSHFxNoSuchFile
		return fmt.Sprintf("uuid=%d diff=%v equal=%v err=%q %s", len(uuid.NewString()), diff != "", same, wrapped, pretty.Sprint(struct{ N int }{1})), err
	}},
}

func main() {
	log := logrus.New()
	root := &cobra.Command{Use: "gotrace-sample", Short: "workload for gotrace's tests"}
	root.AddCommand(&cobra.Command{
		Use:   "selftest",
		Short: "exercise every imported library once",
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, c := range checks {
				out, err := c.run()
				if err != nil {
					return fmt.Errorf("%s: %w", c.name, err)
				}
				fmt.Printf("%-16s %s\n", c.name, out)
			}
			log.Info("selftest ok")
			return nil
		},
	})
	root.AddCommand(&cobra.Command{
		Use:   "man DIR",
		Short: "write man pages for this command",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := os.MkdirAll(args[0], 0o755); err != nil {
				return err
			}
			return doc.GenManTree(root, &doc.GenManHeader{Section: "1"}, args[0])
		},
	})
	if err := root.Execute(); err != nil {
		os.Exit(1)
	}
}
