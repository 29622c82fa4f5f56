//! How each type of the env table is spelled (docs/contenders.md, "Value syntax"): one check per
//! type, from the raw string and its table row; bounds, enum values and defaults are the table's.
use crate::config::{bad_value, Config, ConfigError};
use crate::contract;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

fn is_integer(raw: &str) -> bool {
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn parse_int(r: &Value, raw: &str) -> Result<i64, String> {
    if !is_integer(raw) {
        return Err("must be an integer".into());
    }
    let (min, max) = (
        r["min"].as_i64().unwrap_or(0),
        r["max"].as_i64().unwrap_or(0),
    );
    match raw.parse::<i64>() {
        Ok(n) if n >= min && n <= max => Ok(n),
        _ => Err(format!("must be between {min} and {max}")),
    }
}

pub fn valid_hostports(raw: &str) -> bool {
    raw.split(',').all(|hp| {
        let Some((host, port)) = hp.rsplit_once(':') else {
            return false;
        };
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        !host.is_empty()
            && !host.contains([' ', '\t'])
            && (!host.contains(':') || hp.starts_with('['))
            && !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
            && matches!(port.parse::<u32>(), Ok(1..=65535))
    })
}

pub fn valid_topic(raw: &str) -> bool {
    (1..=249).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        && raw != "."
        && raw != ".."
}

fn valid_name(raw: &str) -> bool {
    let b = raw.as_bytes();
    (1..=32).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

fn parse_url(raw: &str, kind: &str, schemes: &[&str]) -> Result<String, String> {
    let bad = || format!("must be {kind}");
    let (scheme, rest) = raw.split_once("://").ok_or_else(bad)?;
    if !schemes.contains(&scheme) {
        return Err(bad());
    }
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host = &authority[authority.rfind('@').map_or(0, |a| a + 1)..];
    if host.is_empty() || host.starts_with(':') || raw.contains([' ', '\t', '\n']) {
        return Err(bad());
    }
    Ok(raw.trim_end_matches('/').to_owned())
}

/// `k=v[,k=v...]`: items and their parts trimmed, empty items skipped, keys non-empty, no
/// consumer-only property (librdkafka would accept it and ignore it).
pub fn parse_properties(spec: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let mut keys = Vec::new();
    for (i, item) in spec.split(',').enumerate() {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        match item.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                out.insert(k.trim().to_owned(), v.trim().to_owned());
                keys.push(k.trim().to_owned());
            }
            _ => return Err(contract::not_key_value_reason(spec, i)),
        }
    }
    for k in keys {
        if contract::consumer_only(&k) {
            return Err(format!("{k} is a consumer property: a producer ignores it"));
        }
    }
    Ok(out)
}

pub fn check_value(r: &Value, raw: &str) -> Result<(), String> {
    match r["type"].as_str().unwrap_or("") {
        "int" => parse_int(r, raw).map(|_| ()),
        "enum" => {
            let values: Vec<&str> = r["values"]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if values.contains(&raw) {
                Ok(())
            } else {
                Err(format!("must be one of {}", values.join(", ")))
            }
        }
        "string" | "file" | "dir" if raw.is_empty() => Err("must not be empty".into()),
        "string" | "file" | "dir" => Ok(()),
        "name" if valid_name(raw) => Ok(()),
        "name" => Err(format!(
            "must match {}",
            r["pattern"].as_str().unwrap_or("")
        )),
        "hostports" if valid_hostports(raw) => Ok(()),
        "hostports" => Err("must be host:port[,host:port...] with every port 1-65535".into()),
        "topic" if valid_topic(raw) => Ok(()),
        "topic" => Err(
            "must be a legal Kafka topic name ([A-Za-z0-9._-], 1 to 249 characters, not . or ..)"
                .into(),
        ),
        "properties" => parse_properties(raw).map(|_| ()),
        "http-url" => parse_url(raw, "an http(s) URL", &["http", "https"]).map(|_| ()),
        "ws-url" => parse_url(raw, "a ws(s) URL", &["ws", "wss"]).map(|_| ()),
        other => panic!("config: type {other} unknown to this contender"),
    }
}

/// The settings file and REPORT_DIR, checked on disk before any connection.
pub fn check_files(c: &Config) -> Result<(), ConfigError> {
    let file = Path::new(&c.producer_settings);
    match std::fs::metadata(file) {
        Err(e) => {
            return Err(bad_value(
                "PRODUCER_SETTINGS",
                &c.producer_settings,
                &format!("cannot be read ({e})"),
            ))
        }
        Ok(m) if !m.is_file() => {
            return Err(bad_value(
                "PRODUCER_SETTINGS",
                &c.producer_settings,
                "must be a file",
            ))
        }
        Ok(_) => {}
    }
    let dir = Path::new(&c.report_dir);
    if let Err(e) = std::fs::create_dir_all(dir) {
        return Err(bad_value(
            "REPORT_DIR",
            &c.report_dir,
            &format!("cannot be created ({e})"),
        ));
    }
    let probe = dir.join(format!(".write-check-{}", std::process::id()));
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(bad_value(
            "REPORT_DIR",
            &c.report_dir,
            &format!("is not writable ({e})"),
        )),
    }
}
