//! Health data of a person: a diagnosis, condition or medicine in a sentence that ties it
//! to someone ("mijn zoon heeft diabetes", "patient takes metformin"), and not in general
//! information ("informatieavond over dementie").

use crate::lexicon::{Cue, person_words};
use crate::scan::Scan;
use crate::scan::is_word_byte;
use crate::{EntityType, Found};

pub(crate) fn find(scan: &Scan, found: &mut Vec<Found>) {
    let mut names: Vec<usize> = found
        .iter()
        .filter(|f| f.kind == EntityType::Person)
        .map(|f| f.start)
        .collect();
    names.sort_unstable();
    let mut medical = Vec::new();
    for hit in scan.hits.iter().filter(|h| h.cue == Cue::Medical) {
        let (start, end) = scan.sentence(hit.start);
        let sentence = scan.hits_in(start, end);
        if sentence.iter().any(|h| h.cue == Cue::GeneralHealth) {
            continue;
        }
        let tied = sentence.iter().any(|h| h.cue == Cue::Title)
            || names
                .get(names.partition_point(|&s| s < start))
                .is_some_and(|&s| s < end)
            || mentions_person(scan, start, end);
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

/// Whether the sentence holds a word that ties it to a person ("mijn", "patient", "she").
fn mentions_person(scan: &Scan, start: usize, end: usize) -> bool {
    let bytes = scan.bytes;
    person_words().find_iter(&scan.text[start..end]).any(|m| {
        let (s, e) = (start + m.start(), start + m.end());
        (s == 0 || !is_word_byte(bytes[s - 1])) && (e == bytes.len() || !is_word_byte(bytes[e]))
    })
}
