//! The WebSocket client: every planned connection's task, what they share (counters, the
//! compression each negotiated, the ready gate, the all-down clock of upbit/all_down).
use super::all_down::AllDown;
use super::connection;
use super::plan::Planned;
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

pub type FrameHandler = Box<dyn Fn(&[u8]) -> bool + Send + Sync>;

pub struct Options {
    pub url: String,
    pub ticket_prefix: String,
    pub channel: String,
    pub compression: bool,
    pub ping_interval: Duration,
    pub handshake_timeout: Duration,
    pub silence_timeout: Duration,
    pub max_retries: u32,
    pub backoff_base_ms: i64,
    pub stable_after: Duration,
    pub max_frame_bytes: usize,
    /// A message from the peer; returns whether it was a data frame (feeds the watchdog).
    pub on_frame: FrameHandler,
    /// A message refused unread (too-large, bad-utf8).
    pub on_refused: Box<dyn Fn(&'static str) + Send + Sync>,
    pub on_log: Box<dyn Fn(String) + Send + Sync>,
}

#[derive(Default, Clone)]
pub struct Stats {
    pub opened: u64,
    pub reconnects: u64,
    pub failed: u64,
    pub rate_limited: u64,
    pub handshake_timeouts: u64,
    pub silence_reconnects: u64,
    pub flaps: u64,
    pub disconnected_ms: u64,
    pub connect_us: Vec<f64>,
    pub compression: String,
}

struct State {
    stats: Stats,
    compression: BTreeSet<&'static str>,
    settled: Vec<bool>,
    unsettled: usize,
    all_down: AllDown,
}

pub struct Client {
    pub opts: Options,
    state: Mutex<State>,
    ready: watch::Sender<bool>,
    pub shutdown: watch::Sender<bool>,
}

impl Client {
    pub fn new(planned: usize, opts: Options) -> Arc<Self> {
        let (ready, _) = watch::channel(planned == 0);
        let (shutdown, _) = watch::channel(false);
        Arc::new(Client {
            opts,
            state: Mutex::new(State {
                stats: Stats::default(),
                compression: BTreeSet::new(),
                settled: vec![false; planned],
                unsettled: planned,
                all_down: AllDown::new(Instant::now()),
            }),
            ready,
            shutdown,
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts every connection's task: the first batch at `first_batch`.
    pub fn start(
        self: &Arc<Self>,
        plan: Vec<Planned>,
        first_batch: tokio::time::Instant,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        plan.into_iter()
            .enumerate()
            .map(|(i, p)| {
                let c = self.clone();
                let at = first_batch + Duration::from_millis(p.open_at_ms);
                tokio::spawn(connection::run(c, i, p, at))
            })
            .collect()
    }

    /// Resolves when every connection is subscribed or given up.
    pub async fn ready(&self) {
        let mut rx = self.ready.subscribe();
        let _ = rx.wait_for(|r| *r).await;
    }

    pub fn close(&self) {
        let _ = self.shutdown.send(true);
    }

    pub fn stats(&self) -> Stats {
        let st = self.state();
        let mut s = st.stats.clone();
        s.compression = if st.compression.is_empty() {
            "none".to_owned()
        } else {
            st.compression
                .iter()
                .copied()
                .collect::<Vec<_>>()
                .join(" | ")
        };
        s
    }

    pub fn live(&self) -> usize {
        self.state().all_down.open()
    }

    /// The longest stretch in [from, to] with no connection open.
    pub fn longest_all_down(&self, from: Instant, to: Instant) -> Duration {
        self.state().all_down.longest(from, to)
    }

    pub fn update(&self, f: impl FnOnce(&mut Stats)) {
        f(&mut self.state().stats)
    }

    pub fn opened(
        &self,
        i: usize,
        connect_us: f64,
        compression: &'static str,
        disconnected: Duration,
    ) {
        let mut st = self.state();
        st.stats.opened += 1;
        st.stats.connect_us.push(connect_us);
        st.stats.disconnected_ms += disconnected.as_millis() as u64;
        st.compression.insert(compression);
        st.all_down.opened(Instant::now());
        self.settle(&mut st, i);
    }

    pub fn closed(&self, at: Instant) {
        self.state().all_down.closed(at);
    }

    pub fn gave_up(&self, i: usize) {
        let mut st = self.state();
        st.stats.failed += 1;
        self.settle(&mut st, i);
    }

    fn settle(&self, st: &mut State, i: usize) {
        if st.settled[i] {
            return;
        }
        st.settled[i] = true;
        st.unsettled -= 1;
        if st.unsettled == 0 {
            let _ = self.ready.send(true);
        }
    }

    pub fn log(&self, line: String) {
        (self.opts.on_log)(line)
    }
}
