//! `rust-tuned`'s producer: a `BaseProducer` whose delivery opaque is the message's seq (a usize:
//! no allocation per message), its reports and statistics polled on a thread of its own, so the
//! socket loop never waits for them.
use super::{error_name, headers, Ctx, Message, Sent, Sink};
use rdkafka::config::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

impl ProducerContext for Ctx {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, seq: usize) {
        match result {
            Ok(_) => self.handlers.delivered(seq as u64, None),
            Err((e, _)) => {
                let name = error_name(e, "DELIVERY_ERROR");
                self.handlers.delivered(seq as u64, Some(&name));
            }
        }
    }
}

pub struct BaseSink {
    producer: Arc<BaseProducer<Ctx>>,
    topic: String,
    contender: Vec<u8>,
    stopping: Arc<AtomicBool>,
    poller: Mutex<Option<JoinHandle<()>>>,
}

impl BaseSink {
    pub fn new(
        cc: &ClientConfig,
        ctx: Ctx,
        topic: &str,
        contender: &str,
    ) -> Result<Self, KafkaError> {
        let producer: Arc<BaseProducer<Ctx>> = Arc::new(cc.create_with_context(ctx)?);
        let stopping = Arc::new(AtomicBool::new(false));
        let poller = {
            let (p, stopping) = (producer.clone(), stopping.clone());
            std::thread::spawn(move || {
                while !stopping.load(Ordering::Relaxed) {
                    p.poll(Duration::from_millis(50));
                }
            })
        };
        Ok(BaseSink {
            producer,
            topic: topic.to_owned(),
            contender: contender.as_bytes().to_vec(),
            stopping,
            poller: Mutex::new(Some(poller)),
        })
    }
}

impl Sink for BaseSink {
    fn send(&self, m: &Message<'_>) -> Sent {
        let record = BaseRecord::with_opaque_to(&self.topic, m.seq as usize)
            .key(m.key)
            .payload(m.value)
            .headers(headers(m.seq, &self.contender, m.phase));
        match self.producer.send(record) {
            Ok(()) => Sent::Taken,
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => Sent::QueueFull,
            Err((e, _)) => Sent::Refused(error_name(&e, "PRODUCE_ERROR")),
        }
    }

    fn check_broker(&self, timeout: Duration) -> Result<(), KafkaError> {
        self.producer
            .client()
            .fetch_metadata(None, timeout)
            .map(|_| ())
    }

    /// librdkafka's flush, on this thread (the poller serves the reports meanwhile).
    fn flush(&self, timeout: Duration) -> Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(async move {
            let _ = self.producer.flush(timeout);
        })
    }

    /// The poller joined, then the reports already waiting served on this thread.
    fn stop(&self) {
        self.stopping.store(true, Ordering::Relaxed);
        let poller = self.poller.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(t) = poller {
            let _ = t.join();
            self.producer.poll(Duration::ZERO);
        }
    }
}

impl Drop for BaseSink {
    /// The poller holds the producer too: joined first, so the producer is destroyed
    /// (rd_kafka_destroy) here, never under a thread still polling it.
    fn drop(&mut self) {
        self.stop();
    }
}
