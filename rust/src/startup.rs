//! Everything before the first WebSocket: the producer and its poll thread, the broker's metadata
//! answer within STARTUP_TIMEOUT_MS, the market list. A failure is a `StartupError` naming its
//! exit code in the contract's rules, and leaves no report.
use crate::pipeline::Pipeline;
use crate::{contract, kafka};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A failure before any report: the message and the name of its exit code in the rules
/// (config, broker, markets); `code()` looks the number up.
#[derive(Debug)]
pub struct StartupError {
    pub message: String,
    pub exit_name: &'static str,
}

impl StartupError {
    pub fn new(exit_name: &'static str, message: impl Into<String>) -> Self {
        StartupError {
            message: message.into(),
            exit_name,
        }
    }

    pub fn code(&self) -> i32 {
        contract::exit_code(self.exit_name)
    }
}

/// The producer and the thread that serves its delivery reports and statistics (so the socket
/// loop never waits for them). Dropped on every way out of the run: the poller stops and the
/// producer is destroyed (rd_kafka_destroy) before the process exits, never under librdkafka's
/// running threads (exiting under them crashed the process: exit 139 instead of 4).
pub struct KafkaGuard {
    pub producer: Arc<kafka::Producer>,
    pipeline: Arc<Pipeline>,
    stop: Arc<AtomicBool>,
    poller: Option<std::thread::JoinHandle<()>>,
}

impl KafkaGuard {
    pub fn start(producer: Arc<kafka::Producer>, pipeline: Arc<Pipeline>) -> Self {
        pipeline.set_producer(Some(producer.clone()));
        let stop = Arc::new(AtomicBool::new(false));
        let poller = {
            let (p, stop) = (producer.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    p.poll(Duration::from_millis(50));
                }
            })
        };
        KafkaGuard {
            producer,
            pipeline,
            stop,
            poller: Some(poller),
        }
    }

    pub fn stop_polling(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.poller.take() {
            let _ = t.join();
        }
    }
}

impl Drop for KafkaGuard {
    fn drop(&mut self) {
        self.stop_polling();
        // the pipeline's reference goes here, this guard's right after; the run's own clone was
        // declared after the guard, so it is already gone: the producer is destroyed now
        self.pipeline.set_producer(None);
    }
}
