//! Health data of a person: a diagnosis, condition or medicine in a sentence that ties it
//! to someone ("mijn zoon heeft diabetes", "patient takes metformin"), and not in general
//! information ("informatieavond over dementie").

use crate::lexicon::Cue;
use crate::scan::Scan;
use crate::{EntityType, Found};

pub(crate) fn find(scan: &Scan, found: &mut Vec<Found>) {
    let names: Vec<(usize, usize)> = found
        .iter()
        .filter(|f| f.kind == EntityType::Person)
        .map(|f| (f.start, f.end))
        .collect();
    let mut medical = Vec::new();
    for hit in scan.hits.iter().filter(|h| h.cue == Cue::Medical) {
        let (start, end) = scan.sentence(hit.start);
        let sentence = scan.hits_in(start, end);
        if sentence.iter().any(|h| h.cue == Cue::GeneralHealth) {
            continue;
        }
        let tied = sentence
            .iter()
            .any(|h| matches!(h.cue, Cue::HealthOfPerson | Cue::Title))
            || names.iter().any(|&(s, _)| s >= start && s < end);
        if tied {
            medical.push(Found {
                start: hit.start,
                end: hit.end,
                kind: EntityType::Medical,
                score: 0.85,
            });
        }
    }
    found.extend(medical);
}
