//! The connection plan: chunks of MARKETS_PER_CONNECTION in list order, CONNECT_BATCH at a time,
//! one batch per CONNECT_INTERVAL_MS, and the phase-aligned first batch.

pub struct Planned {
    pub index: usize,
    pub codes: Vec<String>,
    /// ms after the first batch
    pub open_at_ms: u64,
}

pub fn plan(
    codes: &[String],
    per_connection: usize,
    batch: usize,
    interval_ms: u64,
) -> Vec<Planned> {
    codes
        .chunks(per_connection)
        .enumerate()
        .map(|(index, chunk)| Planned {
            index,
            codes: chunk.to_vec(),
            open_at_ms: (index / batch) as u64 * interval_ms,
        })
        .collect()
}

/// The first batch's wall-clock instant: now, or with a phase ≥ 0 the first t ≥ now with
/// t mod interval = phase.
pub fn first_batch_at(now_ms: i64, interval_ms: i64, phase_ms: i64) -> i64 {
    if phase_ms < 0 || interval_ms <= 0 {
        return now_ms;
    }
    let phase = phase_ms % interval_ms;
    let mut at = now_ms - now_ms % interval_ms + phase;
    if at < now_ms {
        at += interval_ms;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_batches_and_phase() {
        let codes: Vec<String> = (0..5).map(|i| format!("KRW-C{i}")).collect();
        let p = plan(&codes, 2, 2, 1000);
        assert_eq!(p.len(), 3);
        assert_eq!(p[2].codes, vec!["KRW-C4"]);
        assert_eq!(
            p.iter().map(|c| c.open_at_ms).collect::<Vec<_>>(),
            vec![0, 0, 1000]
        );
        assert_eq!(first_batch_at(10_500, 2000, 300), 12_300);
        assert_eq!(first_batch_at(10_500, 2000, -1), 10_500);
    }
}
