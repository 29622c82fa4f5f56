package contract

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The embedded copies are set-up's output for Go; schemas/ holds the same text for everyone
// else. A hand edit of either, or a set-up not rerun, fails here (src/setup checks the rest).
func TestEmbeddedCopiesMatchSchemas(t *testing.T) {
	for name, embedded := range map[string][]byte{
		"contender-env.json": envJSON, "contract-rules.json": rulesJSON,
		"report.schema.json": reportSchemaJSON, "events.schema.json": eventsSchemaJSON,
	} {
		shared, err := os.ReadFile(filepath.Join("..", "..", "..", "schemas", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(shared, embedded) {
			t.Errorf("go/internal/contract/%s differs from schemas/%s: run `bun run setup`", name, name)
		}
	}
}

func TestTablesDecode(t *testing.T) {
	if len(Env()) == 0 || Rules().Exit.Config == 0 || len(Rules().StatusCodes) == 0 || Rules().MarketList.MaxBytes == 0 {
		t.Fatalf("env %d rows, rules %+v", len(Env()), Rules())
	}
	for _, row := range Env() {
		if row.Type == "int" && (row.Min == nil || row.Max == nil) {
			t.Errorf("%s: an int without bounds", row.Name)
		}
	}
}

func TestValidateEventLine(t *testing.T) {
	if err := ValidateEventLine(`@bench {"event":"start","startMs":1}`); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{`@bench {"event":"start"}`, `@bench {"event":"nope"}`, `{"event":"start","startMs":1}`, `@bench {"event":"start","startMs":-1}`} {
		if ValidateEventLine(bad) == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// The start-up error carries an exit's name; its code is the rules', as the struct reads them.
func TestExitCodeByName(t *testing.T) {
	exit := Rules().Exit
	for name, want := range map[string]int{"complete": exit.Complete, "config": exit.Config, "broker": exit.Broker, "markets": exit.Markets, "SIGTERM": exit.SIGTERM} {
		if got := ExitCode(name); got != want {
			t.Errorf("ExitCode(%q) = %d, want %d", name, got, want)
		}
	}
}
