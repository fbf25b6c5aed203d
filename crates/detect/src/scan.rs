//! One pass over a message: where the lexicon's words are, where the signature and
//! organisation footers are, and small helpers that recognizers share.

use crate::lexicon::{Cue, lexicon};

#[derive(Debug, Clone, Copy)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub cue: Cue,
}

pub struct Scan<'a> {
    pub text: &'a str,
    pub bytes: &'a [u8],
    /// Lexicon words at word boundaries, in text order.
    pub hits: Vec<Hit>,
    /// Byte ranges of signatures and organisation footers: contact data there belongs to the
    /// organisation or the writer, not to the person the message is about.
    footers: Vec<(usize, usize)>,
    /// Positions of line breaks and of sentence ends, found once so that every lookup is a
    /// binary search and long inputs stay linear.
    newlines: Vec<usize>,
    sentence_ends: Vec<usize>,
    /// Where the organisation's own contact details are spoken of.
    organisation_contacts: Vec<usize>,
    /// Lines that open with a greeting ("Beste Jan,"), as byte ranges.
    greetings: Vec<(usize, usize)>,
}

/// Sentences and footers are looked at no further than this from a position: a message
/// without full stops must not make every lookup scan all of it.
const REACH: usize = 400;

pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80
}

impl<'a> Scan<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let lexicon = lexicon();
        // About one lexicon word in every 40 bytes of ordinary mail.
        let mut hits = Vec::with_capacity(text.len() / 32 + 8);
        for found in lexicon.automaton.find_iter(text) {
            let cue = lexicon.cues[found.pattern().as_usize()];
            let (start, end) = (found.start(), found.end());
            let left_ok =
                start == 0 || !is_word_byte(bytes[start - 1]) || matches!(cue, Cue::StreetSuffix);
            let last = bytes[end - 1];
            let right_ok = end == bytes.len() || !is_word_byte(bytes[end]) || !is_word_byte(last);
            if left_ok && right_ok {
                hits.push(Hit { start, end, cue });
            }
        }
        let newlines: Vec<usize> = memchr::memchr_iter(b'\n', bytes).collect();
        let sentence_ends = merge_sorted(memchr::memchr3_iter(b'.', b'!', b'?', bytes), &newlines);
        let organisation_contacts = hits
            .iter()
            .filter(|h| h.cue == Cue::OrganisationContact)
            .map(|h| h.start)
            .collect();
        let mut scan = Self {
            text,
            bytes,
            hits,
            footers: Vec::new(),
            newlines,
            sentence_ends,
            organisation_contacts,
            greetings: Vec::new(),
        };
        scan.greetings = scan
            .hits
            .iter()
            .filter(|h| h.cue == Cue::Greeting && scan.starts_line(h.start))
            .map(|h| (h.start, scan.line_end(h.start)))
            .collect();
        scan.footers = merge(scan.find_footers());
        scan
    }

    pub fn line_start(&self, pos: usize) -> usize {
        let index = self.newlines.partition_point(|&n| n < pos);
        if index == 0 {
            0
        } else {
            self.newlines[index - 1] + 1
        }
    }

    pub fn line_end(&self, pos: usize) -> usize {
        let index = self.newlines.partition_point(|&n| n < pos);
        self.newlines
            .get(index)
            .copied()
            .unwrap_or(self.bytes.len())
    }

    /// Whether only white space stands between the start of the line and `pos`.
    pub fn starts_line(&self, pos: usize) -> bool {
        let start = self.line_start(pos).max(pos.saturating_sub(REACH));
        pos - start < REACH && self.bytes[start..pos].iter().all(u8::is_ascii_whitespace)
    }

    /// The sentence around `pos`: between sentence ends or line breaks, at most [`REACH`]
    /// bytes either way.
    pub fn sentence(&self, pos: usize) -> (usize, usize) {
        let index = self.sentence_ends.partition_point(|&n| n < pos);
        let start = if index == 0 {
            0
        } else {
            self.sentence_ends[index - 1] + 1
        };
        let end = self
            .sentence_ends
            .get(index)
            .copied()
            .unwrap_or(self.bytes.len());
        (
            start.max(pos.saturating_sub(REACH)),
            end.min(pos + REACH).min(self.bytes.len()),
        )
    }

    /// Whether a wanted hit ends within `window` bytes before `pos`, in the same sentence.
    pub fn cue_before(&self, pos: usize, window: usize, wanted: impl Fn(Cue) -> bool) -> bool {
        let from = pos.saturating_sub(window);
        let first = self.hits.partition_point(|h| h.end < from);
        self.hits[first..]
            .iter()
            .take_while(|h| h.start < pos)
            .any(|h| h.end <= pos && wanted(h.cue) && !self.sentence_break(h.end, pos))
    }

    /// Whether a wanted hit ends within `window` bytes before `pos` in the same paragraph
    /// (no empty line between): documents are often named a sentence before their number.
    pub fn cue_in_paragraph_before(
        &self,
        pos: usize,
        window: usize,
        wanted: impl Fn(Cue) -> bool,
    ) -> bool {
        let from = pos.saturating_sub(window);
        let first = self.hits.partition_point(|h| h.end < from);
        self.hits[first..]
            .iter()
            .take_while(|h| h.start < pos)
            .any(|h| {
                h.end <= pos
                    && wanted(h.cue)
                    && !self.bytes[h.end..pos].windows(2).any(|w| w == b"\n\n")
            })
    }

    /// Whether the sentence around `pos` speaks of the organisation's own contact details.
    pub fn organisation_contact(&self, pos: usize) -> bool {
        if self.organisation_contacts.is_empty() {
            return false;
        }
        let (start, end) = self.sentence(pos);
        let first = self.organisation_contacts.partition_point(|&p| p < start);
        self.organisation_contacts
            .get(first)
            .is_some_and(|&p| p < end)
    }

    /// A sentence ends between `from` and `to`: ". ", "! ", "? " or an empty line.
    fn sentence_break(&self, from: usize, to: usize) -> bool {
        let between = &self.bytes[from..to];
        between
            .windows(2)
            .any(|w| matches!(w, [b'.' | b'!' | b'?', b' ' | b'\n'] | [b'\n', b'\n']))
    }

    /// Hits inside `[start, end)`.
    pub fn hits_in(&self, start: usize, end: usize) -> &[Hit] {
        let first = self.hits.partition_point(|h| h.start < start);
        let last = self.hits.partition_point(|h| h.start < end);
        &self.hits[first..last]
    }

    /// In a signature or footer, or in a sentence about the organisation's own contact details.
    pub fn in_footer(&self, pos: usize) -> bool {
        let index = self.footers.partition_point(|&(start, _)| start <= pos);
        let inside = index > 0 && pos < self.footers[index - 1].1;
        inside || self.organisation_contact(pos)
    }

    /// Whether `pos` is on a greeting line ("Beste Jan,", "Dear Mrs Smith,").
    pub fn on_greeting_line(&self, pos: usize) -> bool {
        let index = self.greetings.partition_point(|&(start, _)| start <= pos);
        index > 0 && pos < self.greetings[index - 1].1
    }

    /// A signature runs from a sign-off at the start of a line for at most 8 lines, or
    /// until quoted text begins; a line with organisation details (KvK, BTW) and the lines
    /// around it are a footer too.
    fn find_footers(&self) -> Vec<(usize, usize)> {
        let mut footers = Vec::new();
        for hit in &self.hits {
            match hit.cue {
                Cue::SignOff if self.starts_line(hit.start) => {
                    let mut end = hit.start;
                    for _ in 0..8 {
                        if end >= self.bytes.len() {
                            break;
                        }
                        let next = self.line_end(end);
                        let line = &self.text[end..next];
                        if line.trim_start().starts_with('>')
                            || self
                                .hits_in(end, next)
                                .iter()
                                .any(|h| h.cue == Cue::QuoteMarker)
                        {
                            break;
                        }
                        end = (next + 1).min(self.bytes.len());
                    }
                    footers.push((hit.start, end));
                }
                // Only a short line reads as a footer ("KvK 1234 | BTW NL…"); "inclusief btw"
                // in running text does not.
                Cue::Organisation if self.line_end(hit.end) - self.line_start(hit.start) <= 100 => {
                    let mut start = self.line_start(hit.start);
                    for _ in 0..2 {
                        if start > 0 && self.line_end(start - 1) - self.line_start(start - 1) <= 100
                        {
                            start = self.line_start(start - 1);
                        }
                    }
                    let mut end = self.line_end(hit.end);
                    for _ in 0..2 {
                        if end < self.bytes.len() && self.line_end(end + 1) - (end + 1) <= 100 {
                            end = self.line_end(end + 1);
                        }
                    }
                    footers.push((start, end));
                }
                _ => {}
            }
        }
        footers
    }
}

/// Merges two ascending sequences of positions into one.
fn merge_sorted(a: impl Iterator<Item = usize>, b: &[usize]) -> Vec<usize> {
    let mut merged = Vec::with_capacity(b.len() * 2 + 16);
    let mut b = b.iter().copied().peekable();
    for x in a {
        while let Some(y) = b.next_if(|&y| y < x) {
            merged.push(y);
        }
        merged.push(x);
    }
    merged.extend(b);
    merged
}

/// Sorted, non-overlapping ranges, so a position is looked up by binary search.
fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// The capitalised word starting at `pos`, if there is one: its end.
pub fn capitalised_word_at(bytes: &[u8], pos: usize) -> Option<usize> {
    let first = *bytes.get(pos)?;
    if !first.is_ascii_uppercase() {
        return None;
    }
    let mut end = pos + 1;
    while end < bytes.len()
        && (is_word_byte(bytes[end])
            || (bytes[end] == b'-' && bytes.get(end + 1).is_some_and(|b| b.is_ascii_uppercase())))
    {
        end += 1;
    }
    let lower_after_first = bytes[pos + 1..end]
        .iter()
        .any(|b| b.is_ascii_lowercase() || *b >= 0x80);
    (end - pos >= 2 && lower_after_first).then_some(end)
}

/// Skips spaces (not line breaks) from `pos`.
pub fn skip_spaces(bytes: &[u8], mut pos: usize) -> usize {
    while pos < bytes.len() && (bytes[pos] == b' ' || bytes[pos] == b'\t') {
        pos += 1;
    }
    pos
}
