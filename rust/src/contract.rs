//! The contract's generated copies (schemas/, exported from src/contract/ by set-up), embedded at
//! build time so the binary and its tests read the very rules the bench checks.
use serde_json::Value;
use std::sync::OnceLock;

pub const ENV_JSON: &str = include_str!("../../schemas/contender-env.json");
pub const RULES_JSON: &str = include_str!("../../schemas/contract-rules.json");
#[cfg(test)]
pub const REPORT_SCHEMA_JSON: &str = include_str!("../../schemas/report.schema.json");

pub fn env() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| serde_json::from_str(ENV_JSON).expect("schemas/contender-env.json"))
}

pub fn rules() -> &'static Value {
    static V: OnceLock<Value> = OnceLock::new();
    V.get_or_init(|| serde_json::from_str(RULES_JSON).expect("schemas/contract-rules.json"))
}

pub fn rule_i64(path: &[&str]) -> i64 {
    let mut v = rules();
    for p in path {
        v = &v[*p];
    }
    v.as_i64()
        .unwrap_or_else(|| panic!("contract rule {path:?}"))
}

pub fn rule_f64(path: &[&str]) -> f64 {
    let mut v = rules();
    for p in path {
        v = &v[*p];
    }
    v.as_f64()
        .unwrap_or_else(|| panic!("contract rule {path:?}"))
}

pub fn rule_str(path: &[&str]) -> &'static str {
    let mut v = rules();
    for p in path {
        v = &v[*p];
    }
    v.as_str()
        .unwrap_or_else(|| panic!("contract rule {path:?}"))
}

pub fn exit_code(name: &str) -> i32 {
    rule_i64(&["exit", name]) as i32
}

fn strings(key: &[&str]) -> Vec<String> {
    let mut v = rules();
    for p in key {
        v = &v[*p];
    }
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub fn consumer_only(key: &str) -> bool {
    strings(&["consumerOnlyProperties"])
        .iter()
        .any(|k| k == key)
}

pub const REDACTED: &str = "[redacted]";

/// A property whose value is never shown (contract `SECRETS`).
pub fn is_secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    strings(&["secrets", "properties"]).contains(&k)
        || strings(&["secrets", "words"])
            .iter()
            .any(|w| k.contains(w.as_str()))
}

/// A URL with its user info replaced: `http://[redacted]@host`.
pub fn redact_url(url: &str) -> String {
    if let Some(scheme_end) = url.find("://") {
        let rest = &url[scheme_end + 3..];
        let auth_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        if let Some(at) = rest[..auth_end].rfind('@') {
            return format!("{}://{}@{}", &url[..scheme_end], REDACTED, &rest[at + 1..]);
        }
    }
    url.to_owned()
}

/// The run's secret values and URL user info, scrubbed from text that came from a library or the
/// network before it is printed.
#[derive(Default, Clone)]
pub struct Scrubber {
    secrets: Vec<String>,
}

impl Scrubber {
    pub fn add(&mut self, value: &str) {
        if value.len() >= 3 {
            self.secrets.push(value.to_owned());
        }
    }

    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for s in &self.secrets {
            out = out.replace(s.as_str(), REDACTED);
        }
        scrub_user_info(&out)
    }
}

fn scrub_user_info(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        out.push_str(&rest[..i + 3]);
        rest = &rest[i + 3..];
        let end = rest
            .find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace() || c == '"')
            .unwrap_or(rest.len());
        if let Some(at) = rest[..end].rfind('@') {
            out.push_str(REDACTED);
            rest = &rest[at..];
        }
    }
    out.push_str(rest);
    out
}

/// A `k=v,k=v` text as an error line may show it: secret values (and items that may be the rest
/// of one) redacted.
pub fn redact_properties_text(text: &str) -> String {
    let mut after_secret = false;
    text.split(',')
        .map(|item| match item.split_once('=') {
            None if after_secret || is_secret(item) => REDACTED.to_owned(),
            None => item.to_owned(),
            Some((key, _)) => {
                after_secret = is_secret(key);
                if after_secret {
                    format!("{key}={REDACTED}")
                } else {
                    item.to_owned()
                }
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Why item `index` (from 0) of a `k=v,k=v` text is not key=value.
pub fn not_key_value_reason(text: &str, index: usize) -> String {
    let redacted = redact_properties_text(text);
    let shown = redacted.split(',').nth(index).unwrap_or("").trim();
    if shown == REDACTED {
        format!(
            "item {} is not key=value (not shown: it may hold part of a secret)",
            index + 1
        )
    } else {
        format!("{} is not key=value", quote(shown))
    }
}

/// A value quoted as JSON (and the TypeScript side's JSON.stringify) renders it.
pub fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_follow_the_rule() {
        assert!(is_secret("sasl.password"));
        assert!(is_secret("SASL.USERNAME"));
        assert!(is_secret("my.token.thing"));
        assert!(!is_secret("linger.ms"));
    }

    #[test]
    fn url_user_info_is_redacted() {
        assert_eq!(
            redact_url("http://u:p@host:1/x"),
            "http://[redacted]@host:1/x"
        );
        assert_eq!(redact_url("http://host/x@y"), "http://host/x@y");
        let s = Scrubber::default();
        assert_eq!(
            s.scrub("GET ws://a:b@h/x failed"),
            "GET ws://[redacted]@h/x failed"
        );
    }

    #[test]
    fn rules_are_read() {
        assert_eq!(exit_code("config"), 2);
        assert!(consumer_only("group.id"));
    }
}
