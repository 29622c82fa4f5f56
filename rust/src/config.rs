//! The env table (schemas/contender-env.json): every variable, also a `--kebab-case` flag, parsed
//! with the value syntax of docs/contenders.md; a bad value is one line naming it (exit 2).
use crate::contract::{self, quote, redact_properties_text, redact_url};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

#[derive(Debug, Clone)]
pub struct Config {
    pub contender: String,
    pub test_duration_s: i64,
    pub warmup_s: i64,
    pub bootstrap: String,
    pub topic: String,
    pub properties: BTreeMap<String, String>,
    pub settings_file: String,
    pub rest_url: String,
    pub ws_url: String,
    pub channel: String,
    pub compression: bool,
    pub markets_limit: i64,
    pub markets_per_connection: i64,
    pub connect_batch: i64,
    pub connect_interval_ms: i64,
    pub connect_phase_ms: i64,
    pub ping_interval_ms: i64,
    pub handshake_timeout_ms: i64,
    pub silence_timeout_ms: i64,
    pub reconnect_max_retries: i64,
    pub reconnect_base_ms: i64,
    pub reconnect_stable_ms: i64,
    pub max_frame_bytes: i64,
    pub start_stdin: bool,
    pub flush_timeout_ms: i64,
    pub startup_timeout_ms: i64,
    pub report_dir: String,
}

#[derive(Debug)]
pub struct ConfigError(pub String);

pub fn flag_name(env: &str) -> String {
    format!("--{}", env.to_ascii_lowercase().replace('_', "-"))
}

fn rows() -> &'static Vec<Value> {
    contract::env()["variables"]
        .as_array()
        .expect("env variables")
}

fn row(name: &str) -> &'static Value {
    rows()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("env table has no {name}"))
}

fn shown_value(name: &str, value: &str) -> String {
    match row(name)["type"].as_str() {
        Some("properties") => redact_properties_text(value),
        Some("http-url") | Some("ws-url") => redact_url(value),
        _ => value.to_owned(),
    }
}

pub fn bad_value(name: &str, value: &str, reason: &str) -> ConfigError {
    ConfigError(format!(
        "{} ({}) = {}: {}",
        name,
        flag_name(name),
        quote(&shown_value(name, value)),
        reason
    ))
}

/// Flags given on the command line, keyed by env name.
fn flag_values(args: &[String]) -> Result<HashMap<String, String>, ConfigError> {
    let mut out = HashMap::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        let Some(body) = arg.strip_prefix("--") else {
            return Err(ConfigError(format!(
                "unexpected argument {}; options are --name value or --name=value",
                quote(arg)
            )));
        };
        let (flag, value) = match body.split_once('=') {
            Some((f, v)) => (f.to_owned(), v.to_owned()),
            None => {
                i += 1;
                let Some(v) = args.get(i) else {
                    return Err(ConfigError(format!("flag needs an argument: --{body}")));
                };
                (body.to_owned(), v.clone())
            }
        };
        let Some(r) = rows()
            .iter()
            .find(|r| flag_name(r["name"].as_str().unwrap_or("")) == format!("--{flag}"))
        else {
            return Err(ConfigError(format!("unknown option --{flag}; see --help")));
        };
        out.insert(r["name"].as_str().unwrap_or("").to_owned(), value);
        i += 1;
    }
    Ok(out)
}

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

fn valid_hostports(raw: &str) -> bool {
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

fn valid_topic(raw: &str) -> bool {
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

fn check_value(r: &Value, raw: &str) -> Result<(), String> {
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

/// Parses the environment and flags (flags win; an empty variable counts as unset).
pub fn parse(
    env: &HashMap<String, String>,
    args: &[String],
    own_name: &str,
) -> Result<Config, ConfigError> {
    let flags = flag_values(args)?;
    let mut raw: HashMap<&str, String> = HashMap::new();
    for r in rows() {
        let name = r["name"].as_str().unwrap_or("");
        let given = flags
            .get(name)
            .cloned()
            .or_else(|| env.get(name).filter(|v| !v.is_empty()).cloned());
        let value = match given {
            Some(v) => {
                check_value(r, &v).map_err(|reason| bad_value(name, &v, &reason))?;
                v
            }
            None => match name {
                "CONTENDER" => own_name.to_owned(),
                "KAFKA_TOPIC" => String::new(),
                "PRODUCER_SETTINGS" => "config/producer-settings.json".to_owned(),
                _ => r["default"].as_str().unwrap_or("").to_owned(),
            },
        };
        raw.insert(name, value);
    }
    let int = |n: &str| raw[n].parse::<i64>().unwrap_or(0);
    let s = |n: &str| raw[n].clone();
    let contender = s("CONTENDER");
    let topic = if raw["KAFKA_TOPIC"].is_empty() {
        format!("upbit-ticker-{contender}")
    } else {
        s("KAFKA_TOPIC")
    };
    Ok(Config {
        test_duration_s: int("TEST_DURATION"),
        warmup_s: int("WARMUP_SECONDS"),
        bootstrap: s("KAFKA_BOOTSTRAP_SERVERS"),
        topic,
        properties: parse_properties(&raw["KAFKA_PROPERTIES"]).unwrap_or_default(),
        settings_file: s("PRODUCER_SETTINGS"),
        rest_url: raw["UPBIT_REST_URL"].trim_end_matches('/').to_owned(),
        ws_url: raw["UPBIT_WS_URL"].trim_end_matches('/').to_owned(),
        channel: s("UPBIT_CHANNEL"),
        compression: raw["WS_COMPRESSION"] == "on",
        markets_limit: int("MARKETS_LIMIT"),
        markets_per_connection: int("MARKETS_PER_CONNECTION"),
        connect_batch: int("CONNECT_BATCH"),
        connect_interval_ms: int("CONNECT_INTERVAL_MS"),
        connect_phase_ms: int("CONNECT_PHASE_MS"),
        ping_interval_ms: int("PING_INTERVAL_MS"),
        handshake_timeout_ms: int("HANDSHAKE_TIMEOUT_MS"),
        silence_timeout_ms: int("SILENCE_TIMEOUT_MS"),
        reconnect_max_retries: int("RECONNECT_MAX_RETRIES"),
        reconnect_base_ms: int("RECONNECT_BASE_MS"),
        reconnect_stable_ms: int("RECONNECT_STABLE_MS"),
        max_frame_bytes: int("MAX_FRAME_BYTES"),
        start_stdin: raw["START_MODE"] == "stdin",
        flush_timeout_ms: int("FLUSH_TIMEOUT_MS"),
        startup_timeout_ms: int("STARTUP_TIMEOUT_MS"),
        report_dir: s("REPORT_DIR"),
        contender,
    })
}

/// The settings file and REPORT_DIR, checked on disk before any connection.
pub fn check_files(c: &Config) -> Result<(), ConfigError> {
    let file = Path::new(&c.settings_file);
    match std::fs::metadata(file) {
        Err(e) => {
            return Err(bad_value(
                "PRODUCER_SETTINGS",
                &c.settings_file,
                &format!("cannot be read ({e})"),
            ))
        }
        Ok(m) if !m.is_file() => {
            return Err(bad_value(
                "PRODUCER_SETTINGS",
                &c.settings_file,
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

/// The report's `config` section: URLs without user info.
pub fn report_view(c: &Config) -> serde_json::Value {
    serde_json::json!({
        "testDurationS": c.test_duration_s,
        "warmupS": c.warmup_s,
        "kafkaBootstrapServers": c.bootstrap,
        "topic": c.topic,
        "upbitRestUrl": redact_url(&c.rest_url),
        "upbitWsUrl": redact_url(&c.ws_url),
        "channel": c.channel,
        "wsCompression": if c.compression { "on" } else { "off" },
        "marketsPerConnection": c.markets_per_connection,
        "connectBatch": c.connect_batch,
        "connectIntervalMs": c.connect_interval_ms,
        "connectPhaseMs": c.connect_phase_ms,
        "pingIntervalMs": c.ping_interval_ms,
        "handshakeTimeoutMs": c.handshake_timeout_ms,
        "silenceTimeoutMs": c.silence_timeout_ms,
        "reconnectMaxRetries": c.reconnect_max_retries,
        "reconnectStableMs": c.reconnect_stable_ms,
        "maxFrameBytes": c.max_frame_bytes,
        "startMode": if c.start_stdin { "stdin" } else { "auto" },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_env(pairs: &[(&str, &str)], args: &[&str]) -> Result<Config, ConfigError> {
        let env = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse(&env, &args, "rust")
    }

    #[test]
    fn defaults_follow_the_table() {
        let c = parse_env(&[], &[]).unwrap();
        assert_eq!(c.test_duration_s, 60);
        assert_eq!(c.topic, "upbit-ticker-rust");
        assert_eq!(c.markets_per_connection, 15);
        assert!(c.compression);
    }

    #[test]
    fn bad_values_name_the_variable_the_flag_and_the_value() {
        for bad in ["1e-9", "0x10", "1_0", " 5", "1.0"] {
            let e = parse_env(&[("TEST_DURATION", bad)], &[]).unwrap_err();
            assert_eq!(
                e.0,
                format!(
                    "TEST_DURATION (--test-duration) = {}: must be an integer",
                    quote(bad)
                )
            );
        }
        let e = parse_env(&[], &["--test-duration=0"]).unwrap_err();
        assert_eq!(
            e.0,
            "TEST_DURATION (--test-duration) = \"0\": must be between 1 and 86400"
        );
        assert!(parse_env(&[], &["--nope", "1"])
            .unwrap_err()
            .0
            .contains("unknown option --nope"));
    }

    #[test]
    fn flags_win_and_empty_env_is_unset() {
        let c = parse_env(
            &[("TEST_DURATION", "5"), ("WARMUP_SECONDS", "")],
            &["--test-duration", "7"],
        )
        .unwrap();
        assert_eq!(c.test_duration_s, 7);
        assert_eq!(c.warmup_s, 10);
    }

    #[test]
    fn secrets_are_redacted_in_errors() {
        let e = parse_env(
            &[("KAFKA_PROPERTIES", "sasl.password=hunter2,group.id=x")],
            &[],
        )
        .unwrap_err();
        assert!(!e.0.contains("hunter2"), "{}", e.0);
        assert!(e.0.contains("group.id is a consumer property"));
        let e = parse_env(&[("KAFKA_PROPERTIES", "sasl.password=a,b,c")], &[]).unwrap_err();
        assert!(
            e.0.contains("item 2 is not key=value (not shown"),
            "{}",
            e.0
        );
        let e = parse_env(&[("UPBIT_REST_URL", "ftp://u:p@h")], &[]).unwrap_err();
        assert!(!e.0.contains("u:p"));
    }

    #[test]
    fn value_syntax() {
        assert!(valid_hostports("127.0.0.1:9092,b:1"));
        assert!(!valid_hostports("a:0"));
        assert!(!valid_hostports("a"));
        assert!(!valid_topic(".."));
        assert!(valid_topic("a.b-c_d"));
        assert!(parse_env(&[("KAFKA_TOPIC", ".")], &[]).is_err());
    }
}
