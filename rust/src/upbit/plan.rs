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

/// Backoff: base·2^(attempt−1), ±20 % jitter, capped at 16 s; 4× after a refused handshake.
pub fn backoff_delay_ms(attempt: u32, base_ms: i64, rate_limited: bool, random: f64) -> u64 {
    let exp = (base_ms as f64 * 2f64.powi(attempt as i32 - 1)).min(16_000.0);
    let jitter = 1.0 + (random * 2.0 - 1.0) * 0.2;
    let factor = if rate_limited { 4.0 } else { 1.0 };
    (exp * jitter * factor).round() as u64
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
        assert_eq!(backoff_delay_ms(1, 1000, false, 0.5), 1000);
        assert_eq!(backoff_delay_ms(10, 1000, false, 0.5), 16_000);
        assert_eq!(backoff_delay_ms(1, 1000, true, 0.5), 4000);
    }
}
