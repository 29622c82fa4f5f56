//! What a run measures: HDR histograms (µs, 3 significant digits), the window's counters and
//! intervals (recorder), RSS and CPU (sampler).
mod histogram;
mod recorder;
mod sampler;
pub use histogram::{encode, histogram, record, summarize};
pub use recorder::Recorder;
pub use sampler::{cpu_us, memory, Gauge};
