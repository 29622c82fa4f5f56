// compose-check loads compose.yml with compose-go, the library `docker compose config` is built
// on (same schema validation, interpolation and normalisation), so the file is checked on machines
// without the Docker compose plugin. Usage: go run . ../../compose.yml
package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

const usage = `compose-check COMPOSE_FILE

Loads COMPOSE_FILE with compose-go (profile "contenders") and prints the normalised YAML.
Exit: 0 valid; 1 invalid; 2 bad arguments.`

func main() {
	// the project's one convention for entry points (src/entry-point.ts)
	switch {
	case len(os.Args) == 2 && (os.Args[1] == "--help" || os.Args[1] == "-h"):
		fmt.Println(usage)
		os.Exit(0)
	case len(os.Args) == 2 && strings.HasPrefix(os.Args[1], "-"):
		fmt.Fprintf(os.Stderr, "compose-check: unknown option %q (see `compose-check --help`)\n", os.Args[1])
		os.Exit(2)
	case len(os.Args) != 2:
		fmt.Fprintln(os.Stderr, "compose-check: name one compose file (see `compose-check --help`)")
		os.Exit(2)
	}
	opts, err := cli.NewProjectOptions([]string{os.Args[1]}, cli.WithOsEnv, cli.WithProfiles([]string{"contenders"}))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	out, err := project.MarshalYAML()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Print(string(out))
}
