// mkproxy turns Go sources installed by Debian's golang-*-dev packages
// (/usr/share/gocode/src) into a GOPROXY-protocol tree that the go command
// can use offline (GOPROXY=file://DIR or over HTTP with ../serve).
//
// Input (-manifest, one module a line): MODULE-PATH DEBIAN-PACKAGE DEBIAN-VERSION
// Output (-out DIR), for each module M at version V (paths case-encoded, "!x" for "X"):
//
//	M/@v/list      release versions, one a line (pseudo-versions are omitted, as on proxy.golang.org)
//	M/@v/V.info    {"Version":"V","Time":"..."}
//	M/@v/V.mod     the module's go.mod, requirements rewritten (see below)
//	M/@v/V.zip     module zip: files under "M@V/", following golang.org/x/mod/zip's rules
//	M/@latest      same as V.info
//
// Versions: the Debian upstream version becomes a semver (1:0.7.0+dfsg-1 -> v0.7.0) or,
// for git snapshots, a pseudo-version (1.0.6~git20210604-d5e0c0615ace -> v1.0.6-0.20210604000000-d5e0c0615ace).
//
// go.mod rewriting: every requirement on a module this proxy serves is rewritten to the one
// version served, and requirements on modules it does not serve are dropped, so the module
// graph resolves offline. The zip's go.mod is the same rewritten file as V.mod. A module
// without go.mod gets the synthesized "module M" as V.mod and no go.mod in its zip, as real
// proxies do. Debian strips LICENSE files; when a tree has none, the package's
// /usr/share/doc/PKG/copyright goes into the zip as LICENSE.
//
// Standard library only.
package main

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits from golang.org/x/mod/zip.
const (
	maxZipFile = 500 << 20
	maxGoMod   = 16 << 20
	maxLicense = 16 << 20
)

type module struct {
	Path, Pkg, DebVersion string
	Version               string
	Time                  time.Time
}

func main() {
	src := flag.String("src", "/usr/share/gocode/src", "Debian Go source tree")
	out := flag.String("out", "", "output directory (the GOPROXY root)")
	manifest := flag.String("manifest", "", "file of 'module debian-package debian-version' lines")
	flag.Parse()
	if *out == "" || *manifest == "" {
		log.Fatal("usage: mkproxy -manifest FILE -out DIR [-src DIR]")
	}
	log.SetFlags(0)
	log.SetPrefix("mkproxy: ")

	mods, err := readManifest(*manifest)
	if err != nil {
		log.Fatal(err)
	}
	served := map[string]string{}
	for _, m := range mods {
		served[m.Path] = m.Version
	}

	// Zipping x/text & co. is the slow part: one worker per CPU.
	var wg sync.WaitGroup
	errs := make([]error, len(mods))
	sem := make(chan struct{}, runtime.NumCPU())
	for i, m := range mods {
		wg.Add(1)
		go func(i int, m *module) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			errs[i] = writeModule(*src, *out, m, served)
		}(i, m)
	}
	wg.Wait()
	failed := false
	for i, err := range errs {
		if err != nil {
			log.Printf("%s: %v", mods[i].Path, err)
			failed = true
		}
	}
	if failed {
		os.Exit(1)
	}
	for _, m := range mods {
		fmt.Printf("%s %s\n", m.Path, m.Version)
	}
}

func readManifest(file string) ([]*module, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var mods []*module
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) != 3 {
			return nil, fmt.Errorf("bad manifest line %q", line)
		}
		m := &module{Path: f[0], Pkg: f[1], DebVersion: f[2]}
		v, pseudoTime, err := semverFromDebian(m.DebVersion)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", m.Path, err)
		}
		if err := checkMajor(m.Path, v); err != nil {
			return nil, err
		}
		m.Version = v
		if !pseudoTime.IsZero() {
			m.Time = pseudoTime
		} else if m.Time, err = changelogTime(m.Pkg); err != nil {
			return nil, fmt.Errorf("%s: %v", m.Path, err)
		}
		mods = append(mods, m)
	}
	return mods, nil
}

var snapshotRE = regexp.MustCompile(`^([0-9]+(?:\.[0-9]+)*)([~+])git([0-9]{8})[.-]([0-9a-f]{7,40})$`)

// semverFromDebian maps a Debian version to a Go module version; pseudoTime is set for
// pseudo-versions (midnight UTC of the snapshot date).
func semverFromDebian(deb string) (v string, pseudoTime time.Time, err error) {
	s := deb
	if i := strings.Index(s, ":"); i >= 0 { // epoch
		s = s[i+1:]
	}
	if i := strings.LastIndex(s, "-"); i >= 0 { // Debian revision
		s = s[:i]
	}
	if m := snapshotRE.FindStringSubmatch(s); m != nil {
		base, err := pad3(m[1])
		if err != nil {
			return "", time.Time{}, err
		}
		t, err := time.Parse("20060102", m[3])
		if err != nil {
			return "", time.Time{}, err
		}
		rev := m[4]
		if len(rev) > 12 {
			rev = rev[:12]
		}
		ts := t.Format("20060102150405")
		switch {
		case base == "0.0.0":
			v = "v0.0.0-" + ts + "-" + rev
		case m[2] == "~": // snapshot before release BASE
			v = "v" + base + "-0." + ts + "-" + rev
		default: // snapshot after release BASE
			p := strings.Split(base, ".")
			n, _ := strconv.Atoi(p[2])
			v = fmt.Sprintf("v%s.%s.%d-0.%s-%s", p[0], p[1], n+1, ts, rev)
		}
		return v, t, nil
	}
	if i := strings.IndexAny(s, "+~"); i >= 0 { // +ds1, +dfsg, +really1.1.0
		s = s[:i]
	}
	base, err := pad3(s)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("cannot map Debian version %q: %v", deb, err)
	}
	return "v" + base, time.Time{}, nil
}

func pad3(s string) (string, error) {
	p := strings.Split(s, ".")
	if len(p) > 3 {
		return "", fmt.Errorf("version %q has more than 3 parts", s)
	}
	for _, x := range p {
		if _, err := strconv.Atoi(x); err != nil {
			return "", fmt.Errorf("version %q is not numeric", s)
		}
	}
	for len(p) < 3 {
		p = append(p, "0")
	}
	return strings.Join(p, "."), nil
}

// checkMajor enforces the major-version suffix rule (/vN, gopkg.in .vN); no +incompatible here.
func checkMajor(mod, v string) error {
	major := strings.SplitN(v[1:], ".", 2)[0]
	want := ""
	if m := regexp.MustCompile(`/v([0-9]+)$`).FindStringSubmatch(mod); m != nil {
		want = m[1]
	} else if m := regexp.MustCompile(`^gopkg\.in/.*\.v([0-9]+)$`).FindStringSubmatch(mod); m != nil {
		want = m[1]
		if want == "1" && strings.HasPrefix(v, "v0.0.0-") {
			return nil // allowed for gopkg.in .v1, as in golang.org/x/mod/module.CheckPathMajor
		}
	}
	if want == "" && (major == "0" || major == "1") || major == want {
		return nil
	}
	return fmt.Errorf("%s: version %s does not match the module path's major version", mod, v)
}

// changelogTime is the date of the package's latest Debian changelog entry.
func changelogTime(pkg string) (time.Time, error) {
	f, err := os.Open("/usr/share/doc/" + pkg + "/changelog.Debian.gz")
	if err != nil {
		return time.Time{}, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return time.Time{}, err
	}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, " -- ") {
			continue
		}
		if i := strings.Index(line, ">  "); i >= 0 {
			for _, layout := range []string{time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 -0700"} {
				if t, err := time.Parse(layout, strings.TrimSpace(line[i+3:])); err == nil {
					return t.UTC(), nil
				}
			}
		}
		return time.Time{}, fmt.Errorf("cannot parse changelog trailer %q", line)
	}
	return time.Time{}, fmt.Errorf("no trailer line in %s changelog", pkg)
}

// rewriteGoMod rewrites require lines to the served versions and drops the others.
func rewriteGoMod(data []byte, served map[string]string) ([]byte, error) {
	var out []string
	inBlock, changed := false, 0
	for _, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		spec, prefix := "", ""
		switch {
		case inBlock && t == ")":
			inBlock = false
		case inBlock && t != "" && !strings.HasPrefix(t, "//"):
			spec, prefix = t, "\t"
		case !inBlock && (strings.HasPrefix(t, "require ") || strings.HasPrefix(t, "require\t") || strings.HasPrefix(t, "require(")):
			rest := strings.TrimSpace(t[len("require"):])
			if rest == "(" || strings.HasPrefix(rest, "( //") {
				inBlock = true
			} else {
				spec, prefix = rest, "require "
			}
		}
		if spec == "" {
			out = append(out, line)
			continue
		}
		newLine, err := rewriteRequirement(spec, served)
		if err != nil {
			return nil, err
		}
		changed++
		if newLine != "" {
			out = append(out, prefix+newLine)
		}
	}
	if inBlock {
		return nil, fmt.Errorf("go.mod: unterminated require block")
	}
	if changed == 0 {
		return data, nil
	}
	note := "// Requirements rewritten by gotrace's offline proxy builder to the versions it serves;\n" +
		"// requirements on modules it does not serve were dropped.\n"
	return []byte(note + strings.Join(out, "\n")), nil
}

// rewriteRequirement turns `path version // comment` into the served form, or "" to drop it.
func rewriteRequirement(spec string, served map[string]string) (string, error) {
	comment := ""
	if i := strings.Index(spec, "//"); i >= 0 {
		comment = " " + strings.TrimSpace(spec[i:])
		spec = strings.TrimSpace(spec[:i])
	}
	f := strings.Fields(spec)
	if len(f) != 2 {
		return "", fmt.Errorf("go.mod: cannot parse requirement %q", spec)
	}
	p := f[0]
	if strings.HasPrefix(p, `"`) {
		var err error
		if p, err = strconv.Unquote(p); err != nil {
			return "", fmt.Errorf("go.mod: bad quoted path %q", f[0])
		}
	}
	v, ok := served[p]
	if !ok {
		return "", nil
	}
	return p + " " + v + comment, nil
}

type zipFile struct {
	name string // slash path relative to the module root
	file string // file on disk, or "" when data is set
	data []byte
	size int64
}

func writeModule(src, out string, m *module, served map[string]string) error {
	root := filepath.Join(src, filepath.FromSlash(m.Path))
	files, err := listFiles(root)
	if err != nil {
		return err
	}
	// go.mod: rewritten, or synthesized (then not put in the zip).
	gomod := []byte("module " + m.Path + "\n")
	var kept []zipFile
	hasLicense := false
	for _, f := range files {
		switch f.name {
		case "go.mod":
			data, err := os.ReadFile(f.file)
			if err != nil {
				return err
			}
			if gomod, err = rewriteGoMod(data, served); err != nil {
				return err
			}
			f = zipFile{name: "go.mod", data: gomod, size: int64(len(gomod))}
		case "LICENSE":
			hasLicense = true
		}
		kept = append(kept, f)
	}
	if !hasLicense {
		if data, err := os.ReadFile("/usr/share/doc/" + m.Pkg + "/copyright"); err == nil {
			kept = append(kept, zipFile{name: "LICENSE", data: data, size: int64(len(data))})
		}
	}
	if err := checkFiles(kept); err != nil {
		return err
	}

	encMod, err := escapePath(m.Path)
	if err != nil {
		return err
	}
	encVer, err := escapePath(m.Version)
	if err != nil {
		return err
	}
	dir := filepath.Join(out, filepath.FromSlash(encMod), "@v")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	info, _ := json.Marshal(struct{ Version, Time string }{m.Version, m.Time.UTC().Format(time.RFC3339)})
	info = append(info, '\n')
	list := m.Version + "\n"
	if isPseudo(m.Version) {
		list = ""
	}
	if err := writeZip(filepath.Join(dir, encVer+".zip"), m.Path+"@"+m.Version+"/", kept); err != nil {
		return err
	}
	for name, data := range map[string][]byte{
		filepath.Join(dir, encVer+".info"):          info,
		filepath.Join(dir, encVer+".mod"):           gomod,
		filepath.Join(dir, "list"):                  []byte(list),
		filepath.Join(filepath.Dir(dir), "@latest"): info,
	} {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func isPseudo(v string) bool {
	return regexp.MustCompile(`-(0\.)?[0-9]{14}-[0-9a-f]+$`).MatchString(v)
}

// listFiles walks a module root the way golang.org/x/mod/zip.CreateFromDir does.
func listFiles(root string) ([]zipFile, error) {
	var files []zipFile
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		slash := filepath.ToSlash(rel)
		if isVendoredPackage(slash) {
			return nil
		}
		if info.IsDir() {
			if p == root {
				return nil
			}
			switch info.Name() {
			case ".bzr", ".git", ".hg", ".svn":
				return filepath.SkipDir
			}
			// A directory with its own go.mod is another module: not part of this one.
			if fi, err := os.Lstat(filepath.Join(p, "go.mod")); err == nil && !fi.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !info.Mode().IsRegular() { // symlinks and other irregular files
			return nil
		}
		if slash == ".hg_archival.txt" {
			return nil
		}
		files = append(files, zipFile{name: slash, file: p, size: info.Size()})
		return nil
	})
	return files, err
}

// isVendoredPackage is x/mod/zip's rule, including its documented off-by-one (golang.org/issue/31562).
func isVendoredPackage(name string) bool {
	var i int
	if strings.HasPrefix(name, "vendor/") {
		i += len("vendor/")
	} else if j := strings.Index(name, "/vendor/"); j >= 0 {
		i += len("/vendor/")
	} else {
		return false
	}
	return strings.Contains(name[i:], "/")
}

// checkFiles applies the module zip limits and file-path rules.
func checkFiles(files []zipFile) error {
	var total int64
	seen := map[string]string{}
	for _, f := range files {
		if err := checkFilePath(f.name); err != nil {
			return fmt.Errorf("%s: %v", f.name, err)
		}
		fold := strings.ToLower(f.name)
		if other, ok := seen[fold]; ok {
			return fmt.Errorf("case-insensitive file name collision: %q and %q", other, f.name)
		}
		seen[fold] = f.name
		if f.name == "go.mod" && f.size > maxGoMod || f.name == "LICENSE" && f.size > maxLicense {
			return fmt.Errorf("%s: file too large (%d bytes)", f.name, f.size)
		}
		total += f.size
	}
	if total > maxZipFile {
		return fmt.Errorf("module too large: %d bytes uncompressed", total)
	}
	return nil
}

var badWindowsNames = []string{"CON", "PRN", "AUX", "NUL",
	"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
	"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9"}

// checkFilePath follows golang.org/x/mod/module.CheckFilePath.
func checkFilePath(p string) error {
	if !utf8.ValidString(p) || p == "" || p[0] == '/' || p[len(p)-1] == '/' || path.Clean(p) != p {
		return fmt.Errorf("malformed file path")
	}
	for _, elem := range strings.Split(p, "/") {
		if elem == "." || elem == ".." || elem[len(elem)-1] == '.' {
			return fmt.Errorf("invalid path element %q", elem)
		}
		for _, r := range elem {
			ok := r >= utf8.RuneSelf && unicode.IsLetter(r) ||
				'0' <= r && r <= '9' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' ||
				strings.ContainsRune("!#$%&()+,-.=@[]^_{}~ ", r)
			if !ok {
				return fmt.Errorf("invalid char %q", r)
			}
		}
		short := strings.SplitN(elem, ".", 2)[0]
		for _, bad := range badWindowsNames {
			if strings.EqualFold(bad, short) {
				return fmt.Errorf("%q disallowed as path element component on Windows", short)
			}
		}
	}
	return nil
}

// escapePath is golang.org/x/mod/module.EscapePath: "X" becomes "!x".
func escapePath(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		if r == '!' || r >= utf8.RuneSelf {
			return "", fmt.Errorf("cannot escape %q", s)
		}
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			b.WriteRune(unicode.ToLower(r))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

func writeZip(dst, prefix string, files []zipFile) error {
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create(prefix + f.name) // Deflate, no timestamps: reproducible
		if err != nil {
			return err
		}
		if f.data != nil {
			_, err = w.Write(f.data)
		} else {
			err = copyFile(w, f.file)
		}
		if err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, dst)
}

func copyFile(w io.Writer, name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return err
}
