//! The Rust contender: the contract of docs/contenders.md on tokio (one thread), yawc
//! (permessage-deflate) and rdkafka's BaseProducer against the shared librdkafka.
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", usage::usage());
        return 0;
    }
    let cfg =
        match config::parse(&env, &args, "rust").and_then(|c| config::check_files(&c).map(|_| c)) {
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
    let result = rt.block_on(run::run(cfg, settings));
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

fn config_error(msg: &str) -> i32 {
    eprintln!("config error: {msg}");
    contract::exit_code("config")
}
