//! One planned connection: open (TCP, TLS, upgrade offering permessage-deflate), subscribe,
//! serve frames with keepalive pings and the silence watchdog, and after a drop spend the retry
//! budget (flaps keep spending it).
use super::backoff::backoff_delay_ms;
use super::client::Client;
use super::dial::{connect, Ws};
use super::frame_check::{BAD_UTF8, TOO_LARGE};
use super::plan::Planned;
use super::retry_budget::RetryBudget;
use super::subscribe::subscribe_message;
use crate::clock::jitter_random;
use futures_util::SinkExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use yawc::close::CloseCode;
use yawc::frame::{Frame, OpCode};
use yawc::{Options, WebSocketError};

#[derive(PartialEq, Debug)]
enum Kind {
    Shutdown,
    Refused,
    HandshakeTimeout,
    HandshakeFailed,
    Silence,
    Closed,
    Error,
}

struct Drop {
    kind: Kind,
    why: String,
    was_open: bool,
    open_for: Duration,
}

impl Drop {
    fn new(kind: Kind, why: impl Into<String>) -> Self {
        Drop {
            kind,
            why: why.into(),
            was_open: false,
            open_for: Duration::ZERO,
        }
    }
}

struct Conn {
    c: Arc<Client>,
    i: usize,
    index: usize,
    subscribe: String,
    budget: RetryBudget,
    dropped_at: Option<Instant>,
}

pub async fn run(c: Arc<Client>, i: usize, p: Planned, open_at: tokio::time::Instant) {
    let ticket = format!("{}-{}", c.opts.ticket_prefix, p.index);
    let subscribe = subscribe_message(&ticket, &c.opts.channel, &p.codes);
    let mut k = Conn {
        c: c.clone(),
        i,
        index: p.index,
        subscribe,
        budget: RetryBudget::new(c.opts.max_retries, c.opts.stable_after),
        dropped_at: None,
    };
    let mut shutdown = c.shutdown.subscribe();
    let stopped = tokio::select! {
        _ = tokio::time::sleep_until(open_at) => false,
        _ = stopped(&mut shutdown) => true,
    };
    if !stopped {
        loop {
            let d = match k.open().await {
                Ok(ws) => k.serve(ws).await,
                Err(d) => d,
            };
            if !k.after_drop(d).await {
                break;
            }
        }
    }
    if let Some(at) = k.dropped_at {
        c.update(|s| s.disconnected_ms += at.elapsed().as_millis() as u64);
    }
}

impl Conn {
    fn ws_options(&self) -> Options {
        let o = &self.c.opts;
        // yawc's limits are exclusive: a message of exactly MAX_FRAME_BYTES passes
        let limit = o.max_frame_bytes + 1;
        let base = Options::default()
            .with_max_payload_read(limit)
            .with_max_read_buffer(limit)
            .with_utf8()
            .with_no_delay();
        if o.compression {
            base.with_low_latency_compression()
        } else {
            base.without_compression()
        }
    }

    async fn open(&mut self) -> Result<Ws, Drop> {
        let mut shutdown = self.c.shutdown.subscribe();
        if *shutdown.borrow() {
            return Err(Drop::new(Kind::Shutdown, ""));
        }
        let url: url::Url = self
            .c
            .opts
            .url
            .parse()
            .map_err(|e| Drop::new(Kind::HandshakeFailed, format!("{e}")))?;
        let started = Instant::now();
        let attempt = tokio::time::timeout(
            self.c.opts.handshake_timeout,
            connect(&url, self.ws_options()),
        );
        let (mut ws, compression) = tokio::select! {
            _ = stopped(&mut shutdown) => return Err(Drop::new(Kind::Shutdown, "")),
            r = attempt => match r {
                Err(_) => return Err(Drop::new(Kind::HandshakeTimeout, "handshake timed out")),
                Ok(Err(WebSocketError::InvalidStatusCode(429))) => {
                    return Err(Drop::new(Kind::Refused, "handshake answered 429 Too Many Requests"))
                }
                Ok(Err(WebSocketError::InvalidStatusCode(s))) => {
                    return Err(Drop::new(Kind::HandshakeFailed, format!("handshake answered HTTP {s}")))
                }
                Ok(Err(WebSocketError::Redirected { status_code, .. })) => {
                    return Err(Drop::new(Kind::HandshakeFailed, format!("handshake answered HTTP {status_code}")))
                }
                Ok(Err(e)) => return Err(Drop::new(Kind::HandshakeFailed, e.to_string())),
                Ok(Ok(pair)) => pair,
            },
        };
        let connect_us = started.elapsed().as_nanos() as f64 / 1000.0;
        if let Err(e) = ws.send(Frame::text(self.subscribe.clone())).await {
            return Err(Drop::new(Kind::Error, format!("subscribe failed: {e}")));
        }
        let disconnected = self
            .dropped_at
            .take()
            .map(|at| at.elapsed())
            .unwrap_or_default();
        self.c.opened(self.i, connect_us, compression, disconnected);
        Ok(ws)
    }

    async fn serve(&mut self, mut ws: Ws) -> Drop {
        let opened_at = Instant::now();
        let d = self.serve_until_drop(&mut ws).await;
        if d.kind == Kind::Shutdown {
            let _ = tokio::time::timeout(
                Duration::from_millis(500),
                ws.send(Frame::close(CloseCode::Normal, "")),
            )
            .await;
        }
        Drop {
            was_open: true,
            open_for: opened_at.elapsed(),
            ..d
        }
    }

    async fn serve_until_drop(&mut self, ws: &mut Ws) -> Drop {
        let o = &self.c.opts;
        let mut shutdown = self.c.shutdown.subscribe();
        let mut ping = tokio::time::interval_at(
            tokio::time::Instant::now() + o.ping_interval,
            o.ping_interval,
        );
        let silence = o.silence_timeout;
        let watchdog = !silence.is_zero();
        let mut quiet_until = tokio::time::Instant::now() + silence;
        loop {
            tokio::select! {
                biased;
                _ = stopped(&mut shutdown) => return Drop::new(Kind::Shutdown, ""),
                _ = tokio::time::sleep_until(quiet_until), if watchdog => {
                    return Drop::new(Kind::Silence, format!("silent for {} ms", silence.as_millis()));
                }
                _ = ping.tick() => {
                    if let Err(e) = ws.send(Frame::ping(Vec::new())).await {
                        return Drop::new(Kind::Error, format!("ping failed: {e}"));
                    }
                }
                r = ws.next_frame() => match r {
                    Ok(frame) => match frame.opcode() {
                        OpCode::Text | OpCode::Binary => {
                            if (o.on_frame)(frame.payload()) && watchdog {
                                quiet_until = tokio::time::Instant::now() + silence;
                            }
                            // frames already buffered are decoded without touching the socket,
                            // so a flood would never yield: each one spends tokio's budget, and
                            // the clock's task runs on time
                            tokio::task::coop::consume_budget().await;
                        }
                        OpCode::Close => {
                            let code = frame.close_code().map(u16::from).map(|c| format!(" ({c})")).unwrap_or_default();
                            return Drop::new(Kind::Closed, format!("closed by the server{code}"));
                        }
                        _ => {}
                    },
                    Err(WebSocketError::FrameTooLarge) => {
                        (o.on_refused)(TOO_LARGE);
                        return Drop::new(Kind::Error, "a message over MAX_FRAME_BYTES (close 1009)");
                    }
                    Err(WebSocketError::InvalidUTF8) => {
                        (o.on_refused)(BAD_UTF8);
                        let close = ws.send(Frame::close(CloseCode::Invalid, ""));
                        let _ = tokio::time::timeout(Duration::from_millis(500), close).await;
                        return Drop::new(Kind::Error, "a text frame that is not UTF-8 (close 1007)");
                    }
                    Err(WebSocketError::ConnectionClosed) => return Drop::new(Kind::Closed, "closed by the server"),
                    Err(e) => return Drop::new(Kind::Error, e.to_string()),
                },
            }
        }
    }

    /// Spends the retry budget after a drop; false when the connection is done (given up or the
    /// run is ending).
    async fn after_drop(&mut self, d: Drop) -> bool {
        if d.kind == Kind::Shutdown || *self.c.shutdown.borrow() {
            return false;
        }
        let o = &self.c.opts;
        if d.was_open {
            let now = Instant::now();
            self.dropped_at = Some(now);
            self.c.closed(now);
        }
        let verdict = self.budget.drop(d.was_open.then_some(d.open_for));
        self.c.update(|s| {
            match d.kind {
                Kind::Refused => s.rate_limited += 1,
                Kind::HandshakeTimeout => s.handshake_timeouts += 1,
                Kind::Silence => s.silence_reconnects += 1,
                _ => {}
            }
            if verdict.flap {
                s.flaps += 1;
            }
        });
        let mut why = d.why;
        if verdict.flap {
            why += &format!(" {} ms after opening (flap)", d.open_for.as_millis());
        }
        let Some(attempt) = verdict.attempt else {
            self.c.gave_up(self.i);
            self.c.log(format!(
                "connection {} {}; gave up after {} retries",
                self.index,
                why,
                self.budget.used()
            ));
            return false;
        };
        self.c.update(|s| s.reconnects += 1);
        let delay = backoff_delay_ms(
            attempt,
            o.backoff_base_ms,
            d.kind == Kind::Refused,
            jitter_random(),
        );
        self.c.log(format!(
            "connection {} {}; retry {}/{} in {} ms",
            self.index, why, attempt, o.max_retries, delay
        ));
        let mut shutdown = self.c.shutdown.subscribe();
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(delay)) => true,
            _ = stopped(&mut shutdown) => false,
        }
    }
}

/// Resolves once the run is ending (the watch guard is dropped here, so futures stay Send).
async fn stopped(rx: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}
