//! Identifiers that mix letters and digits: IBANs, UK postcodes, and passport, ID-card and
//! driving-licence numbers after a word that names the document.

use crate::checks::{iban_lengths, iban_valid};
use crate::lexicon::Cue;
use crate::scan::{Scan, is_word_byte};
use crate::{EntityType, Found};

/// Reads the identifier starting at `pos` (a capital at a word start); returns where to go
/// on scanning.
pub(crate) fn at(scan: &Scan, pos: usize, found: &mut Vec<Found>) -> usize {
    let token_end = word_end(scan.bytes, pos);
    let candidate = iban(scan, pos)
        .or_else(|| uk_postcode(scan, pos, token_end))
        .or_else(|| document_number(scan, pos, token_end));
    match candidate {
        Some(f) => {
            found.push(f);
            f.end
        }
        None => token_end.max(pos + 1),
    }
}

fn word_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < bytes.len() && is_word_byte(bytes[end]) {
        end += 1;
    }
    end
}

/// `NL91ABNA0417164300` or grouped by four with spaces.
fn iban(scan: &Scan, start: usize) -> Option<Found> {
    let bytes = scan.bytes;
    let head = bytes.get(start..start + 4)?;
    if !(head[0].is_ascii_uppercase()
        && head[1].is_ascii_uppercase()
        && head[2].is_ascii_digit()
        && head[3].is_ascii_digit())
    {
        return None;
    }
    // Gather up to 34 characters, allowing single spaces between groups.
    let mut chars = Vec::with_capacity(34);
    let mut ends = Vec::with_capacity(34);
    let mut pos = start;
    while pos < bytes.len() && chars.len() < 34 {
        let b = bytes[pos];
        if b.is_ascii_uppercase() || b.is_ascii_digit() {
            chars.push(b);
            ends.push(pos + 1);
            pos += 1;
        } else if b == b' '
            && bytes
                .get(pos + 1)
                .is_some_and(|n| n.is_ascii_uppercase() || n.is_ascii_digit())
            && chars.len() % 4 == 0
        {
            pos += 1;
        } else {
            break;
        }
    }
    for length in iban_lengths(&chars[..2]) {
        if length <= chars.len() && iban_valid(&chars[..length]) {
            let end = ends[length - 1];
            if end < bytes.len() && is_word_byte(bytes[end]) {
                continue;
            }
            // An account in a footer, or named in a sentence about a company ("… B.V."),
            // is the organisation's.
            let (sentence_start, sentence_end) = scan.sentence(start);
            let organisation = scan.in_footer(start)
                || scan
                    .hits_in(sentence_start, sentence_end)
                    .iter()
                    .any(|h| h.cue == Cue::Organisation);
            return Some(Found {
                start,
                end,
                kind: EntityType::Iban,
                score: if organisation { 0.3 } else { 0.9 },
            });
        }
    }
    None
}

/// `SW1A 1AA`, `M1 1AE`, `DN55 1PT`: outward code, space, digit and two letters.
fn uk_postcode(scan: &Scan, start: usize, outward_end: usize) -> Option<Found> {
    let bytes = scan.bytes;
    let outward = &bytes[start..outward_end];
    let letters = outward
        .iter()
        .take_while(|b| b.is_ascii_uppercase())
        .count();
    let rest = &outward[letters..];
    let outward_ok = (1..=2).contains(&letters)
        && !rest.is_empty()
        && rest[0].is_ascii_digit()
        && rest.len() <= 2
        && rest[1..]
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
    if !outward_ok || bytes.get(outward_end) != Some(&b' ') {
        return None;
    }
    let inward = bytes.get(outward_end + 1..outward_end + 4)?;
    let inward_ok = inward[0].is_ascii_digit()
        && inward[1].is_ascii_uppercase()
        && inward[2].is_ascii_uppercase();
    let end = outward_end + 4;
    if !inward_ok || bytes.get(end).is_some_and(|b| is_word_byte(*b)) || scan.in_footer(start) {
        return None;
    }
    Some(Found {
        start,
        end,
        kind: EntityType::Postcode,
        score: 0.8,
    })
}

/// After "paspoort", "ID card", "driving licence": Dutch documents (2 letters, 6 letters or
/// digits, 1 digit), UK driving licences (16 characters), US passports (letter + 8 digits).
fn document_number(scan: &Scan, start: usize, end: usize) -> Option<Found> {
    let token = &scan.bytes[start..end];
    if !matches!(token.len(), 9 | 16) || !scan.cue_before(start, 40, |c| c == Cue::IdDocument) {
        return None;
    }
    let upper_or_digit = |b: &u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    let dutch = token.len() == 9
        && token[..2].iter().all(u8::is_ascii_uppercase)
        && token[2..8].iter().all(upper_or_digit)
        && token[8].is_ascii_digit()
        && !token.contains(&b'O');
    let uk_licence = token.len() == 16
        && token.iter().all(upper_or_digit)
        && token[5..11].iter().all(u8::is_ascii_digit);
    let us_passport = token.len() == 9
        && token[0].is_ascii_uppercase()
        && token[1..].iter().all(u8::is_ascii_digit);
    (dutch || uk_licence || us_passport).then_some(Found {
        start,
        end,
        kind: EntityType::IdDocument,
        score: 0.9,
    })
}
