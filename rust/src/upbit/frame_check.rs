//! The cheap per-frame check (no JSON parse): shape, code, subscribed market, payload field.
use std::collections::HashMap;

pub const NOT_JSON: &str = "not-json";
pub const NO_CODE: &str = "no-code";
pub const UNKNOWN_CODE: &str = "unknown-code";
pub const BAD_PAYLOAD: &str = "bad-payload";
pub const TOO_LARGE: &str = "too-large";
pub const BAD_UTF8: &str = "bad-utf8";

#[derive(PartialEq, Debug)]
pub enum Kind {
    Data,
    Status,
    Error,
}

pub fn classify(frame: &[u8]) -> Kind {
    if frame.starts_with(br#"{"status":"#) {
        Kind::Status
    } else if frame.starts_with(br#"{"error":"#) {
        Kind::Error
    } else {
        Kind::Data
    }
}

pub fn error_name(frame: &[u8]) -> String {
    serde_json::from_slice::<serde_json::Value>(frame)
        .ok()
        .and_then(|v| {
            v["error"]["name"]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// The index of the code in the subscribed list and the exchange timestamp (0 if none).
    Ok(usize, i64),
    Invalid(&'static str),
}

pub struct Checker {
    markets: HashMap<Vec<u8>, usize>,
    pub codes: Vec<String>,
    payload: &'static [u8],
    number: bool,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Checker {
    pub fn new(codes: &[String], channel: &str) -> Self {
        let (payload, number): (&'static [u8], bool) = if channel == "orderbook" {
            (br#""orderbook_units":["#, false)
        } else {
            (br#""trade_price":"#, true)
        };
        Checker {
            markets: codes
                .iter()
                .enumerate()
                .map(|(i, c)| (c.as_bytes().to_vec(), i))
                .collect(),
            codes: codes.to_vec(),
            payload,
            number,
        }
    }

    pub fn check(&self, f: &[u8]) -> Verdict {
        let n = f.len();
        if n < 2 || f[0] != b'{' || f[n - 1] != b'}' {
            return Verdict::Invalid(NOT_JSON);
        }
        const CODE: &[u8] = br#""code":""#;
        let Some(at) = find(f, CODE) else {
            return Verdict::Invalid(NO_CODE);
        };
        let from = at + CODE.len();
        let Some(len) = f[from..]
            .iter()
            .position(|&b| b == b'"')
            .filter(|&l| l <= 32)
        else {
            return Verdict::Invalid(NO_CODE);
        };
        let Some(&index) = self.markets.get(&f[from..from + len]) else {
            return Verdict::Invalid(UNKNOWN_CODE);
        };
        let Some(p) = find(f, self.payload) else {
            return Verdict::Invalid(BAD_PAYLOAD);
        };
        let next = p + self.payload.len();
        if self.number && (next >= n || !(f[next].is_ascii_digit() || f[next] == b'-')) {
            return Verdict::Invalid(BAD_PAYLOAD);
        }
        let mut ts: i64 = 0;
        if let Some(t) = find(f, br#","timestamp":"#) {
            for &d in &f[t + 13..] {
                if !d.is_ascii_digit() {
                    break;
                }
                ts = ts.saturating_mul(10).saturating_add((d - b'0') as i64);
            }
        }
        Verdict::Ok(index, ts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let c = Checker::new(&["KRW-BTC".to_owned()], "ticker");
        assert_eq!(
            c.check(br#"{"code":"KRW-BTC","trade_price":1,"timestamp":17}"#),
            Verdict::Ok(0, 17)
        );
        assert_eq!(c.check(b"nope"), Verdict::Invalid(NOT_JSON));
        assert_eq!(c.check(br#"{"x":1}"#), Verdict::Invalid(NO_CODE));
        assert_eq!(
            c.check(br#"{"code":"KRW-ETH","trade_price":1}"#),
            Verdict::Invalid(UNKNOWN_CODE)
        );
        assert_eq!(
            c.check(br#"{"code":"KRW-BTC","trade_price":"x"}"#),
            Verdict::Invalid(BAD_PAYLOAD)
        );
        assert_eq!(classify(br#"{"status":"UP"}"#), Kind::Status);
        assert_eq!(
            error_name(br#"{"error":{"name":"INVALID_AUTH"}}"#),
            "INVALID_AUTH"
        );
    }
}
