//! The producer settings: the settings file read by the contract's rule, KAFKA_PROPERTIES on top,
//! and the report's copy with secrets redacted (as src/contender/kafka/settings.ts).
use crate::config::{bad_value, Config, ConfigError};
use crate::contract::{self, is_secret, REDACTED};
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Read;

fn settings_error(path: &str, reason: &str) -> ConfigError {
    bad_value("PRODUCER_SETTINGS", path, reason)
}

/// The settings file: at most 1 MiB, one JSON object of strings (`$` keys are comments), nothing
/// after it, no consumer-only property.
pub fn read_settings_file(path: &str) -> Result<BTreeMap<String, String>, ConfigError> {
    let max = contract::rule_i64(&["settingsFile", "maxBytes"]) as u64;
    let file = std::fs::File::open(path)
        .map_err(|e| settings_error(path, &format!("cannot be read ({e})")))?;
    let mut data = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut data)
        .map_err(|e| settings_error(path, &format!("cannot be read ({e})")))?;
    if data.len() as u64 > max {
        return Err(settings_error(path, &format!("is larger than {max} bytes")));
    }
    let value: Value = serde_json::from_slice(&data).map_err(|e| {
        settings_error(path, &format!("must hold one JSON object of strings ({e})"))
    })?;
    let Value::Object(map) = value else {
        return Err(settings_error(path, "must hold one JSON object of strings"));
    };
    let mut out = BTreeMap::new();
    for (k, v) in map {
        let Value::String(s) = v else {
            return Err(settings_error(
                path,
                &format!("{} must be a string, not {v}", contract::quote(&k)),
            ));
        };
        if !k.starts_with(contract::rule_str(&["settingsFile", "commentPrefix"])) {
            out.insert(k, s);
        }
    }
    if let Some(k) = out.keys().find(|k| contract::consumer_only(k)) {
        return Err(settings_error(
            path,
            &format!("{k} is a consumer property: a producer ignores it"),
        ));
    }
    Ok(out)
}

/// The settings librdkafka gets: the file, KAFKA_PROPERTIES on top, without bootstrap.servers
/// (set from KAFKA_BOOTSTRAP_SERVERS).
pub fn effective_settings(c: &Config, file: BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut out = file;
    for (k, v) in &c.kafka_properties {
        out.insert(k.clone(), v.clone());
    }
    out.remove("bootstrap.servers");
    out
}

/// The report's `producerSettings`: every key, secrets' values redacted.
pub fn redacted_settings(settings: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    settings
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                if is_secret(k) {
                    REDACTED.to_owned()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_file_rules() {
        let dir = std::env::temp_dir().join(format!("rust-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("s.json");
        let path = p.to_str().unwrap();
        std::fs::write(&p, r#"{"$c":"x","linger.ms":"5"}"#).unwrap();
        assert_eq!(read_settings_file(path).unwrap().len(), 1);
        std::fs::write(&p, r#"{"linger.ms":5}"#).unwrap();
        assert!(read_settings_file(path)
            .unwrap_err()
            .0
            .contains("must be a string"));
        std::fs::write(&p, r#"{"a":"b"} {}"#).unwrap();
        assert!(read_settings_file(path).is_err());
        std::fs::write(&p, r#"{"group.id":"b"}"#).unwrap();
        assert!(read_settings_file(path)
            .unwrap_err()
            .0
            .contains("consumer property"));
        std::fs::write(&p, "null").unwrap();
        assert!(read_settings_file(path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
