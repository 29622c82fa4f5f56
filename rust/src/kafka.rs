//! The producer interface the pipeline and the run use (`Sink`), one implementation per tier
//! (`base_sink`: `rust-tuned`, `future_sink`: `rust`), and what both share: the settings file with
//! KAFKA_PROPERTIES on top, the headers, the client context, the statistics.
use crate::config::Config;
use crate::contract;
use rdkafka::client::ClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

mod base_sink;
mod future_sink;
mod settings;
mod stats;

pub use settings::{effective_settings, read_settings_file, redacted_settings};
pub use stats::Stats;

/// A full local queue is retried this long (the contract's timing) before the message counts as
/// failed (QUEUE_FULL).
pub static QUEUE_FULL_GIVE_UP: LazyLock<Duration> = LazyLock::new(|| {
    Duration::from_millis(contract::rule_i64(&["timing", "queueFullGiveUpMs"]) as u64)
});
/// The wait between two tries of a message the full local queue refused.
pub const QUEUE_FULL_RETRY: Duration = Duration::from_millis(1);

/// Which of rdkafka's producers carries the messages: the contender's glue tier. One binary, the
/// registry's command picks one (`--producer`), so set-up builds the crate once.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// as shipped: `FutureProducer`, as rdkafka's README and examples show it: per frame
    /// `send(record, timeout)` awaited in a spawned task; its own thread polls the reports
    Future,
    /// tuned: `BaseProducer`, the seq as the delivery opaque, reports polled on our own thread
    Base,
}

impl Kind {
    pub const FLAG: &'static str = "--producer";

    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "future" => Some(Kind::Future),
            "base" => Some(Kind::Base),
            _ => None,
        }
    }

    /// CONTENDER when unset: the registry's name of the contender this producer makes.
    pub fn default_contender(self) -> &'static str {
        match self {
            Kind::Future => "rust",
            Kind::Base => "rust-tuned",
        }
    }

    /// The report's `runtime.kafkaBinding`.
    pub fn binding(self) -> String {
        let how = match self {
            Kind::Future => "FutureProducer, send().await per message in a spawned task",
            Kind::Base => "BaseProducer",
        };
        format!(
            "rdkafka {} ({how}, dynamic-linking)",
            env!("RDKAFKA_VERSION")
        )
    }
}

/// Receives what the producer serves: delivery reports (seq, error name or None), tries the full
/// local queue refused, statistics JSON and log lines.
pub trait Handlers: Send + Sync + 'static {
    fn delivered(&self, seq: u64, err: Option<&str>);
    fn queue_full_retry(&self);
    fn stats(&self, json: &[u8]);
    fn log(&self, line: &str);
}

/// One message as the pipeline hands it over: key = market code, value = the frame's bytes, and
/// the values of the `seq` and `phase` headers (`contender` is the sink's own).
pub struct Message<'a> {
    pub key: &'a [u8],
    pub value: &'a [u8],
    pub seq: u64,
    pub phase: &'static [u8],
}

/// What became of a message handed to `Sink::send`.
#[derive(Debug, PartialEq)]
pub enum Sent {
    /// taken: its delivery report will reach `Handlers::delivered`
    Taken,
    /// the local queue is full: nothing was taken, try again
    QueueFull,
    /// refused, never to be delivered: the error's name
    Refused(String),
}

/// The producer as the pipeline and the run see it, whichever of rdkafka's producers is behind.
pub trait Sink: Send + Sync {
    fn send(&self, m: &Message<'_>) -> Sent;
    /// A metadata request answered within the timeout (start-up's broker check).
    fn check_broker(&self, timeout: Duration) -> Result<(), KafkaError>;
    /// Until every message taken has had its delivery report served, or the timeout.
    fn flush(&self, timeout: Duration) -> Pin<Box<dyn Future<Output = ()> + '_>>;
    /// No more polling: the reports still to come are not served (after flush).
    fn stop(&self);
}

/// The producer of the kind asked for, on the settings, topic and contender of the run.
pub fn create(
    kind: Kind,
    c: &Config,
    settings: &BTreeMap<String, String>,
    handlers: Arc<dyn Handlers>,
) -> Result<Arc<dyn Sink>, String> {
    let mut cc = ClientConfig::new();
    for (k, v) in settings {
        cc.set(k, v);
    }
    cc.set("bootstrap.servers", &c.kafka_bootstrap_servers);
    let ctx = Ctx {
        handlers: handlers.clone(),
        last_error: Default::default(),
    };
    let refused = |e: KafkaError| format!("librdkafka refused the producer settings: {e}");
    let (topic, contender) = (&c.kafka_topic, &c.contender);
    Ok(match kind {
        Kind::Base => {
            Arc::new(base_sink::BaseSink::new(&cc, ctx, topic, contender).map_err(refused)?)
        }
        Kind::Future => Arc::new(
            future_sink::FutureSink::new(&cc, ctx, topic, contender, handlers).map_err(refused)?,
        ),
    })
}

/// The three headers every contender sends.
pub fn headers(seq: u64, contender: &[u8], phase: &[u8]) -> OwnedHeaders {
    let mut digits = [0u8; 20];
    OwnedHeaders::new_with_capacity(3)
        .insert(Header {
            key: "seq",
            value: Some(format_u64(seq, &mut digits)),
        })
        .insert(Header {
            key: "contender",
            value: Some(contender),
        })
        .insert(Header {
            key: "phase",
            value: Some(phase),
        })
}

fn format_u64(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// An error as the report names it: librdkafka's code (QUEUE_FULL as the contract spells it), else
/// `fallback`.
pub fn error_name(e: &KafkaError, fallback: &str) -> String {
    match e.rdkafka_error_code() {
        Some(RDKafkaErrorCode::QueueFull) => "QUEUE_FULL".to_owned(),
        Some(code) => format!("{code:?}"),
        None => fallback.to_owned(),
    }
}

/// The client context both producers carry: statistics and errors to the handlers.
pub struct Ctx {
    pub handlers: Arc<dyn Handlers>,
    /// rdkafka hands a producer's error event to `error` twice (its client poll and the
    /// producer's): the same text twice in a row is shown once
    last_error: std::sync::Mutex<String>,
}

impl ClientContext for Ctx {
    fn stats_raw(&self, statistics: &[u8]) {
        self.handlers.stats(statistics);
    }
    /// librdkafka's own log lines repeat what its error events say: only the errors are shown
    fn log(&self, _level: rdkafka::config::RDKafkaLogLevel, _fac: &str, _msg: &str) {}
    fn error(&self, error: KafkaError, reason: &str) {
        let line = format!("kafka: {error}: {reason}");
        let mut last = self.last_error.lock().unwrap_or_else(|e| e.into_inner());
        if *last != line {
            self.handlers.log(&line);
            *last = line;
        }
    }
}

pub fn version() -> String {
    rdkafka::util::get_rdkafka_version().1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_digits() {
        let mut b = [0u8; 20];
        assert_eq!(format_u64(0, &mut b), b"0");
        assert_eq!(format_u64(1234567890123, &mut b), b"1234567890123");
        assert_eq!(
            format_u64(u64::MAX, &mut b),
            u64::MAX.to_string().as_bytes()
        );
    }
}
