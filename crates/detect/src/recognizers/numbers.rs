//! Numbers written with digits and separators: BSN, credit cards, phone numbers, IP
//! addresses, dates of birth, identity documents, and Dutch and US postcodes.

use crate::checks::{US_STATES, bsn_valid, card_prefix_valid, luhn_valid, valid_date};
use crate::lexicon::Cue;
use crate::scan::{Scan, is_word_byte};
use crate::{EntityType, Found};

/// Digits written as one number: runs of digits joined by single separators.
struct Group {
    start: usize,
    end: usize,
    runs: Vec<(usize, usize)>,
    separator: Option<u8>,
    mixed_separators: bool,
    digits: Vec<u8>,
    plus: bool,
}

impl Group {
    fn run_lengths(&self) -> Vec<usize> {
        self.runs.iter().map(|(s, e)| e - s).collect()
    }

    fn run_value(&self, bytes: &[u8], index: usize) -> u32 {
        let (s, e) = self.runs[index];
        std::str::from_utf8(&bytes[s..e])
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(u32::MAX)
    }
}

/// At most this many digits are gathered into one group; longer runs are not identifiers.
const MAX_DIGITS: usize = 24;

/// Reads the number starting at `pos` (a digit or '+' at a word start); returns where to
/// go on scanning.
pub(crate) fn at(scan: &Scan, pos: usize, found: &mut Vec<Found>) -> usize {
    let bytes = scan.bytes;
    if bytes[pos] == b'+' && !bytes.get(pos + 1).is_some_and(u8::is_ascii_digit) {
        return pos + 1;
    }
    let group = gather(bytes, pos);
    let next = group.end.max(pos + 1);
    // A number glued to letters ("1234AB", "v2") is only a postcode or nothing.
    if group.end < bytes.len() && is_word_byte(bytes[group.end]) {
        found.extend(dutch_postcode(scan, &group));
    } else if group.digits.len() <= MAX_DIGITS {
        found.extend(classify(scan, &group));
    }
    next
}

fn gather(bytes: &[u8], start: usize) -> Group {
    let plus = bytes[start] == b'+';
    let mut pos = if plus { start + 1 } else { start };
    let mut runs = Vec::new();
    let mut digits = Vec::new();
    let mut separator = None;
    let mut mixed_separators = false;
    loop {
        let run_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            if digits.len() <= MAX_DIGITS {
                digits.push(bytes[pos]);
            }
            pos += 1;
        }
        runs.push((run_start, pos));
        // A separator joins two runs only when a digit follows it directly.
        let sep = bytes.get(pos).copied();
        let joins = matches!(sep, Some(b' ' | b'-' | b'.' | b'/'))
            && bytes.get(pos + 1).is_some_and(u8::is_ascii_digit)
            && runs.len() < 8;
        if !joins {
            break;
        }
        if separator.is_some_and(|s| Some(s) != sep) {
            mixed_separators = true;
        }
        separator = separator.or(sep);
        pos += 1;
    }
    Group {
        start,
        end: pos,
        runs,
        separator,
        mixed_separators,
        digits,
        plus,
    }
}

fn found(group: &Group, kind: EntityType, score: f64) -> Option<Found> {
    Some(Found {
        start: group.start,
        end: group.end,
        kind,
        score,
    })
}

fn classify(scan: &Scan, group: &Group) -> Option<Found> {
    let digits = &group.digits;
    // Most numbers in mail are times, amounts and years: nothing to look at.
    if group.runs.len() == 1 && digits.len() < 4 {
        return None;
    }
    let lengths = group.run_lengths();
    let business = || scan.cue_before(group.start, 40, |c| c == Cue::BusinessReference);

    if group.separator == Some(b'.') && lengths.len() == 4 && !group.mixed_separators {
        return ip_address(scan, group, &lengths);
    }
    if lengths.len() == 3
        && !group.mixed_separators
        && matches!(group.separator, Some(b'-' | b'/' | b'.'))
        && let Some(date) = date_of_birth(scan, group, &lengths)
    {
        return Some(date);
    }
    if matches!(digits.len(), 9 | 10)
        && !group.plus
        && scan.cue_in_paragraph_before(group.start, 80, |c| c == Cue::IdDocument)
    {
        // A mobile number stays a phone number, even right after a passport.
        return phone(scan, group)
            .filter(|f| f.score >= crate::THRESHOLD)
            .or_else(|| found(group, EntityType::IdDocument, 0.9));
    }
    if (13..=19).contains(&digits.len())
        && !group.plus
        && luhn_valid(digits)
        && card_prefix_valid(digits)
        && !business()
    {
        return found(group, EntityType::CreditCard, 0.95);
    }
    if digits.len() == 9 && !group.plus && bsn_shape(&lengths) && bsn_valid(digits) {
        if scan.cue_before(group.start, 50, |c| c == Cue::Bsn) {
            return found(group, EntityType::Bsn, 0.95);
        }
        if !business() && !scan.in_footer(group.start) {
            return found(group, EntityType::Bsn, 0.6);
        }
        return None;
    }
    if lengths.len() == 1 && digits.len() == 5 {
        return us_zip(scan, group);
    }
    if lengths == [4] {
        return dutch_postcode(scan, group);
    }
    phone(scan, group)
}

/// BSNs are written whole or grouped 3-3-3, 4-2-3 or 2-3-4 (with dots, spaces or dashes).
fn bsn_shape(lengths: &[usize]) -> bool {
    matches!(lengths, [9] | [3, 3, 3] | [4, 2, 3] | [2, 3, 4])
}

fn ip_address(scan: &Scan, group: &Group, lengths: &[usize]) -> Option<Found> {
    let octets_ok = lengths.iter().all(|&l| (1..=3).contains(&l))
        && (0..4).all(|i| group.run_value(scan.bytes, i) <= 255);
    if !octets_ok {
        return None;
    }
    let version = scan.cue_before(group.start, 25, |c| c == Cue::Version)
        || (group.start > 0 && matches!(scan.bytes[group.start - 1], b'v' | b'V'));
    if version {
        return None;
    }
    let cued = scan.cue_before(group.start, 40, |c| c == Cue::Ip);
    found(group, EntityType::IpAddress, if cued { 0.9 } else { 0.45 })
}

fn date_of_birth(scan: &Scan, group: &Group, lengths: &[usize]) -> Option<Found> {
    let value = |i| group.run_value(scan.bytes, i);
    let valid = match lengths {
        [1 | 2, 1 | 2, 4] => valid_date(value(0), value(1), value(2)),
        [4, 1 | 2, 1 | 2] => valid_date(value(2), value(1), value(0)),
        _ => false,
    };
    if !valid {
        return None;
    }
    scan.cue_before(group.start, 40, |c| c == Cue::Birth)
        .then(|| found(group, EntityType::DateOfBirth, 0.9))
        .flatten()
}

fn us_zip(scan: &Scan, group: &Group) -> Option<Found> {
    let bytes = scan.bytes;
    let state = group
        .start
        .checked_sub(3)
        .map(|s| &bytes[s..group.start - 1]);
    let spaced = group.start >= 3 && bytes[group.start - 1] == b' ';
    let is_state = state.is_some_and(|s| US_STATES.iter().any(|st| st.as_bytes() == s))
        && (group.start < 4 || !is_word_byte(bytes[group.start - 4]));
    (spaced && is_state && !scan.in_footer(group.start))
        .then(|| found(group, EntityType::Postcode, 0.8))
        .flatten()
}

/// `1234 AB` / `1234AB`: four digits (not starting with 0), two capitals (not SA, SD, SS).
fn dutch_postcode(scan: &Scan, group: &Group) -> Option<Found> {
    let bytes = scan.bytes;
    if group.runs.len() != 1 || group.digits.len() != 4 || group.digits[0] == b'0' || group.plus {
        return None;
    }
    let letters_at = if bytes.get(group.end) == Some(&b' ') {
        group.end + 1
    } else {
        group.end
    };
    let letters = bytes.get(letters_at..letters_at + 2)?;
    let after = bytes.get(letters_at + 2).copied();
    let shaped = letters.iter().all(u8::is_ascii_uppercase) && !after.is_some_and(is_word_byte);
    let reserved = matches!(letters, b"SA" | b"SD" | b"SS");
    (shaped && !reserved && !scan.in_footer(group.start)).then_some(Found {
        start: group.start,
        end: letters_at + 2,
        kind: EntityType::Postcode,
        score: 0.8,
    })
}

/// What kind of line a number reaches, as far as personal data is concerned.
#[derive(Debug, PartialEq, Eq)]
enum Line {
    Mobile,
    Fixed,
    /// Service, toll-free, premium, company (088) and other non-personal numbers.
    Service,
}

/// Reads Dutch numbers (and the mobile ranges of the neighbouring countries) by their
/// prefixes. Fast: phone-number libraries compile regular expressions per number.
fn line_kind(digits: &[u8], international: bool) -> Option<Line> {
    // Normalise to country code + national significant number.
    let (country, national): (&[u8], &[u8]) = if international {
        let without = digits.strip_prefix(b"00").unwrap_or(digits);
        let code_len = match without.first()? {
            b'1' | b'7' => 1,
            b'2' | b'3' | b'4' | b'5' | b'6' | b'8' | b'9' => 2,
            _ => return None,
        };
        let (c, n) = without.split_at(code_len.min(without.len()));
        (c, n.strip_prefix(b"0").unwrap_or(n))
    } else {
        (b"31", &digits[1..])
    };
    let starts = |prefixes: &[&[u8]]| prefixes.iter().any(|p| national.starts_with(p));
    match country {
        b"31" => {
            if national.len() != 9 {
                return None;
            }
            Some(match national[0] {
                b'6' if starts(&[b"61", b"62", b"63", b"64", b"65", b"68"]) => Line::Mobile,
                b'1' | b'2' | b'3' | b'4' | b'5' | b'7' => Line::Fixed,
                _ => Line::Service,
            })
        }
        b"32" => Some(if national.len() == 9 && national[0] == b'4' {
            Line::Mobile
        } else {
            Line::Fixed
        }),
        b"49" => Some(if starts(&[b"15", b"16", b"17"]) {
            Line::Mobile
        } else {
            Line::Fixed
        }),
        b"44" => Some(
            if national.len() == 10 && national.starts_with(b"7") && !national.starts_with(b"70") {
                Line::Mobile
            } else {
                Line::Fixed
            },
        ),
        b"33" => Some(
            if national.len() == 9 && matches!(national[0], b'6' | b'7') {
                Line::Mobile
            } else {
                Line::Fixed
            },
        ),
        _ if (7..=12).contains(&national.len()) => Some(Line::Fixed),
        _ => None,
    }
}

fn phone(scan: &Scan, group: &Group) -> Option<Found> {
    let digits = &group.digits;
    let international = group.plus || digits.starts_with(b"00");
    let plausible = if international {
        (10..=15).contains(&digits.len())
    } else {
        digits.len() == 10 && digits[0] == b'0'
    };
    if !plausible || scan.in_footer(group.start) {
        return None;
    }
    let personal_cue = scan.cue_before(group.start, 40, |c| c == Cue::PersonalPhone);
    match line_kind(digits, international)? {
        Line::Mobile => found(group, EntityType::Phone, 0.85),
        Line::Fixed if personal_cue => found(group, EntityType::Phone, 0.85),
        Line::Fixed => found(group, EntityType::Phone, 0.4),
        Line::Service => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Line, line_kind};

    #[test]
    fn dutch_and_neighbouring_lines() {
        assert_eq!(line_kind(b"0612345678", false), Some(Line::Mobile));
        assert_eq!(line_kind(b"0201234567", false), Some(Line::Fixed));
        assert_eq!(line_kind(b"0881234567", false), Some(Line::Service));
        assert_eq!(line_kind(b"0800123456", false), Some(Line::Service));
        assert_eq!(line_kind(b"0900123456", false), Some(Line::Service));
        assert_eq!(line_kind(b"08001234567", false), None);
        assert_eq!(line_kind(b"31612345678", true), Some(Line::Mobile));
        assert_eq!(line_kind(b"0031612345678", true), Some(Line::Mobile));
        assert_eq!(line_kind(b"32470123456", true), Some(Line::Mobile));
        assert_eq!(line_kind(b"447400123456", true), Some(Line::Mobile));
        assert_eq!(
            line_kind(b"0601234567", false),
            Some(Line::Service),
            "06-0 is no mobile range"
        );
    }
}
