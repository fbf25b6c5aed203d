//! E-mail addresses of persons. Role addresses (info@, noreply@ …), addresses at the
//! organisation's own domains, and addresses in signatures are the organisation's.

use crate::scan::Scan;
use crate::{EntityType, Found};

const ROLE_ADDRESSES: &[&str] = &[
    "info",
    "support",
    "noreply",
    "no-reply",
    "donotreply",
    "sales",
    "contact",
    "admin",
    "helpdesk",
    "service",
    "klantenservice",
    "customerservice",
    "administratie",
    "facturen",
    "facturatie",
    "invoice",
    "invoices",
    "billing",
    "hr",
    "office",
    "postmaster",
    "webmaster",
    "secretariaat",
    "receptie",
    "team",
    "hello",
    "hallo",
    "marketing",
    "privacy",
    "security",
    "abuse",
    "mail",
    "post",
    "planning",
    "zorg",
    "afspraken",
    "servicedesk",
    "finance",
    "boekhouding",
    "vacatures",
    "jobs",
    "careers",
    "press",
    "pers",
    "communicatie",
    "news",
    "nieuwsbrief",
    "newsletter",
    "bestellingen",
    "orders",
    "order",
    "inkoop",
    "verkoop",
    "debiteuren",
    "crediteuren",
    "salarisadministratie",
    "personeelszaken",
    "ledenadministratie",
    "klachten",
    "complaints",
    "meldpunt",
    "aanvragen",
    "reception",
    "accounts",
    "enquiries",
    "inquiries",
    "feedback",
    "intake",
    "zorgadministratie",
    "roosters",
    "facilitair",
];

fn is_local_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-')
}

pub(crate) fn find(scan: &Scan, internal_domains: &[String], found: &mut Vec<Found>) {
    let bytes = scan.bytes;
    let mut last_end = 0;
    for at in memchr_all(bytes, b'@') {
        if at < last_end {
            continue;
        }
        let mut start = at;
        while start > last_end && is_local_byte(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && is_domain_byte(bytes[end]) {
            end += 1;
        }
        while end > at + 1 && matches!(bytes[end - 1], b'.' | b'-') {
            end -= 1;
        }
        let local = &scan.text[start..at];
        let domain = &scan.text[at + 1..end];
        let tld_ok = domain.rsplit_once('.').is_some_and(|(name, tld)| {
            !name.is_empty() && tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic())
        });
        if local.is_empty() || !tld_ok {
            continue;
        }
        last_end = end;
        // Cheapest first: most addresses in mail stand in signatures.
        if scan.in_footer(start)
            || internal_domains
                .iter()
                .any(|d| domain.eq_ignore_ascii_case(d))
            || ROLE_ADDRESSES.iter().any(|r| local.eq_ignore_ascii_case(r))
        {
            continue;
        }
        found.push(Found {
            start,
            end,
            kind: EntityType::Email,
            score: 0.8,
        });
    }
}

fn memchr_all(bytes: &[u8], needle: u8) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(move |(_, b)| **b == needle)
        .map(|(i, _)| i)
}
