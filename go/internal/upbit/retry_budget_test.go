package upbit

import (
	"slices"
	"testing"
	"time"
)

// The same cases as src/contender/upbit/retry-budget.test.ts.
func TestRetryBudget(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	type drop struct {
		opened  bool
		openFor time.Duration
	}
	flapping := drop{true, ms(5)}
	never := drop{}
	for _, c := range []struct {
		name   string
		max    int
		stable time.Duration
		drops  []drop
		want   []DropVerdict
	}{
		{"a connection that drops right after every open gives up after RECONNECT_MAX_RETRIES", 3, ms(10_000),
			[]drop{flapping, flapping, flapping, flapping},
			[]DropVerdict{{true, 1}, {true, 2}, {true, 3}, {true, 0}}},
		{"a drop after RECONNECT_STABLE_MS open restores the whole budget", 2, ms(1000),
			[]drop{{true, ms(10)}, {true, ms(10)}, {true, ms(1000)}},
			[]DropVerdict{{true, 1}, {true, 2}, {false, 1}}},
		{"attempts that never open use the budget without being flaps", 2, ms(1000),
			[]drop{never, never, never},
			[]DropVerdict{{false, 1}, {false, 2}, {false, 0}}},
		{"RECONNECT_STABLE_MS = 0: every drop of an open connection restores the budget", 1, 0,
			[]drop{{true, 0}, {true, 0}, {true, 0}},
			[]DropVerdict{{false, 1}, {false, 1}, {false, 1}}},
		{"RECONNECT_MAX_RETRIES = 0: the first drop gives up", 0, ms(1000),
			[]drop{{true, ms(5000)}},
			[]DropVerdict{{false, 0}}},
	} {
		budget := NewRetryBudget(c.max, c.stable)
		var got []DropVerdict
		for _, d := range c.drops {
			got = append(got, budget.Drop(d.opened, d.openFor))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
