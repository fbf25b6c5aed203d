//! Scores the detector against a labelled corpus (JSONL lines `{"id","text",
//! "contains_personal_data","spans":[{"start","end","type"}]}`, offsets in code points) and
//! prints the figures and every mistake. Used by the corpus tests and the `evaluate` example.

use serde_json::Value;

use crate::{Span, detect};

struct Gold {
    start: usize,
    end: usize,
    kind: String,
}

fn overlap_ratio(a: (usize, usize), b: (usize, usize)) -> f64 {
    let inter = a.1.min(b.1).saturating_sub(a.0.max(b.0)) as f64;
    let union = (a.1.max(b.1) - a.0.min(b.0)) as f64;
    if union == 0.0 { 0.0 } else { inter / union }
}

fn kind_name(span: &Span) -> String {
    span.kind.as_str().to_owned()
}

pub struct Metrics {
    pub message_f1: f64,
    pub false_positive_rate: f64,
    pub span_f1: f64,
}

/// Scores the detector on one JSONL corpus and prints the figures and mistakes.
pub fn evaluate(name: &str, corpus: &str) -> Metrics {
    let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
    let (mut span_tp, mut span_fp, mut span_fn, mut exact) = (0usize, 0usize, 0usize, 0usize);
    let mut mistakes = Vec::new();
    for line in corpus.lines() {
        let message: Value = serde_json::from_str(line).unwrap();
        let text = message["text"].as_str().unwrap();
        let chars: Vec<char> = text.chars().collect();
        let shown = |start: usize, end: usize| chars[start..end].iter().collect::<String>();
        let expected = message["contains_personal_data"].as_bool().unwrap();
        let gold: Vec<Gold> = message["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| Gold {
                start: s["start"].as_u64().unwrap() as usize,
                end: s["end"].as_u64().unwrap() as usize,
                kind: s["type"].as_str().unwrap().to_owned(),
            })
            .collect();
        let verdict = detect(text);
        match (expected, verdict.contains_personal_data) {
            (true, true) => tp += 1,
            (false, true) => fp += 1,
            (true, false) => fn_ += 1,
            (false, false) => tn += 1,
        }
        let mut matched = vec![false; gold.len()];
        for span in &verdict.spans {
            let hit = gold.iter().enumerate().find(|(i, g)| {
                !matched[*i]
                    && g.kind == kind_name(span)
                    && overlap_ratio((g.start, g.end), (span.start, span.end)) >= 0.5
            });
            match hit {
                Some((i, g)) => {
                    matched[i] = true;
                    span_tp += 1;
                    if g.start == span.start && g.end == span.end {
                        exact += 1;
                    }
                }
                None => {
                    span_fp += 1;
                    mistakes.push(format!(
                        "FP {} {:?} '{}'",
                        message["id"],
                        span.kind,
                        shown(span.start, span.end)
                    ));
                }
            }
        }
        for (i, g) in gold.iter().enumerate() {
            if !matched[i] {
                span_fn += 1;
                mistakes.push(format!(
                    "FN {} {} '{}'",
                    message["id"],
                    g.kind,
                    shown(g.start, g.end)
                ));
            }
        }
    }
    let f1 = |tp: usize, fp: usize, fn_: usize| {
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let r = tp as f64 / (tp + fn_).max(1) as f64;
        (
            p,
            r,
            if p + r == 0.0 {
                0.0
            } else {
                2.0 * p * r / (p + r)
            },
        )
    };
    let (mp, mr, mf1) = f1(tp, fp, fn_);
    let fpr = fp as f64 / (fp + tn).max(1) as f64;
    let (sp, sr, sf1) = f1(span_tp, span_fp, span_fn);
    println!(
        "== {name}: {} messages (tp {tp}, fp {fp}, fn {fn_}, tn {tn})",
        tp + fp + fn_ + tn
    );
    println!(
        "message level: precision {mp:.3} recall {mr:.3} F1 {mf1:.3} false-positive rate {fpr:.3}"
    );
    println!(
        "span level: precision {sp:.3} recall {sr:.3} F1 {sf1:.3} (exact boundaries {exact} of {span_tp})"
    );
    for mistake in &mistakes {
        println!("  {mistake}");
    }
    Metrics {
        message_f1: mf1,
        false_positive_rate: fpr,
        span_f1: sf1,
    }
}
