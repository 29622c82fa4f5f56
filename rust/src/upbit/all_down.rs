//! The all-down clock: the stretches with no connection open, whose longest inside the window is
//! the report's `longestAllDownMs` (and, past the contract's limit, a failed run).
use std::time::{Duration, Instant};

pub struct AllDown {
    open: usize,
    downs: Vec<(Instant, Instant)>,
    down_since: Option<Instant>,
}

impl AllDown {
    /// None open yet: the clock runs from `at`, the start.
    pub fn new(at: Instant) -> Self {
        AllDown {
            open: 0,
            downs: Vec::new(),
            down_since: Some(at),
        }
    }

    pub fn open(&self) -> usize {
        self.open
    }

    /// A connection opened at `at`: the first one ends a stretch with none open.
    pub fn opened(&mut self, at: Instant) {
        self.open += 1;
        if self.open == 1 {
            if let Some(since) = self.down_since.take() {
                self.downs.push((since, at));
            }
        }
    }

    /// A connection closed at `at`: the last one starts a stretch with none open.
    pub fn closed(&mut self, at: Instant) {
        self.open = self.open.saturating_sub(1);
        if self.open == 0 {
            self.down_since = Some(at);
        }
    }

    /// The longest stretch in [from, to] with no connection open.
    pub fn longest(&self, from: Instant, to: Instant) -> Duration {
        let mut all = self.downs.clone();
        if let Some(since) = self.down_since {
            all.push((since, to));
        }
        all.iter()
            .map(|&(a, b)| b.min(to).saturating_duration_since(a.max(from)))
            .max()
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_stretch_with_none_open_inside_the_window() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut c = AllDown::new(t0);
        c.opened(t0 + ms(100));
        c.opened(t0 + ms(150));
        c.closed(t0 + ms(200));
        c.closed(t0 + ms(300));
        c.opened(t0 + ms(700));
        assert_eq!(c.open(), 1);
        assert_eq!(c.longest(t0, t0 + ms(1000)), ms(400));
        assert_eq!(c.longest(t0 + ms(500), t0 + ms(1000)), ms(200));
        c.closed(t0 + ms(800));
        assert_eq!(c.longest(t0 + ms(500), t0 + ms(1300)), ms(500));
    }
}
