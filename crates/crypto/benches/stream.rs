//! Speed of attachment stream encryption on one core: `cargo bench -p zegel-crypto`.

use std::hint::black_box;
use std::time::Instant;
use zegel_crypto::{AttachmentKey, DataKey, StreamOpener, StreamSealer};

fn main() {
    let key = AttachmentKey::derive(&DataKey::generate(), "bench");
    let piece = vec![0x5au8; 1 << 20];
    let total_mb = 512;

    let started = Instant::now();
    let (mut sealer, header) = StreamSealer::new(&key);
    let mut sealed_pieces = vec![header];
    for _ in 0..total_mb {
        sealed_pieces.push(sealer.push(&piece));
    }
    sealed_pieces.push(sealer.finish());
    let seal_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut opener = StreamOpener::new(&key);
    let mut opened = 0usize;
    for sealed in &sealed_pieces {
        opened += black_box(opener.push(sealed).unwrap()).len();
    }
    opened += opener.finish().unwrap().len();
    let open_seconds = started.elapsed().as_secs_f64();
    assert_eq!(opened, total_mb << 20);
    println!(
        "seal {:.0} MB/s, open {:.0} MB/s ({total_mb} MiB in 1 MiB pieces)",
        total_mb as f64 / seal_seconds,
        total_mb as f64 / open_seconds
    );
}
