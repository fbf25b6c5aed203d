//! Street addresses: a Dutch street name (ending in -straat, -laan, -weg …) followed by a
//! house number, or an English house number followed by a street ("221B Baker Street").

use crate::lexicon::Cue;
use crate::scan::{Scan, is_word_byte, skip_spaces};
use crate::{EntityType, Found};

/// A house number at `pos`: digits, then an optional letter or addition ("12", "12a", "12-3").
fn house_number(bytes: &[u8], pos: usize) -> Option<usize> {
    let digits = bytes[pos..]
        .iter()
        .take(6)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if digits == 0 || digits > 5 {
        return None;
    }
    let mut end = pos + digits;
    if bytes.get(end).is_some_and(u8::is_ascii_alphabetic)
        && !bytes.get(end + 1).is_some_and(|b| is_word_byte(*b))
    {
        end += 1;
    } else if bytes.get(end) == Some(&b'-')
        && bytes.get(end + 1).is_some_and(u8::is_ascii_alphanumeric)
    {
        end += 2;
        while bytes.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    (!bytes.get(end).is_some_and(|b| is_word_byte(*b))).then_some(end)
}

pub(crate) fn find(scan: &Scan, found: &mut Vec<Found>) {
    let bytes = scan.bytes;
    for hit in &scan.hits {
        let span = match hit.cue {
            Cue::StreetSuffix => dutch_street(bytes, hit.start, hit.end),
            Cue::EnglishStreetSuffix => english_street(bytes, hit.start, hit.end),
            _ => None,
        };
        let Some((start, end)) = span else { continue };
        if scan.in_footer(start) {
            continue;
        }
        found.push(Found {
            start,
            end,
            kind: EntityType::Address,
            score: 0.85,
        });
    }
}

/// "Kerkstraat 12": the word containing the suffix starts with a capital.
fn dutch_street(bytes: &[u8], suffix_start: usize, suffix_end: usize) -> Option<(usize, usize)> {
    if suffix_end < bytes.len() && is_word_byte(bytes[suffix_end]) {
        return None;
    }
    // Street names are short; a walk back is bounded so long words cannot cost quadratic time.
    let mut start = suffix_start;
    while start > 0
        && suffix_start - start < 40
        && (is_word_byte(bytes[start - 1]) || bytes[start - 1] == b'-')
    {
        start -= 1;
    }
    if start > 0 && is_word_byte(bytes[start - 1]) {
        return None;
    }
    // Multi-word names ("Burgemeester de Withstraat") are caught from their last word.
    if !bytes[start].is_ascii_uppercase() || start == suffix_start {
        return None;
    }
    let number_at = skip_spaces(bytes, suffix_end);
    if number_at == suffix_end {
        return None;
    }
    house_number(bytes, number_at).map(|end| (start, end))
}

/// "10 Downing Street": a house number, capitalised words, the street word.
fn english_street(bytes: &[u8], suffix_start: usize, suffix_end: usize) -> Option<(usize, usize)> {
    if !bytes[suffix_start].is_ascii_uppercase() {
        return None;
    }
    // Walk back over up to three capitalised words to the house number.
    let mut pos = suffix_start;
    for _ in 0..4 {
        let before = pos.checked_sub(1)?;
        if bytes[before] != b' ' {
            return None;
        }
        let mut word_start = before;
        while word_start > 0 && before - word_start < 40 && is_word_byte(bytes[word_start - 1]) {
            word_start -= 1;
        }
        let word = &bytes[word_start..before];
        if word.first().is_some_and(u8::is_ascii_digit) {
            return house_number(bytes, word_start)
                .filter(|&e| e == before)
                .map(|_| (word_start, suffix_end));
        }
        if !word.first().is_some_and(u8::is_ascii_uppercase) {
            return None;
        }
        pos = word_start;
    }
    None
}
