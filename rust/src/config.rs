//! The env table (schemas/contender-env.json): every variable, also a `--kebab-case` flag, parsed
//! with the value syntax of docs/contenders.md; a bad value is one line naming it (exit 2).
use crate::contract::{self, quote, redact_properties_text, redact_url};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

use crate::config_values::check_value;
pub use crate::config_values::{check_files, parse_properties};

#[derive(Debug, Clone)]
pub struct Config {
    pub contender: String,
    pub test_duration: i64,
    pub warmup_seconds: i64,
    pub kafka_bootstrap_servers: String,
    pub kafka_topic: String,
    pub kafka_properties: BTreeMap<String, String>,
    pub producer_settings: String,
    pub upbit_rest_url: String,
    pub upbit_ws_url: String,
    pub upbit_channel: String,
    pub ws_compression: bool,
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

pub fn rows() -> &'static Vec<Value> {
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
        // the option is named before its value is taken: an unknown one is reported as such
        let (flag, inline) = match body.split_once('=') {
            Some((f, v)) => (f, Some(v.to_owned())),
            None => (body, None),
        };
        let Some(r) = rows()
            .iter()
            .find(|r| flag_name(r["name"].as_str().unwrap_or("")) == format!("--{flag}"))
        else {
            return Err(ConfigError(format!("unknown option --{flag}; see --help")));
        };
        let value = match inline {
            Some(v) => v,
            None => {
                i += 1;
                let Some(v) = args.get(i) else {
                    return Err(ConfigError(format!(
                        "option needs a value: --{flag}; see --help"
                    )));
                };
                v.clone()
            }
        };
        out.insert(r["name"].as_str().unwrap_or("").to_owned(), value);
        i += 1;
    }
    Ok(out)
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
        test_duration: int("TEST_DURATION"),
        warmup_seconds: int("WARMUP_SECONDS"),
        kafka_bootstrap_servers: s("KAFKA_BOOTSTRAP_SERVERS"),
        kafka_topic: topic,
        kafka_properties: parse_properties(&raw["KAFKA_PROPERTIES"]).unwrap_or_default(),
        producer_settings: s("PRODUCER_SETTINGS"),
        upbit_rest_url: raw["UPBIT_REST_URL"].trim_end_matches('/').to_owned(),
        upbit_ws_url: raw["UPBIT_WS_URL"].trim_end_matches('/').to_owned(),
        upbit_channel: s("UPBIT_CHANNEL"),
        ws_compression: raw["WS_COMPRESSION"] == "on",
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

/// The report's `config` section: URLs without user info.
pub fn report_view(c: &Config) -> serde_json::Value {
    serde_json::json!({
        "testDurationS": c.test_duration,
        "warmupS": c.warmup_seconds,
        "kafkaBootstrapServers": c.kafka_bootstrap_servers,
        "topic": c.kafka_topic,
        "upbitRestUrl": redact_url(&c.upbit_rest_url),
        "upbitWsUrl": redact_url(&c.upbit_ws_url),
        "channel": c.upbit_channel,
        "wsCompression": if c.ws_compression { "on" } else { "off" },
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
    use crate::config_values::{valid_hostports, valid_topic};

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
        assert_eq!(c.test_duration, 60);
        assert_eq!(c.kafka_topic, "upbit-ticker-rust");
        assert_eq!(c.markets_per_connection, 15);
        assert!(c.ws_compression);
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
        assert_eq!(c.test_duration, 7);
        assert_eq!(c.warmup_seconds, 10);
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
