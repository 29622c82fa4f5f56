//! Frames in, messages out: the phase (before ready, warm-up, window, closed), the frame check,
//! seq numbering over warm-up and window, produce with headers, delivery reports booked by seq.
use crate::clock::wall_ms;
use crate::kafka::{self, Message, Sent, Sink, QUEUE_FULL_GIVE_UP, QUEUE_FULL_RETRY};
use crate::metrics::Recorder;
use crate::upbit::frame_check::{self, Checker, Kind, Verdict};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Phase {
    BeforeReady,
    Warmup,
    Window,
    Closed,
}

pub struct Shared {
    pub rec: Recorder,
    pub phase: Phase,
    pub seq: u64,
    /// The first seq of the window (0 until it opens): reports below it are the warm-up's.
    pub window_from: u64,
    pub stats: kafka::Stats,
    checker: Option<Checker>,
    /// Held here (not beside the lock) so the run can take it back and destroy it before exit.
    pub producer: Option<Arc<dyn Sink>>,
}

pub struct Pipeline {
    shared: Mutex<Shared>,
    log: Box<dyn Fn(&str) + Send + Sync>,
}

impl Pipeline {
    pub fn new(log: Box<dyn Fn(&str) + Send + Sync>) -> Arc<Self> {
        Arc::new(Pipeline {
            shared: Mutex::new(Shared {
                rec: Recorder::new(),
                phase: Phase::BeforeReady,
                seq: 0,
                window_from: 0,
                stats: kafka::Stats::default(),
                checker: None,
                producer: None,
            }),
            log,
        })
    }

    pub fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn set_producer(&self, p: Option<Arc<dyn Sink>>) {
        self.lock().producer = p;
    }

    pub fn set_markets(&self, codes: &[String], channel: &str) {
        self.lock().checker = Some(Checker::new(codes, channel));
    }

    pub fn set_phase(&self, phase: Phase) {
        let mut s = self.lock();
        if phase == Phase::Window {
            s.window_from = s.seq + 1;
        }
        s.phase = phase;
    }

    /// A message refused unread by the client (too-large, bad-utf8): invalid in the window.
    pub fn refused(&self, reason: &'static str) {
        let mut s = self.lock();
        if s.phase == Phase::Window {
            s.rec.received += 1;
            s.rec.invalid_frame(reason, b"", 0);
        }
    }

    /// One message from the feed; returns whether it was a data frame.
    pub fn on_frame(&self, frame: &[u8]) -> bool {
        let mut s = self.lock();
        let in_at = s.rec.now();
        match frame_check::classify(frame) {
            Kind::Status => {
                s.rec.status_frames += 1;
                return false;
            }
            Kind::Error => {
                *s.rec
                    .error_frames
                    .entry(frame_check::error_name(frame))
                    .or_default() += 1;
                return false;
            }
            Kind::Data => {}
        }
        match s.phase {
            Phase::BeforeReady => s.rec.before_ready += 1,
            Phase::Closed => {}
            Phase::Warmup => {
                s.rec.warmup.received += 1;
                if let Some(Verdict::Ok(code, _)) = s.checker.as_ref().map(|c| c.check(frame)) {
                    s.seq += 1;
                    let seq = s.seq;
                    let (ok, s2) = self.produce(s, code, frame, seq, b"warmup");
                    s = s2;
                    if ok {
                        s.rec.warmup.produced += 1;
                    }
                }
            }
            Phase::Window => {
                s.rec.received += 1;
                s.rec.bytes_received += frame.len() as u64;
                match s.checker.as_ref().map(|c| c.check(frame)) {
                    Some(Verdict::Ok(code, exchange_ms)) => {
                        s.seq += 1;
                        let seq = s.seq;
                        s.rec.frame_in(seq, in_at, frame.len(), exchange_ms);
                        let (ok, mut s2) = self.produce(s, code, frame, seq, b"window");
                        if ok {
                            let now = s2.rec.now();
                            s2.rec.produced_ok(seq, now);
                        }
                    }
                    Some(Verdict::Invalid(reason)) => {
                        s.rec.invalid_frame(reason, frame, frame.len())
                    }
                    None => {}
                }
            }
        }
        true
    }

    /// Produces under the lock; a full queue releases it (delivery reports need it to drain the
    /// queue), waits and retries, counting the retries in the window.
    fn produce<'a>(
        &'a self,
        mut s: MutexGuard<'a, Shared>,
        code: usize,
        frame: &[u8],
        seq: u64,
        phase: &'static [u8],
    ) -> (bool, MutexGuard<'a, Shared>) {
        // a reference count, not an allocation: the lock is let go while a full queue drains
        let Some(producer) = s.producer.clone() else {
            return (false, s);
        };
        let give_up_at = Instant::now() + *QUEUE_FULL_GIVE_UP;
        loop {
            let key = s
                .checker
                .as_ref()
                .map(|c| c.codes[code].as_bytes())
                .unwrap_or(b"");
            let sent = producer.send(&Message {
                key,
                value: frame,
                seq,
                phase,
            });
            match sent {
                Sent::Taken => return (true, s),
                Sent::QueueFull if Instant::now() < give_up_at => {
                    if s.phase == Phase::Window {
                        s.rec.queue_full_retries += 1;
                    }
                    drop(s);
                    std::thread::sleep(QUEUE_FULL_RETRY);
                    s = self.lock();
                }
                Sent::QueueFull | Sent::Refused(_) => {
                    let name = match sent {
                        Sent::Refused(name) => name,
                        _ => "QUEUE_FULL".to_owned(),
                    };
                    if s.phase == Phase::Window || (s.window_from > 0 && seq >= s.window_from) {
                        s.rec.produce_error(&name);
                    } else {
                        s.rec.warmup.failed += 1;
                    }
                    return (false, s);
                }
            }
        }
    }
}

impl kafka::Handlers for Pipeline {
    fn delivered(&self, seq: u64, err: Option<&str>) {
        let wall = wall_ms();
        let mut s = self.lock();
        if s.window_from == 0 || seq < s.window_from {
            if err.is_none() {
                s.rec.warmup.delivered += 1;
            } else {
                s.rec.warmup.failed += 1;
            }
            return;
        }
        let now = s.rec.now();
        s.rec.delivery_report(seq, err, now, wall);
    }

    fn queue_full_retry(&self) {
        let mut s = self.lock();
        if s.phase == Phase::Window {
            s.rec.queue_full_retries += 1;
        }
    }

    fn stats(&self, json: &[u8]) {
        let mut s = self.lock();
        if s.phase == Phase::Window {
            s.stats.add(json);
        }
    }

    fn log(&self, line: &str) {
        (self.log)(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_before_ready_and_status_frames_are_not_produced() {
        let p = Pipeline::new(Box::new(|_| {}));
        p.set_markets(&["KRW-BTC".to_owned()], "ticker");
        assert!(p.on_frame(br#"{"code":"KRW-BTC","trade_price":1}"#));
        assert!(!p.on_frame(br#"{"status":"UP"}"#));
        let s = p.lock();
        assert_eq!((s.rec.before_ready, s.rec.status_frames, s.seq), (1, 1, 0));
    }
}
