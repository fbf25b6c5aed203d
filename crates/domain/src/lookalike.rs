//! Addresses that look like a typo of one the organisation knows: the classic way personal
//! data ends up with a stranger (jan@zorg.nl vs jan@zorq.nl, or j.jansen@gmail.com vs
//! j.jansen@gmial.com).

use crate::EmailAddress;

/// Role names many organisations share; the same one at another domain says nothing.
const ROLE_NAMES: [&str; 12] = [
    "info",
    "contact",
    "admin",
    "post",
    "mail",
    "office",
    "support",
    "helpdesk",
    "receptie",
    "secretariaat",
    "administratie",
    "noreply",
];

/// Whether `candidate` (new to the organisation) is probably a mistyped `known` address:
/// at most two edits apart, or the same personal name at another domain. The same address is
/// not a look-alike.
pub fn looks_like(candidate: &EmailAddress, known: &EmailAddress) -> bool {
    if candidate == known {
        return false;
    }
    let (name, domain) = split(candidate);
    let (known_name, known_domain) = split(known);
    if name == known_name && domain != known_domain {
        return !ROLE_NAMES.contains(&name);
    }
    edit_distance(candidate.as_str(), known.as_str()) <= 2 && candidate.as_str().len() > 6
}

fn split(address: &EmailAddress) -> (&str, &str) {
    address
        .as_str()
        .rsplit_once('@')
        .expect("a parsed address has an @")
}

/// Levenshtein distance over characters, with adjacent swaps counting as one edit
/// (optimal string alignment): "gmial" is one edit from "gmail".
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> EmailAddress {
        EmailAddress::parse(text).unwrap()
    }

    #[test]
    fn typos_of_known_addresses_are_caught() {
        let known = address("j.jansen@gmail.com");
        assert!(looks_like(&address("j.jansen@gmial.com"), &known));
        assert!(looks_like(&address("j.jansen@gmail.nl"), &known));
        assert!(looks_like(&address("j.jnasen@gmail.com"), &known));
        assert!(looks_like(&address("jan@zorq.nl"), &address("jan@zorg.nl")));
        assert!(looks_like(&address("j.jansen@ziekenhuis.nl"), &known));
    }

    #[test]
    fn different_people_and_the_same_address_are_not() {
        let known = address("j.jansen@gmail.com");
        assert!(!looks_like(&known, &known));
        assert!(!looks_like(&address("p.de.vries@gmail.com"), &known));
        assert!(!looks_like(
            &address("info@ziekenhuis.nl"),
            &address("info@zorg.nl")
        ));
        // Short addresses are too close to everything to warn about every edit.
        assert!(!looks_like(&address("a@b.nl"), &address("c@b.nl")));
    }

    #[test]
    fn distance_counts_swaps_once() {
        assert_eq!(edit_distance("gmail", "gmial"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
