//! Upbit: the market list, the connection plan, the WebSocket client and the frame check.
pub mod client;
pub mod conn;
pub mod framecheck;
pub mod markets;
pub mod plan;
pub mod tap;
