//! `rust`'s producer, as shipped: rdkafka's `FutureProducer` used the way its README and examples
//! show it (examples/asynchronous_processing.rs): per frame a tokio task awaits
//! `send(FutureRecord, Duration::from_secs(0))`. The producer's own thread polls librdkafka and
//! completes a oneshot per message; the task wakes on the socket's thread and books the result.
//! What that costs beside the tuned sink: the frame copied into the task, a task, a boxed oneshot
//! per message, and the delivery's result handed across threads.
use super::{error_name, headers, Ctx, Handlers, Message, Sent, Sink};
use super::{QUEUE_FULL_GIVE_UP, QUEUE_FULL_RETRY};
use rdkafka::config::ClientConfig;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

pub struct FutureSink {
    producer: FutureProducer<Ctx>,
    topic: Arc<str>,
    contender: Arc<[u8]>,
    handlers: Arc<dyn Handlers>,
    pending: Arc<Pending>,
}

/// Messages taken whose task has not booked their result yet: what `flush` waits for.
#[derive(Default)]
struct Pending {
    count: AtomicUsize,
    none_left: Notify,
}

impl Pending {
    fn add(&self) {
        self.count.fetch_add(1, Ordering::AcqRel);
    }

    fn done(&self) {
        if self.count.fetch_sub(1, Ordering::AcqRel) == 1 {
            // a permit is kept when no flush waits yet: a later flush re-reads the count
            self.none_left.notify_one();
        }
    }

    fn left(&self) -> usize {
        self.count.load(Ordering::Acquire)
    }
}

impl FutureSink {
    pub fn new(
        cc: &ClientConfig,
        ctx: Ctx,
        topic: &str,
        contender: &str,
        handlers: Arc<dyn Handlers>,
    ) -> Result<Self, KafkaError> {
        Ok(FutureSink {
            producer: cc.create_with_context(ctx)?,
            topic: topic.into(),
            contender: contender.as_bytes().into(),
            handlers,
            pending: Arc::default(),
        })
    }
}

/// One message's send, as the crate's examples write it, with the contract's rule for a full
/// local queue on top: each refusal counted, tried again after QUEUE_FULL_RETRY, given up after
/// QUEUE_FULL_GIVE_UP. The error's name, or None once delivered.
async fn deliver(
    producer: &FutureProducer<Ctx>,
    topic: &str,
    contender: &[u8],
    (key, value): (&[u8], &[u8]),
    (seq, phase): (u64, &[u8]),
    handlers: &dyn Handlers,
) -> Option<String> {
    let give_up_at = Instant::now() + *QUEUE_FULL_GIVE_UP;
    loop {
        let record = FutureRecord::to(topic)
            .key(key)
            .payload(value)
            .headers(headers(seq, contender, phase));
        // 0: the examples' queue timeout; a full queue comes back at once, to be counted
        match producer.send(record, Duration::from_secs(0)).await {
            Ok(_) => return None,
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _))
                if Instant::now() < give_up_at =>
            {
                handlers.queue_full_retry();
                tokio::time::sleep(QUEUE_FULL_RETRY).await;
            }
            // an enqueue refused and a delivery failed come back alike: a failed delivery
            Err((e, _)) => return Some(error_name(&e, "DELIVERY_ERROR")),
        }
    }
}

impl Sink for FutureSink {
    /// Spawns the message's task (on the runtime of the socket that read the frame); librdkafka
    /// gets the message when the task first runs.
    fn send(&self, m: &Message<'_>) -> Sent {
        let (key, value) = (m.key.to_vec(), m.value.to_vec());
        let (seq, phase) = (m.seq, m.phase);
        let producer = self.producer.clone();
        let (topic, contender) = (self.topic.clone(), self.contender.clone());
        let (handlers, pending) = (self.handlers.clone(), self.pending.clone());
        pending.add();
        tokio::spawn(async move {
            let kv = (key.as_slice(), value.as_slice());
            let err = deliver(&producer, &topic, &contender, kv, (seq, phase), &*handlers).await;
            handlers.delivered(seq, err.as_deref());
            pending.done();
        });
        Sent::Taken
    }

    fn check_broker(&self, timeout: Duration) -> Result<(), KafkaError> {
        self.producer
            .client()
            .fetch_metadata(None, timeout)
            .map(|_| ())
    }

    /// Until every task has booked its message, the runtime running them meanwhile.
    fn flush(&self, timeout: Duration) -> Pin<Box<dyn Future<Output = ()> + '_>> {
        Box::pin(async move {
            let deadline = tokio::time::Instant::now() + timeout;
            while self.pending.left() > 0 {
                let none_left = self.pending.none_left.notified();
                if tokio::time::timeout_at(deadline, none_left).await.is_err() {
                    return;
                }
            }
        })
    }

    /// The producer's own thread stops when its last clone is dropped; tasks still waiting then
    /// book nothing more, since the run builds its report without yielding to them.
    fn stop(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Books {
        delivered: Mutex<Vec<(u64, Option<String>)>>,
        retries: AtomicUsize,
    }

    impl Handlers for Books {
        fn delivered(&self, seq: u64, err: Option<&str>) {
            let mut d = self.delivered.lock().unwrap();
            d.push((seq, err.map(str::to_owned)));
        }
        fn queue_full_retry(&self) {
            self.retries.fetch_add(1, Ordering::Relaxed);
        }
        fn stats(&self, _json: &[u8]) {}
        fn log(&self, _line: &str) {}
    }

    /// A real librdkafka producer with nowhere to deliver (no broker on port 1), a local queue of
    /// one message and a 300-ms message timeout.
    fn sink(books: &Arc<Books>) -> FutureSink {
        let mut cc = ClientConfig::new();
        cc.set("bootstrap.servers", "127.0.0.1:1")
            .set("queue.buffering.max.messages", "1")
            .set("linger.ms", "0")
            .set("message.timeout.ms", "300");
        let handlers: Arc<dyn Handlers> = books.clone();
        let ctx = Ctx {
            handlers: handlers.clone(),
            last_error: Default::default(),
        };
        FutureSink::new(&cc, ctx, "t", "rust", handlers).unwrap()
    }

    fn message(seq: u64) -> Message<'static> {
        Message {
            key: b"KRW-BTC",
            value: b"{}",
            seq,
            phase: b"window",
        }
    }

    #[tokio::test]
    async fn a_full_queue_is_retried_and_counted_and_every_result_is_booked_by_seq() {
        let books = Arc::new(Books::default());
        let s = sink(&books);
        assert_eq!(s.send(&message(1)), Sent::Taken);
        assert_eq!(s.send(&message(2)), Sent::Taken);
        assert_eq!(s.pending.left(), 2);
        let started = Instant::now();
        s.flush(Duration::from_secs(10)).await;
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(s.pending.left(), 0);
        // 2 waited for 1's place in the queue, then both timed out undelivered
        assert!(books.retries.load(Ordering::Relaxed) > 0);
        let mut d = books.delivered.lock().unwrap().clone();
        d.sort();
        let timed_out = Some("MessageTimedOut".to_owned());
        assert_eq!(d, vec![(1, timed_out.clone()), (2, timed_out)]);
    }

    #[tokio::test]
    async fn flush_gives_up_at_its_timeout() {
        let books = Arc::new(Books::default());
        let s = sink(&books);
        s.send(&message(1));
        s.flush(Duration::from_millis(50)).await;
        assert_eq!(s.pending.left(), 1);
        assert!(books.delivered.lock().unwrap().is_empty());
    }
}
