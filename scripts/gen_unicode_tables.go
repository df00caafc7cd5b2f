// gen_unicode_tables writes core/_unicode_tables.py: the Unicode facts our
// checks must share with the Go toolchain, read from the toolchain that runs
// this program rather than from Python's own, older, Unicode database.
//
//	go run scripts/gen_unicode_tables.go > core/_unicode_tables.py
//
// It asks Go rune by rune (unicode.SimpleFold, unicode.IsLetter,
// strconv.IsPrint), so the tables say what Go does, whatever its internal
// tables look like.
package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"unicode"
)

// The widest a line of string data may be, quotes and indentation included,
// to stay within the project's 88 columns.
const lineWidth = 88

func main() {
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()

	fmt.Fprintf(out, `"""Go's Unicode tables, written by scripts/gen_unicode_tables.go: do not edit.

Made with %s, whose unicode package follows Unicode %s. To make them
again, from a newer Go say:

    go run scripts/gen_unicode_tables.go > core/_unicode_tables.py

Numbers are hexadecimal code points. core/_unicode.py reads these strings.
"""

GO_VERSION = %q
UNICODE_VERSION = %q
`, runtime.Version(), unicode.Version, runtime.Version(), unicode.Version)

	writeStrings(out, "FOLD_ORBITS", []string{
		"Every case folding orbit of more than one rune (unicode.SimpleFold), its",
		"runes in increasing order, joined by colons.",
	}, foldOrbits())
	writeStrings(out, "LETTERS", []string{
		"The runes unicode.IsLetter accepts, as ranges lo-hi and single runes.",
	}, ranges(unicode.IsLetter))
	writeStrings(out, "PRINTABLE", []string{
		"The runes strconv.IsPrint accepts, which Go's %q leaves unescaped, as ranges.",
	}, ranges(strconv.IsPrint))
}

// foldOrbits lists every orbit of more than one rune, each once, from the
// orbit's smallest rune. SimpleFold steps to the next larger rune of an
// orbit and wraps around after its largest, so starting from the smallest
// it gives the runes in increasing order.
func foldOrbits() []string {
	var orbits []string
	for r := rune(0); r <= unicode.MaxRune; r++ {
		members := []string{hex(r)}
		smallest := true
		for x := unicode.SimpleFold(r); x != r; x = unicode.SimpleFold(x) {
			smallest = smallest && x > r
			members = append(members, hex(x))
		}
		if smallest && len(members) > 1 {
			orbits = append(orbits, strings.Join(members, ":"))
		}
	}
	return orbits
}

// ranges lists the runs of runes for which is holds.
func ranges(is func(rune) bool) []string {
	var out []string
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !is(r) {
			continue
		}
		lo := r
		for r+1 <= unicode.MaxRune && is(r+1) {
			r++
		}
		if lo == r {
			out = append(out, hex(lo))
		} else {
			out = append(out, hex(lo)+"-"+hex(r))
		}
	}
	return out
}

func hex(r rune) string {
	return strconv.FormatInt(int64(r), 16)
}

// writeStrings writes name as a parenthesized run of string literals, the
// items separated by spaces, in lines ruff format leaves as they are.
func writeStrings(out *bufio.Writer, name string, comment, items []string) {
	fmt.Fprintln(out)
	for _, c := range comment {
		fmt.Fprintf(out, "# %s\n", c)
	}
	fmt.Fprintf(out, "%s = (\n", name)
	// Four spaces of indentation, two quotes, and the space ending a line.
	const overhead = 4 + 2 + 1
	line := ""
	for _, item := range items {
		if line != "" && overhead+len(line)+1+len(item) > lineWidth {
			fmt.Fprintf(out, "    \"%s \"\n", line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += item
	}
	fmt.Fprintf(out, "    \"%s\"\n)\n", line)
}
