//! One run, one function per phase, named alike in every contender (docs/architecture.md, "One
//! module map"): start_up → connect → warm_up → measure → flush → report.
use crate::clock::{auto_start_ms, read_start, tokio_instant_at, wall_ms, wall_ms_f};
use crate::config::Config;
use crate::measuring_window::{measure, Window};
use crate::metrics;
use crate::pipeline::{Phase, Pipeline};
use crate::report::build::{build, Facts};
use crate::startup::{KafkaGuard, StartupError};
use crate::upbit::client::{self, Client};
use crate::upbit::{markets, plan};
use crate::{kafka, progress, report};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub type Signal = watch::Receiver<Option<&'static str>>;

/// How a run ends without a report: before any connection (with the contract's exit name), or a
/// report that could not be written (exit 1, which the contract does not foresee).
pub enum Failure {
    Startup(StartupError),
    Report(String),
}

impl From<StartupError> for Failure {
    fn from(e: StartupError) -> Self {
        Failure::Startup(e)
    }
}

fn signals() -> Signal {
    let (tx, rx) = watch::channel(None);
    tokio::spawn(async move {
        let (Ok(mut int), Ok(mut term)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) else {
            return;
        };
        let which = tokio::select! {
            _ = int.recv() => "SIGINT",
            _ = term.recv() => "SIGTERM",
        };
        let _ = tx.send(Some(which));
    });
    rx
}

pub async fn signalled(rx: &mut Signal) {
    let _ = rx.wait_for(|s| s.is_some()).await;
}

/// What `connect` hands on: the client, its tasks and how many connections were planned.
pub struct Connections {
    pub client: Arc<Client>,
    pub tasks: Vec<JoinHandle<()>>,
    pub planned: usize,
}

/// What `warm_up` hands on: when the run was ready and when the window starts.
pub struct Start {
    pub ready_at_ms: i64,
    pub start_ms: i64,
    pub bad_start: Option<String>,
}

pub async fn run(
    cfg: Config,
    settings: BTreeMap<String, String>,
    kind: kafka::Kind,
) -> Result<i32, Failure> {
    let mut sig = signals();
    let pipeline = Pipeline::new(Box::new(progress::log));
    let (mut kafka_guard, codes) = start_up(&cfg, &settings, kind, &pipeline).await?;
    let mut conns = connect(&cfg, &pipeline, &codes, &mut sig).await;
    let start = warm_up(&cfg, &pipeline, &conns.client, codes.len(), &mut sig).await;
    let mut window = measure(&cfg, &pipeline, &mut conns, &start, &mut sig).await;
    flush(&cfg, &mut kafka_guard, &mut window).await;
    let rep = build(Facts {
        cfg: &cfg,
        kind,
        settings: &settings,
        pipeline: &pipeline,
        client: &conns.client,
        codes: &codes,
        planned: conns.planned,
        ready_at_ms: start.ready_at_ms,
        start_ms: start.start_ms,
        opened_wall: window.opened_wall,
        closed_wall: window.closed_wall,
        longest_all_down_ms: conns
            .client
            .longest_all_down(window.opened_at, window.closed_at)
            .as_millis() as u64,
        cpu: window.cpu,
        cpu_wall_ms: window
            .flushed_at
            .duration_since(window.opened_at)
            .as_micros() as f64
            / 1000.0,
        rss: window.rss,
        heap: window.heap,
        bad_start: start.bad_start,
        signal: window.signal,
    });
    report(&cfg, &rep, window.signal)
}

/// start_up: the producer of the kind asked for (a property librdkafka rejects: exit config), the
/// broker's metadata answer (exit broker), the market list (exit markets).
async fn start_up(
    cfg: &Config,
    settings: &BTreeMap<String, String>,
    kind: kafka::Kind,
    pipeline: &Arc<Pipeline>,
) -> Result<(KafkaGuard, Vec<String>), StartupError> {
    let producer = kafka::create(kind, cfg, settings, pipeline.clone())
        .map_err(|e| StartupError::new("config", e))?;
    let kafka_guard = KafkaGuard::start(producer, pipeline.clone());
    let startup = Duration::from_millis(cfg.startup_timeout_ms as u64);
    if let Err(e) = kafka_guard.producer.check_broker(startup) {
        let why = format!("Kafka at {} unreachable: {e}", cfg.kafka_bootstrap_servers);
        return Err(StartupError::new("broker", why));
    }
    let codes = markets::fetch(
        &cfg.upbit_rest_url,
        cfg.startup_timeout_ms,
        cfg.markets_limit as usize,
    )
    .await
    .map_err(|e| StartupError::new("markets", e.0))?;
    Ok((kafka_guard, codes))
}

fn client_options(cfg: &Config, pipeline: &Arc<Pipeline>) -> client::Options {
    let (pf, pr) = (pipeline.clone(), pipeline.clone());
    let ms = |n: i64| Duration::from_millis(n as u64);
    client::Options {
        url: cfg.upbit_ws_url.clone(),
        ticket_prefix: cfg.contender.clone(),
        channel: cfg.upbit_channel.clone(),
        compression: cfg.ws_compression,
        ping_interval: ms(cfg.ping_interval_ms),
        handshake_timeout: ms(cfg.handshake_timeout_ms),
        silence_timeout: ms(cfg.silence_timeout_ms),
        max_retries: cfg.reconnect_max_retries as u32,
        backoff_base_ms: cfg.reconnect_base_ms,
        stable_after: ms(cfg.reconnect_stable_ms),
        max_frame_bytes: cfg.max_frame_bytes as usize,
        on_frame: Box::new(move |f| pf.on_frame(f)),
        on_refused: Box::new(move |r| pr.refused(r)),
        on_log: Box::new(|l| progress::log(&l)),
    }
}

/// connect: the plan, the pipeline's markets, and the connections opened until every one is
/// settled (or a signal came).
async fn connect(
    cfg: &Config,
    pipeline: &Arc<Pipeline>,
    codes: &[String],
    sig: &mut Signal,
) -> Connections {
    let planned = plan::plan(
        codes,
        cfg.markets_per_connection as usize,
        cfg.connect_batch as usize,
        cfg.connect_interval_ms as u64,
    );
    let planned_count = planned.len();
    progress::log(&format!(
        "{} markets {} → {} connections",
        codes.len(),
        serde_json::to_string(&markets::count_by_quote(codes)).unwrap_or_default(),
        planned_count
    ));
    pipeline.set_markets(codes, &cfg.upbit_channel);
    let client = Client::new(planned_count, client_options(cfg, pipeline));
    let first = plan::first_batch_at(wall_ms(), cfg.connect_interval_ms, cfg.connect_phase_ms);
    let tasks = client.start(planned, tokio_instant_at(first));
    tokio::select! {
        _ = client.ready() => {}
        _ = signalled(sig) => {}
    }
    Connections {
        client,
        tasks,
        planned: planned_count,
    }
}

/// warm_up: ready (the warm-up produces at once), the window's start (auto, or the START line),
/// then asleep until it. A refused START means no window; a signal opens and closes it at once.
async fn warm_up(
    cfg: &Config,
    pipeline: &Pipeline,
    client: &Client,
    markets: usize,
    sig: &mut Signal,
) -> Start {
    let ready_at_ms = wall_ms();
    pipeline.set_phase(Phase::Warmup);
    progress::event(
        json!({"event": "ready", "contender": cfg.contender, "connections": client.live(), "markets": markets, "atMs": ready_at_ms}),
    );
    let mut start_ms = auto_start_ms(ready_at_ms, cfg.warmup_seconds);
    let mut bad_start: Option<String> = None;
    if sig.borrow().is_some() {
        start_ms = ready_at_ms;
    } else if cfg.start_stdin {
        tokio::select! {
            r = read_start() => match r {
                Ok(ms) => start_ms = ms,
                Err(why) => {
                    progress::log(&format!("bad start: {why}"));
                    bad_start = Some(why);
                    start_ms = wall_ms();
                }
            },
            _ = signalled(sig) => start_ms = wall_ms(),
        }
    }
    if bad_start.is_none() && sig.borrow().is_none() {
        progress::event(json!({"event": "warmup", "fromMs": ready_at_ms, "startMs": start_ms}));
        progress::log(&format!(
            "warm-up from ready; window starts at {start_ms} for {} s",
            cfg.test_duration
        ));
        tokio::select! {
            _ = tokio::time::sleep_until(tokio_instant_at(start_ms)) => {}
            _ = signalled(sig) => {}
        }
        // the last milliseconds to the boundary, finer than the timer wheel
        while sig.borrow().is_none() && wall_ms_f() < start_ms as f64 {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    Start {
        ready_at_ms,
        start_ms,
        bad_start,
    }
}

/// flush: FLUSH_TIMEOUT_MS of flush, then polling stops (the tuned sink serves the last delivery
/// reports on this thread); the clocks stop.
async fn flush(cfg: &Config, guard: &mut KafkaGuard, w: &mut Window) {
    let timeout = Duration::from_millis(cfg.flush_timeout_ms as u64);
    guard.producer.flush(timeout).await;
    guard.stop_polling();
    let cpu1 = metrics::cpu_us();
    w.cpu = (cpu1.0 - w.cpu0.0, cpu1.1 - w.cpu0.1);
    w.flushed_at = Instant::now();
    if w.rss.summary()["samples"] == 0 {
        let m = metrics::memory();
        w.rss.add(m.0 as f64);
        w.heap.add(m.1 as f64);
    }
}

/// report: written (checked against the schema by the tests), summarised, and the exit code of
/// its status.
fn report(
    cfg: &Config,
    rep: &serde_json::Value,
    signal: Option<&'static str>,
) -> Result<i32, Failure> {
    let status = rep["status"].as_str().unwrap_or("failed").to_owned();
    let path = report::write(&cfg.report_dir, &cfg.contender, rep)
        .map_err(|e| Failure::Report(format!("cannot write the report: {e}")))?;
    progress::summary(rep);
    progress::event(json!({"event": "report", "path": path.to_string_lossy(), "status": status}));
    Ok(report::exit_code(&status, signal))
}
