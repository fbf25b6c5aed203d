//! Dates written with a month name ("3 maart 1985", "March 3, 1985"), counted only as dates
//! of birth: every other date is ordinary business.

use crate::checks::valid_date;
use crate::lexicon::Cue;
use crate::scan::{Scan, skip_spaces};
use crate::{EntityType, Found};

fn number_at(bytes: &[u8], pos: usize, max_len: usize) -> Option<(u32, usize)> {
    let len = bytes[pos.min(bytes.len())..]
        .iter()
        .take(max_len + 1)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if len == 0 || len > max_len {
        return None;
    }
    let value = std::str::from_utf8(&bytes[pos..pos + len])
        .ok()?
        .parse()
        .ok()?;
    Some((value, pos + len))
}

/// A day number ending right before `end` (after optional spaces), and where it starts.
fn day_before(bytes: &[u8], end: usize) -> Option<(u32, usize)> {
    let mut pos = end;
    while pos > 0 && bytes[pos - 1] == b' ' {
        pos -= 1;
    }
    let digits_end = pos;
    while pos > 0 && bytes[pos - 1].is_ascii_digit() && digits_end - pos < 3 {
        pos -= 1;
    }
    if pos == digits_end
        || digits_end - pos > 2
        || (pos > 0 && bytes[pos - 1].is_ascii_alphanumeric())
    {
        return None;
    }
    Some((
        std::str::from_utf8(&bytes[pos..digits_end])
            .ok()?
            .parse()
            .ok()?,
        pos,
    ))
}

pub(crate) fn find(scan: &Scan, found: &mut Vec<Found>) {
    let bytes = scan.bytes;
    for hit in &scan.hits {
        let Cue::Month(month) = hit.cue else { continue };
        // "3 maart 1985"
        let dutch = day_before(bytes, hit.start).and_then(|(day, start)| {
            let year_at = skip_spaces(bytes, hit.end);
            let (year, end) = number_at(bytes, year_at, 4)?;
            (year_at > hit.end && end - year_at == 4 && valid_date(day, u32::from(month), year))
                .then_some((start, end))
        });
        // "March 3, 1985"
        let english = || {
            let day_at = skip_spaces(bytes, hit.end);
            let (day, day_end) = number_at(bytes, day_at, 2)?;
            let mut year_at = day_end;
            if bytes.get(year_at) == Some(&b',') {
                year_at += 1;
            }
            let year_at = skip_spaces(bytes, year_at);
            let (year, end) = number_at(bytes, year_at, 4)?;
            (day_at > hit.end && end - year_at == 4 && valid_date(day, u32::from(month), year))
                .then_some((hit.start, end))
        };
        let Some((start, end)) = dutch.or_else(english) else {
            continue;
        };
        if scan.cue_before(start, 40, |c| c == Cue::Birth) {
            found.push(Found {
                start,
                end,
                kind: EntityType::DateOfBirth,
                score: 0.9,
            });
        }
    }
}
