//! Names of persons: a title followed by a name ("mevrouw De Vries", "Mr Smith"), or a known
//! first name followed by a surname ("Anna van der Berg"). Greetings and signatures are
//! left alone: the addressee and the writer are the correspondence, not its subject.

use crate::lexicon::{Cue, is_first_name};
use crate::scan::{Scan, capitalised_word_at, is_word_byte, skip_spaces};
use crate::{EntityType, Found};

const PARTICLES: &[&str] = &[
    "van", "de", "der", "den", "het", "ter", "ten", "te", "op", "in", "'t", "la", "le", "du", "da",
    "von",
];

/// After `pos`: optional particles and a capitalised surname; returns the end of the name.
fn surname_after(bytes: &[u8], text: &str, pos: usize) -> Option<usize> {
    let mut at = skip_spaces(bytes, pos);
    if at == pos {
        return None;
    }
    for _ in 0..3 {
        let word_end = at
            + bytes[at..]
                .iter()
                .take_while(|b| b.is_ascii_alphabetic() || **b == b'\'')
                .count();
        let word = &text[at..word_end];
        if PARTICLES.iter().any(|p| word.eq_ignore_ascii_case(p)) && word_end > at {
            let next = skip_spaces(bytes, word_end);
            if next == word_end {
                return None;
            }
            at = next;
        } else {
            break;
        }
    }
    capitalised_word_at(bytes, at)
}

/// Names written with initials: "J.H. Bakker", "J. de Wit". One initial and a surname alone
/// ("A. Daarna") is too often a sentence end followed by a new sentence, so a single initial
/// needs a particle.
fn initials(scan: &Scan, found: &mut Vec<Found>) {
    let bytes = scan.bytes;
    let mut last_end = 0;
    for dot in memchr::memchr_iter(b'.', bytes) {
        let start = match dot.checked_sub(1) {
            Some(s)
                if s >= last_end
                    && bytes[s].is_ascii_uppercase()
                    && (s == 0 || !is_word_byte(bytes[s - 1])) =>
            {
                s
            }
            _ => continue,
        };
        // Further initials glued on: "J.H.", "A.B.C."
        let mut end = dot + 1;
        let mut count = 1;
        while bytes.get(end).is_some_and(u8::is_ascii_uppercase)
            && bytes.get(end + 1) == Some(&b'.')
        {
            end += 2;
            count += 1;
        }
        last_end = end;
        let after = skip_spaces(bytes, end);
        let particle = after > end && {
            let word_end = after
                + bytes[after..]
                    .iter()
                    .take_while(|b| b.is_ascii_lowercase())
                    .count();
            PARTICLES.contains(&&scan.text[after..word_end])
        };
        if count < 2 && !particle {
            continue;
        }
        let Some(name_end) = surname_after(bytes, scan.text, end) else {
            continue;
        };
        if excluded(scan, start) {
            continue;
        }
        last_end = name_end;
        found.push(Found {
            start,
            end: name_end,
            kind: EntityType::Person,
            score: 0.75,
        });
    }
}

fn excluded(scan: &Scan, pos: usize) -> bool {
    scan.in_footer(pos) || scan.on_greeting_line(pos)
}

pub(crate) fn find(scan: &Scan, found: &mut Vec<Found>) {
    initials(scan, found);
    let bytes = scan.bytes;
    for (index, hit) in scan.hits.iter().enumerate() {
        let name_end = match hit.cue {
            Cue::Title => {
                let after = if bytes.get(hit.end) == Some(&b'.') {
                    hit.end + 1
                } else {
                    hit.end
                };
                surname_after(bytes, scan.text, after).map(|end| {
                    // "mevrouw Anna de Vries": a first name may stand between.
                    surname_after(bytes, scan.text, end)
                        .filter(|_| next_is_first_name(scan, index + 1))
                        .unwrap_or(end)
                })
            }
            Cue::FirstName | Cue::Month(_)
                if bytes[hit.start].is_ascii_uppercase()
                    && (hit.cue == Cue::FirstName
                        || is_first_name(&scan.text[hit.start..hit.end])) =>
            {
                surname_after(bytes, scan.text, hit.end)
                    .filter(|&end| !is_lexicon_word(scan, hit.end, end))
            }
            _ => None,
        };
        let Some(end) = name_end else { continue };
        if excluded(scan, hit.start) {
            continue;
        }
        found.push(Found {
            start: hit.start,
            end,
            kind: EntityType::Person,
            score: if hit.cue == Cue::Title { 0.85 } else { 0.8 },
        });
    }
}

fn next_is_first_name(scan: &Scan, index: usize) -> bool {
    scan.hits
        .get(index)
        .is_some_and(|h| h.cue == Cue::FirstName)
}

/// A "surname" that is itself a word of another kind (a month, an English street word, a
/// greeting) is more likely ordinary text: "Emma Street" is a road. Dutch street endings
/// are common surnames ("Van Dijk", "Ten Hof") and do not count.
fn is_lexicon_word(scan: &Scan, from: usize, to: usize) -> bool {
    scan.hits_in(from, to)
        .iter()
        .any(|h| !matches!(h.cue, Cue::FirstName | Cue::StreetSuffix))
}
