//! The upgrade response seen on its way to yawc: bounded (64 KiB of headers) and kept, so the
//! report can state what permessage-deflate negotiation the server answered (yawc does not
//! expose it).
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

pub const MAX_HEAD_BYTES: usize = 64 * 1024;

pub trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

pub struct Tap {
    inner: Box<dyn Io>,
    head: Arc<Mutex<Vec<u8>>>,
    done: bool,
}

impl Tap {
    pub fn new(inner: Box<dyn Io>) -> (Self, Arc<Mutex<Vec<u8>>>) {
        let head = Arc::new(Mutex::new(Vec::new()));
        (
            Tap {
                inner,
                head: head.clone(),
                done: false,
            },
            head,
        )
    }
}

/// The value of the response's Sec-WebSocket-Extensions says permessage-deflate.
pub fn negotiated_deflate(head: &[u8]) -> bool {
    let end = head
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(head.len());
    String::from_utf8_lossy(&head[..end]).lines().any(|line| {
        let l = line.to_ascii_lowercase();
        l.starts_with("sec-websocket-extensions:") && l.contains("permessage-deflate")
    })
}

impl AsyncRead for Tap {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if !self.done {
            if let Poll::Ready(Ok(())) = &r {
                let fresh = buf.filled()[before..].to_vec();
                let mut head = self.head.lock().unwrap_or_else(|e| e.into_inner());
                head.extend_from_slice(&fresh);
                let complete = head.windows(4).any(|w| w == b"\r\n\r\n");
                let over = !complete && head.len() > MAX_HEAD_BYTES;
                drop(head);
                if complete {
                    self.done = true;
                } else if over {
                    return Poll::Ready(Err(io::Error::other(
                        "the upgrade response has over 64 KiB of headers",
                    )));
                }
            }
        }
        r
    }
}

impl AsyncWrite for Tap {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_negotiated_extension() {
        assert!(negotiated_deflate(b"HTTP/1.1 101 x\r\nSec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover\r\n\r\n"));
        assert!(!negotiated_deflate(b"HTTP/1.1 101 x\r\nUpgrade: websocket\r\n\r\nsec-websocket-extensions: permessage-deflate"));
    }
}
