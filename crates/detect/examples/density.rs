fn main() {
    let text: String = include_str!("../corpus/messages.jsonl")
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let t = std::time::Instant::now();
    for _ in 0..50 {
        std::hint::black_box(zegel_detect::debug_hit_count(&text));
    }
    let scan_only = t.elapsed().as_secs_f64() / 50.0;
    let t = std::time::Instant::now();
    for _ in 0..50 {
        std::hint::black_box(zegel_detect::detect(&text));
    }
    let full = t.elapsed().as_secs_f64() / 50.0;
    println!(
        "{} bytes, {} hits; scan {:.0} MB/s, full {:.0} MB/s",
        text.len(),
        zegel_detect::debug_hit_count(&text),
        text.len() as f64 / scan_only / 1e6,
        text.len() as f64 / full / 1e6
    );
}
