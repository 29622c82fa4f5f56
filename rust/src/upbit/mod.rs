//! Upbit: the market list, the connection plan, the WebSocket client and the frame check.
pub mod all_down;
pub mod backoff;
pub mod client;
pub mod connection;
pub mod dial;
pub mod frame_check;
pub mod markets;
pub mod plan;
pub mod retry_budget;
pub mod subscribe;
pub mod tap;
