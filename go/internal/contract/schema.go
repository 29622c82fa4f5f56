package contract

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var (
	compileOnce   sync.Once
	reportSchema  *jsonschema.Schema
	eventsSchema  *jsonschema.Schema
	compileFailed error
)

func compileSchemas() {
	compile := func(name string, data []byte) *jsonschema.Schema {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			compileFailed = fmt.Errorf("%s: %w", name, err)
			return nil
		}
		c := jsonschema.NewCompiler()
		if err := c.AddResource(name, doc); err != nil {
			compileFailed = fmt.Errorf("%s: %w", name, err)
			return nil
		}
		s, err := c.Compile(name)
		if err != nil {
			compileFailed = fmt.Errorf("%s: %w", name, err)
		}
		return s
	}
	reportSchema = compile("report.schema.json", reportSchemaJSON)
	eventsSchema = compile("events.schema.json", eventsSchemaJSON)
}

func validate(schema **jsonschema.Schema, data []byte) error {
	compileOnce.Do(compileSchemas)
	if compileFailed != nil {
		return compileFailed
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return (*schema).Validate(doc)
}

// ValidateReport checks a report's JSON against report.schema.json (src/contract/report.ts).
func ValidateReport(data []byte) error { return validate(&reportSchema, data) }

// EventPrefix starts every machine line on stdout.
const EventPrefix = "@bench "

// ValidateEventLine checks one `@bench {json}` line against events.schema.json.
func ValidateEventLine(line string) error {
	payload, ok := strings.CutPrefix(line, EventPrefix)
	if !ok {
		return fmt.Errorf("not an event line: %q", line)
	}
	if err := validate(&eventsSchema, []byte(payload)); err != nil {
		return fmt.Errorf("%q: %w", line, err)
	}
	return nil
}
