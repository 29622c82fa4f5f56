//! How many reconnects a connection has left. Each drop uses one attempt; the budget is restored
//! only by a connection that had stayed open for RECONNECT_STABLE_MS. A drop sooner is a flap and
//! keeps using up the same budget, so a server that accepts and drops every connection gets
//! RECONNECT_MAX_RETRIES attempts, not an endless loop. An attempt that never opened uses the
//! budget too, without being a flap.
use std::time::Duration;

/// What one drop counts as.
#[derive(Debug, PartialEq, Eq)]
pub struct DropVerdict {
    /// dropped within RECONNECT_STABLE_MS of opening
    pub flap: bool,
    /// the reconnect attempt to make (1-based), or None: out of retries, give up
    pub attempt: Option<u32>,
}

pub struct RetryBudget {
    max_retries: u32,
    stable: Duration,
    used: u32,
}

impl RetryBudget {
    pub fn new(max_retries: u32, stable: Duration) -> Self {
        RetryBudget {
            max_retries,
            stable,
            used: 0,
        }
    }

    /// A drop; `open_for` is how long the connection had been open, None when it never opened.
    pub fn drop(&mut self, open_for: Option<Duration>) -> DropVerdict {
        let flap = open_for.is_some_and(|d| d < self.stable);
        if open_for.is_some() && !flap {
            self.used = 0; // it stayed up long enough: a fresh budget for this drop
        }
        if self.used >= self.max_retries {
            return DropVerdict {
                flap,
                attempt: None,
            };
        }
        self.used += 1;
        DropVerdict {
            flap,
            attempt: Some(self.used),
        }
    }

    /// Retries spent since the budget last reset.
    pub fn used(&self) -> u32 {
        self.used
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(flap: bool, attempt: Option<u32>) -> DropVerdict {
        DropVerdict { flap, attempt }
    }
    fn ms(n: u64) -> Option<Duration> {
        Some(Duration::from_millis(n))
    }

    /// The same cases as src/contender/upbit/retry-budget.test.ts.
    #[test]
    fn the_budget() {
        let mut b = RetryBudget::new(3, Duration::from_millis(10_000));
        let got: Vec<_> = (0..4).map(|_| b.drop(ms(5))).collect();
        assert_eq!(
            got,
            [
                v(true, Some(1)),
                v(true, Some(2)),
                v(true, Some(3)),
                v(true, None)
            ]
        );

        let mut b = RetryBudget::new(2, Duration::from_millis(1000));
        assert_eq!(b.drop(ms(10)), v(true, Some(1)));
        assert_eq!(b.drop(ms(10)), v(true, Some(2)));
        assert_eq!(b.drop(ms(1000)), v(false, Some(1)));

        let mut b = RetryBudget::new(2, Duration::from_millis(1000));
        let got: Vec<_> = (0..3).map(|_| b.drop(None)).collect();
        assert_eq!(got, [v(false, Some(1)), v(false, Some(2)), v(false, None)]);

        let mut b = RetryBudget::new(1, Duration::ZERO);
        let got: Vec<_> = (0..3).map(|_| b.drop(ms(0))).collect();
        assert_eq!(
            got,
            [v(false, Some(1)), v(false, Some(1)), v(false, Some(1))]
        );

        assert_eq!(
            RetryBudget::new(0, Duration::from_millis(1000)).drop(ms(5000)),
            v(false, None)
        );
    }
}
