//! Checksums and shapes: what separates a real identifier from a number that looks like one.

/// The Dutch "elfproef" for BSNs: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11.
pub fn bsn_valid(digits: &[u8]) -> bool {
    if digits.len() != 9 || digits.iter().all(|&d| d == digits[0]) {
        return false;
    }
    let sum: i64 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let weight = if i == 8 { -1 } else { 9 - i as i64 };
            weight * i64::from(d - b'0')
        })
        .sum();
    sum % 11 == 0 && sum != 0
}

pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut value = u32::from(d - b'0');
        if i % 2 == 1 {
            value *= 2;
            if value > 9 {
                value -= 9;
            }
        }
        sum += value;
    }
    sum % 10 == 0
}

/// Issuer prefixes of the card networks people in NL, UK and US carry (Visa, Mastercard
/// including the 2-series, Maestro, American Express, Discover, JCB, Diners).
pub fn card_prefix_valid(digits: &[u8]) -> bool {
    let prefix = |n: usize| -> u32 {
        std::str::from_utf8(&digits[..n.min(digits.len())])
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    };
    let len = digits.len();
    match digits[0] {
        b'4' => matches!(len, 13 | 16 | 19),
        b'5' => {
            (51..=55).contains(&prefix(2)) && len == 16
                || matches!(prefix(2), 50 | 56..=58) && (12..=19).contains(&len)
        }
        b'2' => (2221..=2720).contains(&prefix(4)) && len == 16,
        b'3' => {
            matches!(prefix(2), 34 | 37) && len == 15
                || (3528..=3589).contains(&prefix(4)) && len == 16
                || matches!(prefix(2), 36 | 38) && len == 14
        }
        b'6' => {
            (prefix(4) == 6011 || prefix(2) == 65 || matches!(prefix(4), 6304 | 6759 | 6761..=6763))
                && (12..=19).contains(&len)
        }
        _ => false,
    }
}

/// IBAN lengths of the countries Zegel's users meet most; others need 15–34 characters.
fn iban_length(country: &[u8]) -> Option<usize> {
    Some(match country {
        b"NL" => 18,
        b"BE" => 16,
        b"DE" => 22,
        b"GB" => 22,
        b"FR" | b"MC" | b"IT" => 27,
        b"ES" | b"SE" => 24,
        b"LU" => 20,
        b"AT" => 20,
        b"CH" | b"LI" => 21,
        b"DK" | b"FI" | b"NO" => {
            if country == b"NO" {
                15
            } else {
                18
            }
        }
        b"IE" => 22,
        b"PL" => 28,
        b"PT" => 25,
        b"TR" => 26,
        _ => return None,
    })
}

/// Mod-97 over the rearranged IBAN (ISO 13616), computed digit by digit without big numbers.
pub fn iban_valid(iban: &[u8]) -> bool {
    if iban.len() < 15 || iban.len() > 34 {
        return false;
    }
    if let Some(expected) = iban_length(&iban[..2])
        && expected != iban.len()
    {
        return false;
    }
    let mut remainder: u32 = 0;
    for &c in iban[4..].iter().chain(&iban[..4]) {
        let value = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A') + 10,
            _ => return false,
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder == 1
}

/// The candidate lengths to try for an IBAN starting with this country code.
pub fn iban_lengths(country: &[u8]) -> Vec<usize> {
    match iban_length(country) {
        Some(length) => vec![length],
        None => (15..=34).rev().collect(),
    }
}

pub fn valid_date(day: u32, month: u32, year: u32) -> bool {
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day) && (1900..=2100).contains(&year)
}

/// US state codes, for ZIP codes written after them ("CA 94105").
pub const US_STATES: &[&str] = &[
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY",
    "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
    "WI", "WY", "DC",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bsn_eleven_proof() {
        assert!(bsn_valid(b"111222333"));
        assert!(bsn_valid(b"123456782"));
        assert!(!bsn_valid(b"123456789"));
        assert!(!bsn_valid(b"111111111"));
    }

    #[test]
    fn cards_need_luhn_and_a_network_prefix() {
        assert!(luhn_valid(b"4111111111111111") && card_prefix_valid(b"4111111111111111"));
        assert!(
            luhn_valid(b"2221000000000009") && card_prefix_valid(b"2221000000000009"),
            "Mastercard 2-series"
        );
        assert!(
            luhn_valid(b"378282246310005") && card_prefix_valid(b"378282246310005"),
            "Amex"
        );
        assert!(!luhn_valid(b"4111111111111112"));
        assert!(!card_prefix_valid(b"9111111111111111"));
    }

    #[test]
    fn iban_mod_97() {
        assert!(iban_valid(b"NL91ABNA0417164300"));
        assert!(iban_valid(b"GB82WEST12345698765432"));
        assert!(iban_valid(b"BE68539007547034"));
        assert!(iban_valid(b"DE89370400440532013000"));
        assert!(!iban_valid(b"NL91ABNA0417164301"));
        assert!(!iban_valid(b"NL91ABNA041716430"), "wrong length for NL");
    }

    #[test]
    fn dates() {
        assert!(valid_date(29, 2, 2024));
        assert!(!valid_date(29, 2, 2023));
        assert!(!valid_date(31, 4, 1990));
        assert!(!valid_date(1, 13, 1990));
    }
}
