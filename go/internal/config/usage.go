package config

import (
	"fmt"
	"io"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

// Usage prints every option of the table: flag, variable, default and meaning.
func Usage(w io.Writer) {
	fmt.Fprintln(w, "options (each also an environment variable; flags win):")
	for _, row := range contract.Env() {
		def := row.DefaultText
		if row.Default != nil {
			def = quote(*row.Default)
		}
		values := row.Type
		switch {
		case row.Type == "int":
			values = fmt.Sprintf("integer %d-%d", *row.Min, *row.Max)
		case row.Type == "enum":
			values = fmt.Sprint(row.Values)
		}
		fmt.Fprintf(w, "  %s (%s) %s, default %s\n      %s\n", FlagName(row.Name), row.Name, values, def, row.Meaning)
	}
}
