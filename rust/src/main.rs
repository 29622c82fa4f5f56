//! The Rust contenders: the contract of docs/contenders.md on tokio (one thread), yawc
//! (permessage-deflate) and rdkafka against the shared librdkafka. `--producer future` (the
//! default) is `rust`, rdkafka's FutureProducer as shipped; `--producer base` is `rust-tuned`, its
//! BaseProducer with the seq as the delivery opaque.
mod clock;
mod config;
mod config_values;
mod contract;
mod kafka;
mod measuring_window;
mod metrics;
mod pipeline;
mod progress;
mod report;
mod run;
mod startup;
mod upbit;
mod usage;

use std::collections::HashMap;

fn main() {
    std::process::exit(main_code());
}

fn main_code() -> i32 {
    let env: HashMap<String, String> = std::env::vars().collect();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", usage::usage());
        return 0;
    }
    let kind = match take_producer_kind(&mut args) {
        Ok(k) => k,
        Err(e) => return config_error(&e),
    };
    let cfg = match config::parse(&env, &args, kind.default_contender())
        .and_then(|c| config::check_files(&c).map(|_| c))
    {
        Ok(c) => c,
        Err(e) => return config_error(&e.0),
    };
    let settings = match kafka::read_settings_file(&cfg.producer_settings) {
        Ok(file) => kafka::effective_settings(&cfg, file),
        Err(e) => return config_error(&e.0),
    };
    let mut scrub = contract::Scrubber::default();
    for (k, v) in &settings {
        if contract::is_secret(k) {
            scrub.add(v);
        }
    }
    progress::init(&cfg.contender, scrub);
    // reqwest and the WebSocket's TLS both use rustls with ring (no C build of aws-lc)
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("[{}] fatal: {e}", cfg.contender);
            return 1;
        }
    };
    let contender = cfg.contender.clone();
    let result = rt.block_on(run::run(cfg, settings, kind));
    // a stdin read still blocked on its thread must not hold up the exit
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(code) => code,
        Err(failure) => {
            let (code, msg) = match failure {
                run::Failure::Startup(e) => (e.code(), e.message),
                run::Failure::Report(msg) => (1, msg),
            };
            progress::event(serde_json::json!({"event": "error", "message": msg}));
            eprintln!("[{contender}] fatal: {}", progress::scrub(&msg));
            code
        }
    }
}

/// Takes `--producer future|base` (or `--producer=…`) out of the arguments: not a variable of the
/// contract's env table but the registry's choice of contender, so it is read before the table.
fn take_producer_kind(args: &mut Vec<String>) -> Result<kafka::Kind, String> {
    let flag = kafka::Kind::FLAG;
    let Some(i) = args
        .iter()
        .position(|a| a == flag || a.starts_with(&format!("{flag}=")))
    else {
        return Ok(kafka::Kind::Future);
    };
    let value = match args[i].split_once('=') {
        Some((_, v)) => v.to_owned(),
        None if i + 1 < args.len() => args.remove(i + 1),
        None => String::new(),
    };
    args.remove(i);
    kafka::Kind::parse(&value).ok_or_else(|| {
        format!(
            "{flag} = {}: must be future (rust) or base (rust-tuned)",
            contract::quote(&value)
        )
    })
}

fn config_error(msg: &str) -> i32 {
    eprintln!("config error: {msg}");
    contract::exit_code("config")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_producer_flag_picks_the_sink_and_leaves_the_contract_flags() {
        let mut a = args(&["--producer", "base", "--test-duration", "5"]);
        assert_eq!(take_producer_kind(&mut a), Ok(kafka::Kind::Base));
        assert_eq!(a, args(&["--test-duration", "5"]));
        let mut a = args(&["--test-duration=5", "--producer=future"]);
        assert_eq!(take_producer_kind(&mut a), Ok(kafka::Kind::Future));
        assert_eq!(a, args(&["--test-duration=5"]));
        let mut a = args(&[]);
        assert_eq!(take_producer_kind(&mut a), Ok(kafka::Kind::Future));
        for bad in [&["--producer", "threaded"][..], &["--producer"][..]] {
            let err = take_producer_kind(&mut args(bad)).unwrap_err();
            assert!(err.starts_with("--producer = "), "{err}");
        }
    }

    #[test]
    fn each_sink_names_its_own_contender() {
        assert_eq!(kafka::Kind::Future.default_contender(), "rust");
        assert_eq!(kafka::Kind::Base.default_contender(), "rust-tuned");
    }
}
