//! `zegel detect`: the personal-data detector for evaluation and scripting. Needs no
//! configuration, database or network.

use serde::Deserialize;
use serde_json::json;
use std::io::{BufRead, Read, Write};

#[derive(Deserialize)]
struct Line {
    id: serde_json::Value,
    text: String,
}

/// With `jsonl`: one `{"id","text"}` per input line, one verdict per output line, flushed
/// as it is written; a broken line gets an `error` line and the rest goes on. Without:
/// the whole of stdin is one text.
pub fn run(jsonl: bool) -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    if !jsonl {
        let mut text = String::new();
        stdin.lock().read_to_string(&mut text)?;
        let verdict = zegel_detect::detect(&text);
        writeln!(
            out,
            "{}",
            serde_json::to_string(&verdict).expect("verdicts serialise")
        )?;
        return Ok(());
    }
    for (number, line) in stdin.lock().lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Line>(&line) {
            Ok(input) => {
                let verdict = zegel_detect::detect(&input.text);
                json!({"id": input.id, "contains_personal_data": verdict.contains_personal_data, "spans": verdict.spans})
            }
            Err(error) => {
                json!({"id": null, "line": number + 1, "error": format!("not a {{\"id\",\"text\"}} object: {error}")})
            }
        };
        writeln!(out, "{answer}")?;
        out.flush()?;
    }
    Ok(())
}
