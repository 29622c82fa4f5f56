//! The report (schemas/report.schema.json): its assembly (build), its status by the contract's
//! rules (status), the host's facts (host), and writing it atomically (write).
pub mod build;
pub mod host;
pub mod status;
pub mod write;

pub use status::{exit_code, judge, Outcome};
pub use write::write;

pub const SCHEMA_VERSION: u32 = 2;
