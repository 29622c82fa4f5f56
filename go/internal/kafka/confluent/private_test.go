package confluent

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Issue 26: the Go contender reached into confluent-kafka-go's unexported fields with reflect and
// unsafe (the producer's librdkafka handle and its poller's channel), which any binding release
// that renames them breaks. No source of the module that imports the binding may import reflect
// or unsafe.
func TestNoSourceReachesIntoTheBinding(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		imports := map[string]bool{}
		for _, spec := range f.Imports {
			p, _ := strconv.Unquote(spec.Path.Value)
			imports[p] = true
		}
		if imports["github.com/confluentinc/confluent-kafka-go/v2/kafka"] && (imports["reflect"] || imports["unsafe"]) {
			t.Errorf("%s imports confluent-kafka-go together with reflect or unsafe", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
