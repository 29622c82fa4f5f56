//! librdkafka's statistics, averaged over the window for the report.
use serde_json::Value;
use std::collections::BTreeMap;

/// Averages of librdkafka's statistics over the window (as go/internal/kafka/stats.go).
#[derive(Default)]
pub struct Stats {
    sums: [(f64, u32); 8],
    first_tx: BTreeMap<String, f64>,
    last_tx: BTreeMap<String, f64>,
    parsed: u64,
}

impl Stats {
    fn add_mean(&mut self, i: usize, v: &Value) {
        if let Some(x) = v.as_f64() {
            if x.is_finite() {
                self.sums[i].0 += x;
                self.sums[i].1 += 1;
            }
        }
    }

    pub fn add(&mut self, raw: &[u8]) {
        let Ok(s) = serde_json::from_slice::<Value>(raw) else {
            return;
        };
        self.parsed += 1;
        if let Some(brokers) = s["brokers"].as_object() {
            for (name, b) in brokers {
                if b["nodeid"].as_i64().is_none_or(|n| n < 0) {
                    continue;
                }
                for (w, i) in [("int_latency", 0), ("outbuf_latency", 2), ("rtt", 4)] {
                    let win = &b[w];
                    if win["cnt"].as_f64().unwrap_or(0.0) == 0.0 {
                        continue;
                    }
                    self.add_mean(i, &win["p50"]);
                    self.add_mean(i + 1, &win["p99"]);
                }
                if let Some(tx) = b["tx"].as_f64() {
                    self.first_tx.entry(name.clone()).or_insert(tx);
                    self.last_tx.insert(name.clone(), tx);
                }
            }
        }
        if let Some(topics) = s["topics"].as_object() {
            for t in topics.values() {
                if t["batchsize"]["cnt"].as_f64().unwrap_or(0.0) != 0.0 {
                    self.add_mean(6, &t["batchsize"]["avg"]);
                }
                if t["batchcnt"]["cnt"].as_f64().unwrap_or(0.0) != 0.0 {
                    self.add_mean(7, &t["batchcnt"]["avg"]);
                }
            }
        }
    }

    pub fn summary(&self) -> Value {
        let m = |i: usize| {
            let (sum, n) = self.sums[i];
            if n == 0 {
                0.0
            } else {
                sum / n as f64
            }
        };
        let requests: i64 = self
            .last_tx
            .iter()
            .map(|(k, last)| (last - self.first_tx.get(k).copied().unwrap_or(0.0)).max(0.0) as i64)
            .sum();
        serde_json::json!({
            "samples": self.parsed,
            "intLatencyP50Us": m(0), "intLatencyP99Us": m(1),
            "outbufLatencyP50Us": m(2), "outbufLatencyP99Us": m(3),
            "rttP50Us": m(4), "rttP99Us": m(5),
            "batchSizeAvgBytes": m(6), "batchCountAvg": m(7),
            "requests": requests,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_average_windows() {
        let mut s = Stats::default();
        s.add(br#"{"brokers":{"b1":{"nodeid":1,"tx":10,"rtt":{"cnt":1,"p50":100,"p99":200}}},"topics":{"t":{"batchsize":{"cnt":1,"avg":50}}}}"#);
        s.add(br#"{"brokers":{"b1":{"nodeid":1,"tx":15,"rtt":{"cnt":1,"p50":300,"p99":400}}}}"#);
        let v = s.summary();
        assert_eq!(v["rttP50Us"], 200.0);
        assert_eq!(v["requests"], 5);
        assert_eq!(v["batchSizeAvgBytes"], 50.0);
    }
}
