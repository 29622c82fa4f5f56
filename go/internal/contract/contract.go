// Package contract is the contender contract of docs/contenders.md as the Go contender reads it:
// the JSON files set-up generates from src/contract (checked in here because go:embed cannot
// reach outside the module). Nothing in Go restates a number or a default of these files.
package contract

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

var (
	//go:embed contender-env.json
	envJSON []byte
	//go:embed contract-rules.json
	rulesJSON []byte
	//go:embed report.schema.json
	reportSchemaJSON []byte
	//go:embed events.schema.json
	eventsSchemaJSON []byte
)

// EnvVar is one row of the configuration table (src/contract/env.ts).
type EnvVar struct {
	Name        string   `json:"name"`
	Type        string   `json:"type"`
	Default     *string  `json:"default"`
	DefaultText string   `json:"defaultText"`
	Min         *int64   `json:"min"`
	Max         *int64   `json:"max"`
	Values      []string `json:"values"`
	Pattern     string   `json:"pattern"`
	Meaning     string   `json:"meaning"`
}

// RuleSet is the numbers of src/contract/rules.ts.
type RuleSet struct {
	// Channels are the UPBIT_CHANNEL values, as Upbit names them.
	Channels []string `json:"channels"`
	// Timing every contender keeps alike (src/contract/rules.ts TIMING).
	Timing struct {
		StartBoundaryMs   int64 `json:"startBoundaryMs"`
		MetricsIntervalMs int64 `json:"metricsIntervalMs"`
		BackoffCapMs      int64 `json:"backoffCapMs"`
		QueueFullGiveUpMs int64 `json:"queueFullGiveUpMs"`
	} `json:"timing"`
	// Backoff is the reconnect delay's jitter and its factor after a 429 (src/contract/rules.ts BACKOFF).
	Backoff struct {
		Jitter            float64 `json:"jitter"`
		RateLimitedFactor float64 `json:"rateLimitedFactor"`
	} `json:"backoff"`
	Exit struct {
		Complete int `json:"complete"`
		Config   int `json:"config"`
		Broker   int `json:"broker"`
		Markets  int `json:"markets"`
		Degraded int `json:"degraded"`
		Failed   int `json:"failed"`
		SIGINT   int `json:"SIGINT"`
		SIGTERM  int `json:"SIGTERM"`
	} `json:"exit"`
	Status struct {
		FailUndeliveredFraction   float64 `json:"failUndeliveredFraction"`
		FailAllDownMs             int64   `json:"failAllDownMs"`
		FailAllDownWindowFraction float64 `json:"failAllDownWindowFraction"`
		DegradeAccuracyMs         float64 `json:"degradeAccuracyMs"`
	} `json:"status"`
	StatusCodes []string `json:"statusCodes"`
	MarketList  struct {
		MaxBytes   int64 `json:"maxBytes"`
		MaxMarkets int   `json:"maxMarkets"`
	} `json:"marketList"`
	StartHorizon struct {
		PastMs   int64 `json:"pastMs"`
		FutureMs int64 `json:"futureMs"`
	} `json:"startHorizon"`
	Stdin struct {
		MaxLineBytes    int `json:"maxLineBytes"`
		MaxIgnoredLines int `json:"maxIgnoredLines"`
	} `json:"stdin"`
	SettingsFile struct {
		MaxBytes      int64  `json:"maxBytes"`
		CommentPrefix string `json:"commentPrefix"`
	} `json:"settingsFile"`
	InvalidSamples struct {
		Max   int `json:"max"`
		Bytes int `json:"bytes"`
	} `json:"invalidSamples"`
	Secrets struct {
		Replacement string   `json:"replacement"`
		Properties  []string `json:"properties"`
		Words       []string `json:"words"`
	} `json:"secrets"`
	ConsumerOnlyProperties []string `json:"consumerOnlyProperties"`
}

var (
	env   []EnvVar
	rules RuleSet
	exits map[string]int // the rules' exit codes by name, for ExitCode
)

func init() {
	var table struct {
		Variables []EnvVar `json:"variables"`
	}
	mustDecode("contender-env.json", envJSON, &table)
	env = table.Variables
	mustDecode("contract-rules.json", rulesJSON, &rules)
	var byName struct {
		Exit map[string]int `json:"exit"`
	}
	mustDecode("contract-rules.json", rulesJSON, &byName)
	exits = byName.Exit
}

// A broken embedded file is a build defect, not a runtime condition: fail at start-up, loudly.
func mustDecode(name string, data []byte, into any) {
	if err := json.Unmarshal(data, into); err != nil {
		panic(fmt.Sprintf("contract: embedded %s: %v", name, err))
	}
}

// Env is the configuration table, in contract order.
func Env() []EnvVar { return env }

// Rules are the exit codes, status thresholds and input bounds.
func Rules() RuleSet { return rules }

// ExitCode is an exit code by its name in the rules (complete, config, broker, markets, degraded,
// failed, SIGINT, SIGTERM); a name the rules do not have is a defect of the caller.
func ExitCode(name string) int {
	code, ok := exits[name]
	if !ok {
		panic(fmt.Sprintf("contract: no exit code named %q", name))
	}
	return code
}
