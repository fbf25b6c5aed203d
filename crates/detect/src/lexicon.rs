//! The words the detector listens for, compiled once into one Aho-Corasick automaton so
//! that a message is scanned for all of them in a single pass.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::sync::OnceLock;

/// What a word tells the recognizers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cue {
    /// "BSN", "burgerservicenummer": the next number is a citizen service number.
    Bsn,
    /// "geboren", "date of birth": the next date is a date of birth.
    Birth,
    /// "mijn nummer", "call me": the next phone number is a person's.
    PersonalPhone,
    /// "IP", "ip-adres": the next dotted quad is an IP address.
    Ip,
    /// "paspoort", "driving licence": the next code is an identity document number.
    IdDocument,
    /// "ordernummer", "invoice": the next number is a business reference, not a person's.
    BusinessReference,
    /// "versie", "version": the next dotted numbers are a version, not an address.
    Version,
    /// A diagnosis, condition or medicine.
    Medical,
    /// "informatieavond", "brochure": the sentence is general health information.
    GeneralHealth,
    FirstName,
    /// "dhr.", "mevrouw", "Mr": the next capitalised words are a name.
    Title,
    /// "straat", "laan" (end of a Dutch street name); whole word for English ones.
    StreetSuffix,
    EnglishStreetSuffix,
    /// "Met vriendelijke groet", "Kind regards": a signature follows.
    SignOff,
    /// "Beste", "Dear": a greeting line.
    Greeting,
    /// "KvK", "BTW", "Chamber of Commerce": organisation details.
    Organisation,
    /// "schreef", "wrote:", "Original Message": quoted text starts.
    QuoteMarker,
    /// A month name; the number is its position.
    Month(u8),
    /// "wonend", "woonachtig", "lives at", "address": an address follows.
    Residence,
    /// "ons kantoor", "our office", "bezoekadres": the organisation's own contact details.
    OrganisationContact,
}

pub struct Lexicon {
    pub automaton: AhoCorasick,
    pub cues: Vec<Cue>,
}

const WORDS: &[(&str, Cue)] = &[
    ("bsn", Cue::Bsn),
    ("burgerservicenummer", Cue::Bsn),
    ("sofinummer", Cue::Bsn),
    ("sofi-nummer", Cue::Bsn),
    ("citizen service number", Cue::Bsn),
    ("geboren", Cue::Birth),
    ("geboortedatum", Cue::Birth),
    ("geb.", Cue::Birth),
    ("born", Cue::Birth),
    ("birth date", Cue::Birth),
    ("date of birth", Cue::Birth),
    ("birthday", Cue::Birth),
    ("verjaardag", Cue::Birth),
    ("dob", Cue::Birth),
    ("d.o.b.", Cue::Birth),
    ("mijn nummer", Cue::PersonalPhone),
    ("mijn telefoonnummer", Cue::PersonalPhone),
    ("mijn mobiele nummer", Cue::PersonalPhone),
    ("zijn nummer", Cue::PersonalPhone),
    ("haar nummer", Cue::PersonalPhone),
    ("zijn telefoonnummer", Cue::PersonalPhone),
    ("haar telefoonnummer", Cue::PersonalPhone),
    ("bel me", Cue::PersonalPhone),
    ("bel mij", Cue::PersonalPhone),
    ("privénummer", Cue::PersonalPhone),
    ("thuisnummer", Cue::PersonalPhone),
    ("my number", Cue::PersonalPhone),
    ("my phone", Cue::PersonalPhone),
    ("my mobile", Cue::PersonalPhone),
    ("his number", Cue::PersonalPhone),
    ("her number", Cue::PersonalPhone),
    ("call me", Cue::PersonalPhone),
    ("reach me", Cue::PersonalPhone),
    ("home number", Cue::PersonalPhone),
    ("ip", Cue::Ip),
    ("ip-adres", Cue::Ip),
    ("ip address", Cue::Ip),
    ("ip-address", Cue::Ip),
    ("ingelogd vanaf", Cue::Ip),
    ("logged in from", Cue::Ip),
    ("inlogpoging", Cue::Ip),
    ("paspoort", Cue::IdDocument),
    ("paspoortnummer", Cue::IdDocument),
    ("passport", Cue::IdDocument),
    ("passport number", Cue::IdDocument),
    ("identiteitskaart", Cue::IdDocument),
    ("id-kaart", Cue::IdDocument),
    ("id card", Cue::IdDocument),
    ("identity card", Cue::IdDocument),
    ("documentnummer", Cue::IdDocument),
    ("document number", Cue::IdDocument),
    ("rijbewijs", Cue::IdDocument),
    ("rijbewijsnummer", Cue::IdDocument),
    ("driving licence", Cue::IdDocument),
    ("driving license", Cue::IdDocument),
    ("driver's license", Cue::IdDocument),
    ("ordernummer", Cue::BusinessReference),
    ("order", Cue::BusinessReference),
    ("bestelling", Cue::BusinessReference),
    ("bestelnummer", Cue::BusinessReference),
    ("factuur", Cue::BusinessReference),
    ("factuurnummer", Cue::BusinessReference),
    ("invoice", Cue::BusinessReference),
    ("klantnummer", Cue::BusinessReference),
    ("customer number", Cue::BusinessReference),
    ("referentie", Cue::BusinessReference),
    ("reference", Cue::BusinessReference),
    ("kenmerk", Cue::BusinessReference),
    ("ticket", Cue::BusinessReference),
    ("ticketnummer", Cue::BusinessReference),
    ("artikelnummer", Cue::BusinessReference),
    ("track", Cue::BusinessReference),
    ("tracking", Cue::BusinessReference),
    ("zending", Cue::BusinessReference),
    ("pakket", Cue::BusinessReference),
    ("dossiernummer", Cue::BusinessReference),
    ("polisnummer", Cue::BusinessReference),
    ("policy number", Cue::BusinessReference),
    ("serienummer", Cue::BusinessReference),
    ("serial number", Cue::BusinessReference),
    ("contract", Cue::BusinessReference),
    ("offerte", Cue::BusinessReference),
    ("quote", Cue::BusinessReference),
    ("kvk-nummer", Cue::BusinessReference),
    ("versie", Cue::Version),
    ("version", Cue::Version),
    ("release", Cue::Version),
    ("build", Cue::Version),
    ("update", Cue::Version),
    ("firmware", Cue::Version),
    ("informatieavond", Cue::GeneralHealth),
    ("voorlichting", Cue::GeneralHealth),
    ("lezing", Cue::GeneralHealth),
    ("webinar", Cue::GeneralHealth),
    ("brochure", Cue::GeneralHealth),
    ("folder", Cue::GeneralHealth),
    ("campagne", Cue::GeneralHealth),
    ("week van", Cue::GeneralHealth),
    ("information evening", Cue::GeneralHealth),
    ("awareness", Cue::GeneralHealth),
    ("leaflet", Cue::GeneralHealth),
    ("lecture", Cue::GeneralHealth),
    ("talk", Cue::GeneralHealth),
    ("presentatie", Cue::GeneralHealth),
    ("workshop", Cue::GeneralHealth),
    ("training", Cue::GeneralHealth),
    ("cursus", Cue::GeneralHealth),
    ("course", Cue::GeneralHealth),
    ("congres", Cue::GeneralHealth),
    ("conference", Cue::GeneralHealth),
    ("onderzoek naar", Cue::GeneralHealth),
    ("research into", Cue::GeneralHealth),
    ("research on", Cue::GeneralHealth),
    ("dhr", Cue::Title),
    ("dhr.", Cue::Title),
    ("mevr", Cue::Title),
    ("mevr.", Cue::Title),
    ("mw.", Cue::Title),
    ("meneer", Cue::Title),
    ("mevrouw", Cue::Title),
    ("mr.", Cue::Title),
    ("mr", Cue::Title),
    ("mrs.", Cue::Title),
    ("mrs", Cue::Title),
    ("ms.", Cue::Title),
    ("ms", Cue::Title),
    ("miss", Cue::Title),
    ("dr.", Cue::Title),
    ("prof.", Cue::Title),
    ("straat", Cue::StreetSuffix),
    ("laan", Cue::StreetSuffix),
    ("weg", Cue::StreetSuffix),
    ("plein", Cue::StreetSuffix),
    ("gracht", Cue::StreetSuffix),
    ("kade", Cue::StreetSuffix),
    ("singel", Cue::StreetSuffix),
    ("dijk", Cue::StreetSuffix),
    ("steeg", Cue::StreetSuffix),
    ("hof", Cue::StreetSuffix),
    ("dreef", Cue::StreetSuffix),
    ("pad", Cue::StreetSuffix),
    ("markt", Cue::StreetSuffix),
    ("straatweg", Cue::StreetSuffix),
    ("street", Cue::EnglishStreetSuffix),
    ("road", Cue::EnglishStreetSuffix),
    ("avenue", Cue::EnglishStreetSuffix),
    ("lane", Cue::EnglishStreetSuffix),
    ("drive", Cue::EnglishStreetSuffix),
    ("close", Cue::EnglishStreetSuffix),
    ("crescent", Cue::EnglishStreetSuffix),
    ("boulevard", Cue::EnglishStreetSuffix),
    ("met vriendelijke groet", Cue::SignOff),
    ("met vriendelijke groeten", Cue::SignOff),
    ("vriendelijke groet", Cue::SignOff),
    ("hartelijke groet", Cue::SignOff),
    ("groeten", Cue::SignOff),
    ("groet,", Cue::SignOff),
    ("mvg", Cue::SignOff),
    ("kind regards", Cue::SignOff),
    ("best regards", Cue::SignOff),
    ("regards,", Cue::SignOff),
    ("yours sincerely", Cue::SignOff),
    ("sincerely,", Cue::SignOff),
    ("best,", Cue::SignOff),
    ("beste", Cue::Greeting),
    ("geachte", Cue::Greeting),
    ("hallo", Cue::Greeting),
    ("hoi", Cue::Greeting),
    ("dear", Cue::Greeting),
    ("hello", Cue::Greeting),
    ("hi", Cue::Greeting),
    ("kvk", Cue::Organisation),
    ("btw", Cue::Organisation),
    ("btw-nummer", Cue::Organisation),
    ("chamber of commerce", Cue::Organisation),
    ("vat", Cue::Organisation),
    ("b.v.", Cue::Organisation),
    ("stichting", Cue::Organisation),
    ("ltd", Cue::Organisation),
    ("schreef", Cue::QuoteMarker),
    ("wrote:", Cue::QuoteMarker),
    ("original message", Cue::QuoteMarker),
    ("oorspronkelijk bericht", Cue::QuoteMarker),
    ("forwarded message", Cue::QuoteMarker),
    ("doorgestuurd bericht", Cue::QuoteMarker),
    ("wonend", Cue::Residence),
    ("woonachtig", Cue::Residence),
    ("woont", Cue::Residence),
    ("adres", Cue::Residence),
    ("huisadres", Cue::Residence),
    ("lives at", Cue::Residence),
    ("living at", Cue::Residence),
    ("address", Cue::Residence),
    ("home address", Cue::Residence),
    ("ons kantoor", Cue::OrganisationContact),
    ("ons adres", Cue::OrganisationContact),
    ("onze vestiging", Cue::OrganisationContact),
    ("bezoekadres", Cue::OrganisationContact),
    ("postadres", Cue::OrganisationContact),
    ("our office", Cue::OrganisationContact),
    ("our offices", Cue::OrganisationContact),
    ("our address", Cue::OrganisationContact),
    ("our new address", Cue::OrganisationContact),
    ("our phone number", Cue::OrganisationContact),
    ("our bank details", Cue::OrganisationContact),
    ("our new bank details", Cue::OrganisationContact),
    ("onze bankgegevens", Cue::OrganisationContact),
    ("ons rekeningnummer", Cue::OrganisationContact),
    ("ons telefoonnummer", Cue::OrganisationContact),
    ("huisarts", Cue::OrganisationContact),
    ("praktijk", Cue::OrganisationContact),
    ("apotheek", Cue::OrganisationContact),
];

const MONTHS: &[(&str, u8)] = &[
    ("januari", 1),
    ("februari", 2),
    ("maart", 3),
    ("april", 4),
    ("mei", 5),
    ("juni", 6),
    ("juli", 7),
    ("augustus", 8),
    ("september", 9),
    ("oktober", 10),
    ("november", 11),
    ("december", 12),
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("october", 10),
    ("jan", 1),
    ("feb", 2),
    ("mrt", 3),
    ("mar", 3),
    ("apr", 4),
    ("jun", 6),
    ("jul", 7),
    ("aug", 8),
    ("sep", 9),
    ("sept", 9),
    ("okt", 10),
    ("oct", 10),
    ("nov", 11),
    ("dec", 12),
];

/// Words that tie a health term to a person, in their own small automaton: they are common,
/// so the main scan does not track them, and only sentences with a health word are searched.
const PERSON_WORDS: &[&str] = &[
    "hij",
    "zij",
    "he",
    "she",
    "mijn",
    "zijn",
    "haar",
    "uw",
    "my",
    "his",
    "her",
    "your",
    "patiënt",
    "patient",
    "cliënt",
    "client",
    "bewoner",
    "resident",
    "leerling",
    "pupil",
    "zoon",
    "dochter",
    "son",
    "daughter",
    "moeder",
    "vader",
    "mother",
    "father",
    "lijdt aan",
    "suffers from",
    "diagnose",
    "gediagnosticeerd",
    "diagnosed",
    "behandeld",
    "treated",
    "gebruikt",
    "slikt",
    "takes",
    "medicatie",
    "medication",
    "opgenomen",
    "admitted",
    "mg",
];

pub fn person_words() -> &'static AhoCorasick {
    static WORDS: OnceLock<AhoCorasick> = OnceLock::new();
    WORDS.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(PERSON_WORDS)
            .expect("the person words compile")
    })
}

/// Whether `word` is a known first name ("Jan" is also a month abbreviation, and the
/// automaton reports each word once).
pub fn is_first_name(word: &str) -> bool {
    static NAMES: OnceLock<std::collections::HashSet<String>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            include_str!("lexicon/first_names.txt")
                .lines()
                .filter(|l| !l.starts_with('#') && !l.is_empty())
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .contains(&word.to_ascii_lowercase())
}

/// The shared lexicon, built on first use.
pub fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| {
        let mut patterns: Vec<String> = Vec::new();
        let mut cues = Vec::new();
        let mut add = |word: &str, cue: Cue| {
            patterns.push(word.to_owned());
            cues.push(cue);
        };
        for (word, cue) in WORDS {
            add(word, *cue);
        }
        for (word, month) in MONTHS {
            add(word, Cue::Month(*month));
        }
        for line in include_str!("lexicon/medical.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            add(line, Cue::Medical);
        }
        for line in include_str!("lexicon/first_names.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
        {
            add(line, Cue::FirstName);
        }
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            // A full DFA: more memory once, the fastest scan per byte.
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("the lexicon compiles");
        Lexicon { automaton, cues }
    })
}
