fn main() {
    let unit = std::env::args().nth(1).unwrap();
    for size in [25_000, 50_000, 100_000, 200_000] {
        let text = unit.repeat(size / unit.len());
        let t = std::time::Instant::now();
        let n = zegel_detect::detect(&text).spans.len();
        println!("{size}: {:?} ({n} spans)", t.elapsed());
    }
}
