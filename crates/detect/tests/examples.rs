//! Hand-written cases: what each recognizer must find, and the look-alikes it must leave.

use zegel_detect::{EntityType, detect};

fn types(text: &str) -> Vec<(String, EntityType)> {
    let chars: Vec<char> = text.chars().collect();
    detect(text)
        .spans
        .iter()
        .map(|s| (chars[s.start..s.end].iter().collect(), s.kind))
        .collect()
}

fn finds(text: &str, value: &str, kind: EntityType) {
    let found = types(text);
    assert!(
        found.iter().any(|(v, k)| v == value && *k == kind),
        "expected {kind:?} '{value}' in {text:?}, got {found:?}"
    );
}

fn clean(text: &str) {
    let found = types(text);
    assert!(
        found.is_empty(),
        "expected nothing in {text:?}, got {found:?}"
    );
}

#[test]
fn finds_each_entity_type() {
    finds(
        "Het BSN van de cliënt is 111.222.333, graag controleren.",
        "111.222.333",
        EntityType::Bsn,
    );
    finds("Mijn BSN: 123456782", "123456782", EntityType::Bsn);
    finds(
        "Kunt u het bedrag overmaken naar NL91 ABNA 0417 1643 00?",
        "NL91 ABNA 0417 1643 00",
        EntityType::Iban,
    );
    finds(
        "Please refund to GB82WEST12345698765432 today",
        "GB82WEST12345698765432",
        EntityType::Iban,
    );
    finds(
        "Je kunt me bellen op 06-12345678.",
        "06-12345678",
        EntityType::Phone,
    );
    finds(
        "Bel mij gerust: +31 6 1234 5678",
        "+31 6 1234 5678",
        EntityType::Phone,
    );
    finds(
        "Mijn nummer thuis is 020-1234567",
        "020-1234567",
        EntityType::Phone,
    );
    finds(
        "Haar adres is jan.jansen@gmail.com, stuur het daarheen.",
        "jan.jansen@gmail.com",
        EntityType::Email,
    );
    finds(
        "Hij is geboren op 12-03-1985 in Utrecht.",
        "12-03-1985",
        EntityType::DateOfBirth,
    );
    finds(
        "Geboortedatum: 3 maart 1990",
        "3 maart 1990",
        EntityType::DateOfBirth,
    );
    finds(
        "Date of birth: March 3, 1990",
        "March 3, 1990",
        EntityType::DateOfBirth,
    );
    finds(
        "Zij woont aan de Kerkstraat 12a in Zwolle.",
        "Kerkstraat 12a",
        EntityType::Address,
    );
    finds(
        "He lives at 221B Baker Street, London.",
        "221B Baker Street",
        EntityType::Address,
    );
    finds(
        "Postcode 1234 AB, Amsterdam",
        "1234 AB",
        EntityType::Postcode,
    );
    finds(
        "Send it to London SW1A 1AA please",
        "SW1A 1AA",
        EntityType::Postcode,
    );
    finds(
        "She moved to Austin, TX 78701 last year",
        "78701",
        EntityType::Postcode,
    );
    finds(
        "Het gesprek met mevrouw De Vries was goed.",
        "mevrouw De Vries",
        EntityType::Person,
    );
    finds(
        "Terugstorten t.n.v. J. de Wit graag.",
        "J. de Wit",
        EntityType::Person,
    );
    finds(
        "Gisteren belde J.H. Bakker over de huur.",
        "J.H. Bakker",
        EntityType::Person,
    );
    finds(
        "Ik heb Anna van der Berg gisteren gesproken.",
        "Anna van der Berg",
        EntityType::Person,
    );
    finds(
        "Card 4111 1111 1111 1111 was charged.",
        "4111 1111 1111 1111",
        EntityType::CreditCard,
    );
    finds(
        "Mastercard 2221 0000 0000 0009 expires soon",
        "2221 0000 0000 0009",
        EntityType::CreditCard,
    );
    finds(
        "Zijn paspoortnummer is SPECI2014, geldig tot 2030.",
        "SPECI2014",
        EntityType::IdDocument,
    );
    finds(
        "Mijn zoon heeft diabetes en gebruikt insuline.",
        "diabetes",
        EntityType::Medical,
    );
    finds(
        "The patient was diagnosed with epilepsy last week.",
        "epilepsy",
        EntityType::Medical,
    );
    finds(
        "Er was een inlogpoging vanaf IP 84.21.133.7 vannacht.",
        "84.21.133.7",
        EntityType::IpAddress,
    );
}

#[test]
fn leaves_look_alikes_alone() {
    clean("Uw ordernummer is 123456782, de levering volgt morgen.");
    clean("Factuur 2024-0012 van 12-03-2024 is betaald.");
    clean("De vergadering is op 12-03-2024 om 10:00 uur.");
    clean("Mail ons via info@zorgbv.nl of support@example.com.");
    clean("Bel onze klantenservice op 0800-1234567 of 088-1234567.");
    clean("Kom naar de informatieavond over dementie op 5 juni.");
    clean("Update to version 10.2.0.1 before Friday.");
    clean("Het rekeningnummer NL91 ABNA 0417 1643 01 klopt niet, dat is geen IBAN.");
    clean("Ticket 4111111111111112 is closed.");
    clean("Beste Jan,\n\nDank voor je bericht. Tot morgen!");
    clean(
        "Hallo,\n\nDe offerte volgt.\n\nMet vriendelijke groet,\n\nAnne Bakker\nZorg & Welzijn B.V.\nT: 020-1234567 | M: 06-12345678\nE: anne.bakker@zorgwelzijn.nl\nKerkstraat 1, 1234 AB Amsterdam\nKvK 12345678 | IBAN NL91 ABNA 0417 1643 00",
    );
    clean("Our next webinar covers diabetes care in the community.");
    clean("Het pakket 111222333 is onderweg.");
    clean("Zie bijlage A. Daarna volgt de planning.");
}

#[test]
fn offsets_are_in_code_points() {
    let text = "Cliënt – BSN 111222333";
    let verdict = detect(text);
    let span = &verdict.spans[0];
    let chars: Vec<char> = text.chars().collect();
    assert_eq!(
        chars[span.start..span.end].iter().collect::<String>(),
        "111222333"
    );
}
