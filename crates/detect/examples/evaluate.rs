//! Scores the detector on a labelled JSONL corpus and prints the figures:
//! `cargo run -p zegel-detect --example evaluate -- crates/detect/corpus/fresh.jsonl`
fn main() {
    let path = std::env::args().nth(1).expect("a corpus file (JSONL)");
    let corpus = std::fs::read_to_string(&path).expect("a readable corpus file");
    zegel_detect::evaluation::evaluate(&path, &corpus);
}
