//! Throughput of the detector on one core: realistic mail (the corpus) and adversarial
//! inputs that would expose quadratic behaviour. `cargo bench -p zegel-detect`.

use std::hint::black_box;
use std::time::Instant;

fn corpus_texts() -> Vec<String> {
    include_str!("../corpus/messages.jsonl")
        .lines()
        .chain(include_str!("../corpus/handwritten.jsonl").lines())
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            value["text"].as_str().unwrap().to_owned()
        })
        .collect()
}

/// MB/s over `rounds` passes of `texts`, each text detected on its own as in production.
fn measure(texts: &[String], rounds: usize) -> (f64, f64) {
    let bytes: usize = texts.iter().map(String::len).sum::<usize>() * rounds;
    let started = Instant::now();
    let mut found = 0;
    for _ in 0..rounds {
        for text in texts {
            found += black_box(zegel_detect::detect(black_box(text))).spans.len();
        }
    }
    black_box(found);
    let seconds = started.elapsed().as_secs_f64();
    (bytes as f64 / seconds / 1e6, seconds)
}

fn main() {
    let texts = corpus_texts();
    let average = texts.iter().map(String::len).sum::<usize>() / texts.len();
    measure(&texts, 3); // warm up: lexicon, caches
    let (mbps, seconds) = measure(&texts, 200);
    println!(
        "realistic mail: {} messages of {average} bytes on average, {mbps:.0} MB/s ({seconds:.2} s)",
        texts.len()
    );

    // One long message made of many mails: the same work in one call.
    let long = vec![texts.join("\n\n")];
    let (mbps, _) = measure(&long, 100);
    println!(
        "one long message ({} KB): {mbps:.0} MB/s",
        long[0].len() / 1024
    );

    // Adversarial inputs: time must grow linearly with size (ratio ≈ 4 for 4× the input).
    let patterns: [(&str, &str); 6] = [
        ("digits and separators", "1 2-3.4 "),
        ("at signs", "a@b@c."),
        ("first names", "Jan Anna "),
        ("titles and capitals", "mevrouw De "),
        ("long digit run", "1"),
        ("month names", "3 maart "),
    ];
    for (name, unit) in patterns {
        let small = unit.repeat(1_000_000 / unit.len());
        let large = unit.repeat(4_000_000 / unit.len());
        let (_, t_small) = measure(std::slice::from_ref(&small), 3);
        let (_, t_large) = measure(std::slice::from_ref(&large), 3);
        println!(
            "adversarial {name}: 1 MB {:.1} ms, 4 MB {:.1} ms (ratio {:.1})",
            t_small * 1000.0 / 3.0,
            t_large * 1000.0 / 3.0,
            t_large / t_small
        );
    }
}
