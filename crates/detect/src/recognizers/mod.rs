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
use crate::scan::Scan;

pub(crate) fn run(scan: &Scan, internal_domains: &[String]) -> Vec<Found> {
    let mut found = Vec::new();
    numbers::find(scan, &mut found);
    alnum::find(scan, &mut found);
    email::find(scan, internal_domains, &mut found);
    written_dates::find(scan, &mut found);
    people::find(scan, &mut found);
    address::find(scan, &mut found);
    // Health data counts when tied to a person, which may be a name found above.
    medical::find(scan, &mut found);
    found
}
