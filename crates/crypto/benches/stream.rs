//! Speed of attachment stream encryption on one core: `cargo bench -p zegel-crypto`.

use std::hint::black_box;
use std::time::Instant;
use zegel_crypto::{
    AttachmentKey, CHUNK, DataKey, HEADER, SEALED_CHUNK, SEGMENT_CHUNKS, SegmentOpener,
    SegmentSealer,
};

fn main() {
    let key = AttachmentKey::derive(&DataKey::generate(), "bench");
    let chunk = vec![0x5au8; CHUNK];
    let segments = 64u64;
    let total_mib = (segments * SEGMENT_CHUNKS * CHUNK as u64) >> 20;

    let started = Instant::now();
    let mut stored = Vec::new();
    for segment in 0..segments {
        let (mut sealer, header) = SegmentSealer::new(&key, segment);
        let mut out = header.to_vec();
        for index in 0..SEGMENT_CHUNKS {
            let last = segment + 1 == segments && index + 1 == SEGMENT_CHUNKS;
            let start = out.len();
            out.resize(start + SEALED_CHUNK, 0);
            sealer.seal_chunk(&chunk, last, &mut out[start..]);
        }
        stored.push(out);
    }
    let seal_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut opened = 0usize;
    let total_chunks = segments * SEGMENT_CHUNKS;
    for (segment, bytes) in stored.iter().enumerate() {
        let opener = SegmentOpener::new(&key, segment as u64, &bytes[..HEADER]).unwrap();
        for (index, sealed) in bytes[HEADER..].chunks(SEALED_CHUNK).enumerate() {
            let chunk = segment as u64 * SEGMENT_CHUNKS + index as u64;
            opened += black_box(opener.open_chunk(chunk, chunk + 1 == total_chunks, sealed))
                .unwrap()
                .len();
        }
    }
    let open_seconds = started.elapsed().as_secs_f64();
    assert_eq!(opened as u64, total_mib << 20);
    println!(
        "seal {:.0} MB/s, open {:.0} MB/s ({total_mib} MiB in 64 KiB chunks)",
        total_mib as f64 / seal_seconds,
        total_mib as f64 / open_seconds
    );
}
