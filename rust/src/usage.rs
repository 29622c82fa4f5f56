//! `--help`: every option of the contract's env table (flag, variable, values, default, meaning),
//! printed the way src/contender/usage.ts, go's internal/config/usage.go and python's config do,
//! so every language's help reads the same.
use crate::config::{flag_name, rows};
use crate::contract::quote;

pub fn usage() -> String {
    let mut lines = vec!["options (each also an environment variable; flags win):".to_owned()];
    for row in rows() {
        let text = |k: &str| row[k].as_str().unwrap_or("").to_owned();
        let name = text("name");
        let default = match row["default"].as_str() {
            Some(d) => quote(d),
            None => text("defaultText"),
        };
        let values = match text("type").as_str() {
            "int" => format!("integer {}-{}", row["min"], row["max"]),
            "enum" => {
                let values: Vec<&str> = row["values"]
                    .as_array()
                    .map(|v| v.iter().filter_map(|x| x.as_str()).collect())
                    .unwrap_or_default();
                format!("[{}]", values.join(" "))
            }
            other => other.to_owned(),
        };
        lines.push(format!(
            "  {} ({name}) {values}, default {default}",
            flag_name(&name)
        ));
        lines.push(format!("      {}", text("meaning")));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variable_is_listed_with_its_flag() {
        let text = usage();
        for row in rows() {
            let name = row["name"].as_str().unwrap();
            assert!(
                text.contains(&format!("{} ({name})", flag_name(name))),
                "{name}"
            );
        }
        assert!(text.contains("--test-duration (TEST_DURATION) integer 1-86400, default \"60\""));
    }
}
