/// Bytes from the operating system's random number generator.
///
/// Panics only if the OS cannot provide randomness, in which case nothing secure can be done.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random number generator failed");
    bytes
}
