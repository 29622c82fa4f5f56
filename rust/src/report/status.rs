//! The run's status by the contract's rules (complete, degraded, failed, interrupted), its
//! reasons in the contract's order, and the exit code it ends with.
use crate::contract;

#[derive(Default, Debug, Clone)]
pub struct Outcome {
    pub received: u64,
    pub invalid: u64,
    pub delivered: u64,
    pub failed: u64,
    pub in_flight: u64,
    pub warmup_received: u64,
    pub warmup_produced: u64,
    pub warmup_delivered: u64,
    pub warmup_failed: u64,
    pub longest_all_down_ms: u64,
    pub target_ms: f64,
    pub measured_ms: f64,
    pub given_up: u64,
    pub bad_start: Option<String>,
    pub interrupted: bool,
}

fn unbalanced(o: &Outcome) -> Option<String> {
    let valid = o.received as i64 - o.invalid as i64;
    let sum = (o.delivered + o.failed + o.in_flight) as i64;
    if sum != valid {
        return Some(format!(
            "window: delivered {} + failed {} + in flight {} = {}, not the {} valid frames (received {} − invalid {})",
            o.delivered, o.failed, o.in_flight, sum, valid, o.received, o.invalid
        ));
    }
    if o.warmup_delivered + o.warmup_failed > o.warmup_received {
        return Some(format!(
            "warm-up: delivered {} + failed {} exceeds the {} frames received",
            o.warmup_delivered, o.warmup_failed, o.warmup_received
        ));
    }
    if o.warmup_delivered > o.warmup_produced {
        return Some(format!(
            "warm-up: delivered {} exceeds the {} produced",
            o.warmup_delivered, o.warmup_produced
        ));
    }
    None
}

/// The status and its reasons (in the contract's order of codes).
pub fn judge(o: &Outcome) -> (&'static str, Vec<(String, String)>) {
    let mut failed: Vec<(&str, String)> = Vec::new();
    let mut degraded: Vec<(&str, String)> = Vec::new();
    if let Some(why) = &o.bad_start {
        failed.push(("bad-start", why.clone()));
    } else {
        if o.received == 0 {
            failed.push(("no-messages", "no frame was received in the window".into()));
        }
        if o.delivered == 0 {
            failed.push(("none-delivered", "no message was delivered".into()));
        }
        let valid = o.received as i64 - o.invalid as i64;
        let lost = valid - o.delivered as i64;
        if lost > 0 {
            let msg = format!(
                "{} of {} valid frames were not delivered ({:.3} %)",
                lost,
                valid,
                lost as f64 / valid as f64 * 100.0
            );
            if lost as f64
                > contract::rule_f64(&["status", "failUndeliveredFraction"]) * valid as f64
            {
                failed.push(("undelivered", msg));
            } else {
                degraded.push(("undelivered", msg));
            }
        }
        let limit = (contract::rule_f64(&["status", "failAllDownMs"]))
            .min(contract::rule_f64(&["status", "failAllDownWindowFraction"]) * o.target_ms);
        if o.longest_all_down_ms as f64 >= limit {
            failed.push((
                "all-connections-down",
                format!(
                    "no connection was open for {} ms in one stretch (limit {:.0} ms)",
                    o.longest_all_down_ms, limit
                ),
            ));
        }
        if let Some(msg) = unbalanced(o) {
            failed.push(("unbalanced", msg));
        }
        if (o.measured_ms - o.target_ms).abs()
            > contract::rule_f64(&["status", "degradeAccuracyMs"])
        {
            degraded.push((
                "short-window",
                format!(
                    "the window lasted {:.0} ms instead of {:.0} ms",
                    o.measured_ms, o.target_ms
                ),
            ));
        }
    }
    if o.given_up > 0 && o.bad_start.is_none() {
        degraded.push((
            "connections-given-up",
            format!("{} connection(s) used up their retries", o.given_up),
        ));
    }
    let status = if o.interrupted {
        "interrupted"
    } else if !failed.is_empty() {
        "failed"
    } else if !degraded.is_empty() {
        "degraded"
    } else {
        "complete"
    };
    let order: Vec<String> = contract::rules()["statusCodes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut reasons = Vec::new();
    for code in &order {
        if let Some((_, m)) = failed
            .iter()
            .chain(degraded.iter())
            .find(|(c, _)| c == code)
        {
            reasons.push((code.clone(), m.clone()));
        }
    }
    (status, reasons)
}

pub fn exit_code(status: &str, signal: Option<&str>) -> i32 {
    match status {
        "degraded" => contract::exit_code("degraded"),
        "failed" => contract::exit_code("failed"),
        "interrupted" => contract::exit_code(signal.unwrap_or("SIGTERM")),
        _ => contract::exit_code("complete"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean() -> Outcome {
        Outcome {
            received: 100,
            delivered: 100,
            target_ms: 10_000.0,
            measured_ms: 10_000.0,
            ..Default::default()
        }
    }

    #[test]
    fn status_rules() {
        assert_eq!(judge(&clean()).0, "complete");
        let o = Outcome {
            delivered: 99,
            in_flight: 1,
            ..clean()
        };
        assert_eq!(judge(&o).0, "degraded");
        let o = Outcome {
            delivered: 50,
            failed: 50,
            ..clean()
        };
        let (status, reasons) = judge(&o);
        assert_eq!(status, "failed");
        assert_eq!(reasons[0].0, "undelivered");
        let o = Outcome {
            delivered: 99,
            ..clean()
        };
        assert!(judge(&o).1.iter().any(|(c, _)| c == "unbalanced"));
        let o = Outcome {
            longest_all_down_ms: 5_000,
            ..clean()
        };
        assert_eq!(judge(&o).1[0].0, "all-connections-down");
        let o = Outcome {
            bad_start: Some("x".into()),
            ..Default::default()
        };
        assert_eq!(
            judge(&o),
            ("failed", vec![("bad-start".to_owned(), "x".to_owned())])
        );
        assert_eq!(exit_code("interrupted", Some("SIGINT")), 130);
    }
}
