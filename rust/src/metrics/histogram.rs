//! HDR histograms: µs, 3 significant digits, up to an hour; their read-out as the report's
//! latency summary (the same vectors as every contender: schemas/histogram-vectors.json).
use base64::Engine;
use hdrhistogram::serialization::{Serializer, V2DeflateSerializer};
use hdrhistogram::Histogram;
use serde::Serialize;

const HIGHEST_US: u64 = 3_600_000_000;

pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, HIGHEST_US, 3).expect("histogram bounds")
}

pub fn record(h: &mut Histogram<u64>, us: f64) {
    let v = us.round().clamp(0.0, HIGHEST_US as f64) as u64;
    h.saturating_record(v);
}

/// The histogram itself in HdrHistogram's compressed V2 form, base64 (what every HDR library
/// reads), so the comparison can pool rounds: summaries cannot be merged, histograms can.
pub fn encode(h: &Histogram<u64>) -> String {
    let mut bytes = Vec::new();
    V2DeflateSerializer::new()
        .serialize(h, &mut bytes)
        // it fails only on a failed write (to this Vec, which cannot) or on counts past i64
        .expect("V2 deflate encoding of a latency histogram");
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[derive(Serialize, Default, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LatencySummary {
    pub count: u64,
    pub min_us: f64,
    pub mean_us: f64,
    pub p50_us: f64,
    pub p95_us: f64,
    pub p99_us: f64,
    pub p999_us: f64,
    pub max_us: f64,
}

pub fn summarize(h: &Histogram<u64>) -> LatencySummary {
    if h.is_empty() {
        return LatencySummary::default();
    }
    LatencySummary {
        count: h.len(),
        min_us: h.min() as f64,
        mean_us: (h.mean() * 10.0).round() / 10.0,
        p50_us: h.value_at_quantile(0.50) as f64,
        p95_us: h.value_at_quantile(0.95) as f64,
        p99_us: h.value_at_quantile(0.99) as f64,
        p999_us: h.value_at_quantile(0.999) as f64,
        max_us: h.max() as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The encoded histogram is the one the summary was read from: it decodes (here with the
    /// hdrhistogram crate, in the bench with hdr-histogram-js) to the same read-out.
    #[test]
    fn the_encoded_histogram_decodes_to_the_summarized_one() {
        use base64::Engine;
        use hdrhistogram::serialization::Deserializer;
        let decode = |encoded: &str| -> Histogram<u64> {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .unwrap();
            Deserializer::new()
                .deserialize(&mut bytes.as_slice())
                .unwrap()
        };
        let mut h = histogram();
        for i in 0..5000u64 {
            let v = if i % 50 == 0 { 0 } else { (i * 7919) % 5000 };
            record(&mut h, (v * v) as f64 / 10.0);
        }
        let decoded = decode(&encode(&h));
        assert_eq!(summarize(&decoded), summarize(&h));
        assert_eq!(decoded.len(), 5000);
        assert_eq!(decoded.value_at_quantile(0.99) as f64, summarize(&h).p99_us);
        assert!(decode(&encode(&histogram())).is_empty());
    }

    #[test]
    fn histogram_matches_the_shared_vectors() {
        let v: serde_json::Value =
            serde_json::from_str(include_str!("../../../schemas/histogram-vectors.json")).unwrap();
        let cases = v["cases"]
            .as_array()
            .or_else(|| v.as_array())
            .expect("cases");
        for case in cases {
            let mut h = histogram();
            for x in case["values"].as_array().unwrap() {
                record(&mut h, x.as_f64().unwrap());
            }
            let got = serde_json::to_value(summarize(&h)).unwrap();
            let want = &case["summary"];
            for key in [
                "count", "minUs", "p50Us", "p95Us", "p99Us", "p999Us", "maxUs",
            ] {
                assert_eq!(got[key].as_f64(), want[key].as_f64(), "{key} of {case}");
            }
        }
    }
}
