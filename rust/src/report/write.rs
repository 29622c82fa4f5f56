//! Writing the report atomically: a fresh O_EXCL file beside the path, renamed over it.
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn path(dir: &str, contender: &str) -> PathBuf {
    Path::new(dir).join(format!("{contender}_performance_report.json"))
}

/// Writes `data` to a new file beside `path` (O_CREAT|O_EXCL: never through a planted link),
/// then renames it over `path`.
pub fn write_atomic(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let base = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("report");
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let tmp = dir.join(format!(".{base}.{}.{nanos:08x}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

pub fn write(dir: &str, contender: &str, report: &Value) -> std::io::Result<PathBuf> {
    let p = path(dir, contender);
    std::fs::create_dir_all(dir)?;
    let mut data = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
    data.push(b'\n');
    write_atomic(&p, &data)?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_planted_link_is_replaced_not_followed() {
        let dir = std::env::temp_dir().join(format!("rust-report-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let target = dir.join("target.txt");
        std::fs::write(&target, "keep").unwrap();
        let p = dir.join("r.json");
        std::os::unix::fs::symlink(&target, &p).unwrap();
        write_atomic(&p, b"{}").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{}");
        assert!(!std::fs::symlink_metadata(&p)
            .unwrap()
            .file_type()
            .is_symlink());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
