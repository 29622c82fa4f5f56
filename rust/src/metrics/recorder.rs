//! The window's counters and a ring of per-message times indexed by seq (no allocation per
//! message): what a delivery report closes, the intervals, the invalid-frame samples.
use super::histogram::{histogram, record};
use crate::contract;
use hdrhistogram::Histogram;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Instant;

const RING_BITS: u32 = 19; // 2^19 in-flight messages tracked: minutes of backlog at 2,000 msg/s
const RING: usize = 1 << RING_BITS;
const MASK: u64 = RING as u64 - 1;

#[derive(Serialize, Clone, Debug)]
pub struct InvalidSample {
    pub reason: String,
    pub frame: String,
    pub bytes: usize,
}

#[derive(Serialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct IntervalSample {
    pub offset_ms: f64,
    pub received: u64,
    pub delivered: u64,
    pub failed: u64,
    pub received_per_sec: f64,
    pub delivered_per_sec: f64,
    pub pipeline_p99_us: f64,
    pub rss_bytes: u64,
    pub heap_bytes: u64,
}

#[derive(Default, Clone, Copy, Debug)]
pub struct WarmupCounts {
    pub received: u64,
    pub produced: u64,
    pub delivered: u64,
    pub failed: u64,
}

pub struct Recorder {
    base: Instant,
    pub warmup: WarmupCounts,
    pub before_ready: u64,
    pub status_frames: u64,
    pub error_frames: BTreeMap<String, u64>,
    pub received: u64,
    pub bytes_received: u64,
    pub invalid: u64,
    pub produced: u64,
    pub delivered: u64,
    pub delivered_bytes: u64,
    pub failed: u64,
    pub failed_drs: u64,
    pub queue_full_retries: u64,
    pub errors_by_code: BTreeMap<String, u64>,
    pub invalid_samples: Vec<InvalidSample>,
    pub processing: Histogram<u64>,
    pub kafka_ack: Histogram<u64>,
    pub pipeline: Histogram<u64>,
    pub exchange_to_ack: Histogram<u64>,
    interval: Histogram<u64>,
    in_at: Vec<u64>,
    produced_at: Vec<u64>,
    exchange_ms: Vec<i64>,
    seq_at: Vec<u64>,
    size_at: Vec<u32>,
    pub intervals: Vec<IntervalSample>,
    last_offset_ms: f64,
    last_received: u64,
    last_delivered: u64,
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}

impl Recorder {
    pub fn new() -> Self {
        Recorder {
            base: Instant::now(),
            warmup: WarmupCounts::default(),
            before_ready: 0,
            status_frames: 0,
            error_frames: BTreeMap::new(),
            received: 0,
            bytes_received: 0,
            invalid: 0,
            produced: 0,
            delivered: 0,
            delivered_bytes: 0,
            failed: 0,
            failed_drs: 0,
            queue_full_retries: 0,
            errors_by_code: BTreeMap::new(),
            invalid_samples: Vec::new(),
            processing: histogram(),
            kafka_ack: histogram(),
            pipeline: histogram(),
            exchange_to_ack: histogram(),
            interval: histogram(),
            in_at: vec![0; RING],
            produced_at: vec![0; RING],
            exchange_ms: vec![0; RING],
            seq_at: vec![0; RING],
            size_at: vec![0; RING],
            intervals: Vec::new(),
            last_offset_ms: 0.0,
            last_received: 0,
            last_delivered: 0,
        }
    }

    /// Nanoseconds since the recorder was made (monotonic).
    pub fn now(&self) -> u64 {
        self.base.elapsed().as_nanos() as u64
    }

    pub fn frame_in(&mut self, seq: u64, in_at: u64, bytes: usize, exchange_ms: i64) {
        let slot = (seq & MASK) as usize;
        self.in_at[slot] = in_at;
        self.exchange_ms[slot] = exchange_ms;
        self.seq_at[slot] = seq;
        self.size_at[slot] = bytes as u32;
    }

    pub fn produced_ok(&mut self, seq: u64, now: u64) {
        self.produced += 1;
        let slot = (seq & MASK) as usize;
        self.produced_at[slot] = now;
        record(
            &mut self.processing,
            now.saturating_sub(self.in_at[slot]) as f64 / 1000.0,
        );
    }

    pub fn invalid_frame(&mut self, reason: &str, frame: &[u8], size: usize) {
        self.invalid += 1;
        let max = contract::rule_i64(&["invalidSamples", "max"]) as usize;
        let keep = contract::rule_i64(&["invalidSamples", "bytes"]) as usize;
        if self.invalid_samples.len() < max {
            let head = &frame[..frame.len().min(keep)];
            self.invalid_samples.push(InvalidSample {
                reason: reason.to_owned(),
                frame: String::from_utf8_lossy(head).into_owned(),
                bytes: size,
            });
        }
    }

    pub fn delivery_report(&mut self, seq: u64, err: Option<&str>, now: u64, wall_ms: i64) {
        if let Some(name) = err {
            self.failed += 1;
            self.failed_drs += 1;
            *self.errors_by_code.entry(name.to_owned()).or_default() += 1;
            return;
        }
        self.delivered += 1;
        let slot = (seq & MASK) as usize;
        if self.seq_at[slot] != seq {
            return;
        }
        self.delivered_bytes += self.size_at[slot] as u64;
        record(
            &mut self.kafka_ack,
            now.saturating_sub(self.produced_at[slot]) as f64 / 1000.0,
        );
        let pipeline_us = now.saturating_sub(self.in_at[slot]) as f64 / 1000.0;
        record(&mut self.pipeline, pipeline_us);
        record(&mut self.interval, pipeline_us);
        let ex = self.exchange_ms[slot];
        if ex > 0 {
            record(&mut self.exchange_to_ack, (wall_ms - ex) as f64 * 1000.0);
        }
    }

    /// The window's messages produced whose delivery report has not been served.
    pub fn in_flight(&self) -> u64 {
        self.produced
            .saturating_sub(self.delivered + self.failed_drs)
    }

    pub fn produce_error(&mut self, name: &str) {
        self.failed += 1;
        *self.errors_by_code.entry(name.to_owned()).or_default() += 1;
    }

    pub fn interval(&mut self, offset_ms: f64, rss: u64, heap: u64) -> IntervalSample {
        let seconds = ((offset_ms - self.last_offset_ms) / 1000.0).max(1e-9);
        let p99 = if self.interval.is_empty() {
            0.0
        } else {
            self.interval.value_at_quantile(0.99) as f64
        };
        let round1 = |x: f64| (x * 10.0).round() / 10.0;
        let s = IntervalSample {
            offset_ms: offset_ms.round(),
            received: self.received,
            delivered: self.delivered,
            failed: self.failed,
            received_per_sec: round1((self.received - self.last_received) as f64 / seconds),
            delivered_per_sec: round1(
                (self.delivered.saturating_sub(self.last_delivered)) as f64 / seconds,
            ),
            pipeline_p99_us: p99,
            rss_bytes: rss,
            heap_bytes: heap,
        };
        self.intervals.push(s.clone());
        self.last_offset_ms = offset_ms;
        self.last_received = self.received;
        self.last_delivered = self.delivered;
        self.interval.reset();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn books_of_a_delivery() {
        let mut r = Recorder::new();
        r.frame_in(1, 0, 10, 0);
        r.produced_ok(1, 1000);
        assert_eq!(r.in_flight(), 1);
        r.delivery_report(1, None, 3000, 0);
        assert_eq!((r.delivered, r.in_flight(), r.delivered_bytes), (1, 0, 10));
        assert_eq!(r.pipeline.len(), 1);
    }
}
