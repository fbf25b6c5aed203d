//! The recognizers, each for a few entity types. They read the shared [`Scan`] and return
//! byte-offset findings with a score.

mod address;
mod alnum;
mod email;
mod medical;
mod numbers;
mod people;
mod written_dates;

use crate::Found;
use crate::scan::{Scan, is_word_byte};

pub(crate) fn run(scan: &Scan, internal_domains: &[String]) -> Vec<Found> {
    let mut found = Vec::new();
    identifiers(scan, &mut found);
    email::find(scan, internal_domains, &mut found);
    written_dates::find(scan, &mut found);
    people::find(scan, &mut found);
    address::find(scan, &mut found);
    // Health data counts when tied to a person, which may be a name found above.
    medical::find(scan, &mut found);
    found
}

/// One walk over the word starts: numbers (a digit or '+') and identifiers that start with
/// a capital (IBANs, UK postcodes, document numbers).
fn identifiers(scan: &Scan, found: &mut Vec<Found>) {
    let bytes = scan.bytes;
    let mut pos = 0;
    while pos < bytes.len() {
        let b = bytes[pos];
        let word_start = pos == 0 || !is_word_byte(bytes[pos - 1]);
        pos = if !word_start {
            pos + 1
        } else if b.is_ascii_digit() || b == b'+' {
            numbers::at(scan, pos, found)
        } else if b.is_ascii_uppercase() {
            alnum::at(scan, pos, found)
        } else {
            pos + 1
        };
    }
}
