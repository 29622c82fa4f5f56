package config

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/upbit-kafka-bench/go-producer/internal/contract"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// field reads the Config field a row fills, through the same tag Parse uses.
func field(c Config, name string) any {
	return fieldByEnv(reflect.ValueOf(&c).Elem(), name).Interface()
}

func mustParse(t *testing.T, e map[string]string, args ...string) Config {
	t.Helper()
	c, err := Parse(env(e), args, "go")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantError(t *testing.T, e map[string]string, args []string, want string) {
	t.Helper()
	_, err := Parse(env(e), args, "go")
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%v %v: got %v, want %q", e, args, err, want)
	}
	if _, ok := err.(*Error); err != nil && !ok {
		t.Errorf("%T is not *config.Error", err)
	}
}

// Every row of the contract's table is a flag and a Config field, with the table's default and
// the table's bounds: editing the table changes this parser, and editing Go alone fails here.
func TestEveryTableRowDefaultsAndBounds(t *testing.T) {
	defaults := mustParse(t, nil)
	for _, row := range contract.Env() {
		t.Run(row.Name, func(t *testing.T) {
			flag := FlagName(row.Name)
			if row.Default != nil {
				want, reason := parseValue(row, *row.Default)
				if reason != "" {
					t.Fatalf("the table's default %q is refused: %s", *row.Default, reason)
				}
				if got := field(defaults, row.Name); !reflect.DeepEqual(got, want) {
					t.Errorf("default %v, want the table's %q", got, *row.Default)
				}
			}
			switch row.Type {
			case "int":
				min, max := *row.Min, *row.Max
				between := "must be between " + strconv.FormatInt(min, 10) + " and " + strconv.FormatInt(max, 10)
				for _, bad := range []int64{min - 1, max + 1} {
					v := strconv.FormatInt(bad, 10)
					wantError(t, map[string]string{row.Name: v}, nil, row.Name+" ("+flag+`) = "`+v+`": `+between)
				}
				for _, good := range []int64{min, max} {
					v := strconv.FormatInt(good, 10)
					if got := field(mustParse(t, nil, flag+"="+v), row.Name); got != int(good) {
						t.Errorf("%s=%s read as %v", flag, v, got)
					}
					if got := field(mustParse(t, map[string]string{row.Name: v}), row.Name); got != int(good) {
						t.Errorf("%s=%s read as %v", row.Name, v, got)
					}
				}
				for _, bad := range []string{"0x10", "1_0", "1e3", "1.5", "1.0", " 5", "5 ", "+5", "", "abc"} {
					wantError(t, nil, []string{flag, bad}, row.Name+" ("+flag+") = "+quote(bad)+": must be an integer")
				}
			case "enum":
				for _, v := range row.Values {
					if got := field(mustParse(t, nil, flag, v), row.Name); got != v {
						t.Errorf("%s %s read as %v", flag, v, got)
					}
				}
				wantError(t, map[string]string{row.Name: "nope"}, nil, row.Name+" ("+flag+`) = "nope": must be one of `+strings.Join(row.Values, ", "))
			}
		})
	}
}

// The Config struct and the table agree field for field.
func TestEveryConfigFieldIsATableRow(t *testing.T) {
	rows := map[string]bool{}
	for _, row := range contract.Env() {
		rows[row.Name] = true
	}
	typ := reflect.TypeFor[Config]()
	for i := range typ.NumField() {
		if tag := typ.Field(i).Tag.Get("env"); !rows[tag] {
			t.Errorf("Config.%s is tagged %q, which is not a row of the table", typ.Field(i).Name, tag)
		}
	}
	if typ.NumField() != len(rows) {
		t.Errorf("%d fields for %d rows", typ.NumField(), len(rows))
	}
}

// A field's name is its env name, mechanically (docs/architecture.md, "One module map"):
// KAFKA_BOOTSTRAP_SERVERS → KafkaBootstrapServers, with Go's initialism for URL. No field is
// renamed by hand, in any language.
func TestFieldNamesFollowEnvNames(t *testing.T) {
	typ := reflect.TypeFor[Config]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		words := strings.Split(f.Tag.Get("env"), "_")
		for j, w := range words {
			if w != "URL" {
				words[j] = w[:1] + strings.ToLower(w[1:])
			}
		}
		if want := strings.Join(words, ""); f.Name != want {
			t.Errorf("the field for %s is %s, not %s", f.Tag.Get("env"), f.Name, want)
		}
	}
}
