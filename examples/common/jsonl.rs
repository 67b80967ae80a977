//! Reading JSON Lines files, shared by the examples that take one.

use serde::de::DeserializeOwned;

/// Every non-blank line of `path` as a `T`, or a message naming the file and line at fault.
pub fn read<T: DeserializeOwned>(path: &str) -> Result<Vec<T>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    text.lines()
        .enumerate()
        .filter(|(_, raw)| !raw.trim().is_empty())
        .map(|(number, raw)| {
            serde_json::from_str(raw).map_err(|e| format!("{path}:{}: {e}", number + 1))
        })
        .collect()
}
