//! Everything before the first WebSocket: the producer (either sink polls on a thread of its own),
//! the broker's metadata answer within STARTUP_TIMEOUT_MS, the market list. A failure is a
//! `StartupError` naming its exit code in the contract's rules, and leaves no report.
use crate::pipeline::Pipeline;
use crate::{contract, kafka};
use std::sync::Arc;

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

/// The producer, handed to the pipeline. Dropped on every way out of the run: polling stops and
/// the producer is destroyed (rd_kafka_destroy) before the process exits, never under librdkafka's
/// running threads (exiting under them crashed the process: exit 139 instead of 4).
pub struct KafkaGuard {
    pub producer: Arc<dyn kafka::Sink>,
    pipeline: Arc<Pipeline>,
}

impl KafkaGuard {
    pub fn start(producer: Arc<dyn kafka::Sink>, pipeline: Arc<Pipeline>) -> Self {
        pipeline.set_producer(Some(producer.clone()));
        KafkaGuard { producer, pipeline }
    }

    pub fn stop_polling(&mut self) {
        self.producer.stop();
    }
}

impl Drop for KafkaGuard {
    fn drop(&mut self) {
        self.stop_polling();
        // the pipeline's reference goes here, this guard's right after: the producer is destroyed
        // now (the as-shipped sink's tasks still waiting hold theirs until the runtime drops them)
        self.pipeline.set_producer(None);
    }
}
