//! The dial of one connection: TCP (no delay), TLS for wss (rustls, webpki roots, http/1.1),
//! and the upgrade through the tap that keeps the response's extension header (upbit/tap.rs).
use super::tap::{negotiated_deflate, Io, Tap};
use std::sync::{Arc, OnceLock};
use tokio::net::TcpStream;
use yawc::{HttpRequest, Options, WebSocket, WebSocketError};

pub type Ws = WebSocket<Tap>;

fn tls_connector() -> tokio_rustls::TlsConnector {
    static CFG: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    let cfg = CFG.get_or_init(|| {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let mut cfg = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("rustls protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Arc::new(cfg)
    });
    tokio_rustls::TlsConnector::from(cfg.clone())
}

/// An open, upgraded socket and the compression the server accepted.
pub async fn connect(url: &url::Url, opts: Options) -> Result<(Ws, &'static str), WebSocketError> {
    let host = url
        .host_str()
        .ok_or(WebSocketError::InvalidHttpScheme)?
        .to_owned();
    let port = url
        .port_or_known_default()
        .ok_or(WebSocketError::InvalidHttpScheme)?;
    let tcp =
        TcpStream::connect((host.trim_start_matches('[').trim_end_matches(']'), port)).await?;
    tcp.set_nodelay(true)?;
    let io: Box<dyn Io> = if url.scheme() == "wss" {
        let name = rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
        Box::new(tls_connector().connect(name, tcp).await?)
    } else {
        Box::new(tcp)
    };
    let (tap, head) = Tap::new(io);
    let ws =
        WebSocket::handshake_with_request(url.clone(), tap, opts, HttpRequest::builder()).await?;
    let deflate = negotiated_deflate(&head.lock().unwrap_or_else(|e| e.into_inner()));
    Ok((
        ws,
        if deflate {
            "permessage-deflate"
        } else {
            "none"
        },
    ))
}
