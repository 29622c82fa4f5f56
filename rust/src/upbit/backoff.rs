//! Reconnect delays: base·2^(attempt−1) capped at the contract's backoffCapMs (16 s), ±20 %
//! jitter so connections dropped together do not come back in lock-step, four times longer after
//! a 429 (Upbit answers a flood with 429; hammering it again only extends the ban).
use crate::contract;

pub fn backoff_delay_ms(attempt: u32, base_ms: i64, rate_limited: bool, random: f64) -> u64 {
    let cap = contract::rule_i64(&["timing", "backoffCapMs"]) as f64;
    let exp = (base_ms as f64 * 2f64.powi(attempt as i32 - 1)).min(cap);
    let jitter = 1.0 + (random * 2.0 - 1.0) * contract::rule_f64(&["backoff", "jitter"]);
    let factor = if rate_limited {
        contract::rule_f64(&["backoff", "rateLimitedFactor"])
    } else {
        1.0
    };
    (exp * jitter * factor).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubling_capped_and_four_times_after_429() {
        assert_eq!(backoff_delay_ms(1, 1000, false, 0.5), 1000);
        assert_eq!(backoff_delay_ms(10, 1000, false, 0.5), 16_000);
        assert_eq!(backoff_delay_ms(1, 1000, true, 0.5), 4000);
    }
}
