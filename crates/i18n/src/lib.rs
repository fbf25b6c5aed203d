//! Every user-facing text of Zegel in Dutch and English, as Fluent files compiled into the
//! binary (`locales/<lang>/*.ftl`). Faces look texts up by key; a missing key is caught by
//! the test below, not by a user.

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{Loader, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;
use unic_langid::LanguageIdentifier;
use zegel_domain::Language;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks around arguments would end up in e-mail subjects and SMS.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn identifier(language: Language) -> LanguageIdentifier {
    language
        .code()
        .parse()
        .expect("language codes are valid identifiers")
}

/// The text for `key` in `language`.
pub fn text(language: Language, key: &str) -> String {
    LOCALES.lookup(&identifier(language), key)
}

/// The text for `key` with named arguments filled in.
pub fn text_with(language: Language, key: &str, args: &[(&'static str, &str)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.to_string())))
        .collect();
    LOCALES.lookup_with_args(&identifier(language), key, &args)
}

/// Texts for one language, handy in templates: `{{ t.get("key") }}`.
#[derive(Debug, Clone, Copy)]
pub struct Texts(pub Language);

impl Texts {
    pub fn get(&self, key: &str) -> String {
        text(self.0, key)
    }

    pub fn with(&self, key: &str, name: &'static str, value: &str) -> String {
        text_with(self.0, key, &[(name, value)])
    }

    /// With a number, so Fluent picks the plural form ("1 minute", "15 minutes"). Codes and
    /// other digit strings go through [`Texts::with`], which keeps leading zeros.
    pub fn count(&self, key: &str, name: &'static str, number: i64) -> String {
        let args = HashMap::from([(Cow::Borrowed(name), FluentValue::from(number))]);
        LOCALES.lookup_with_args(&identifier(self.0), key, &args)
    }

    pub fn language(&self) -> Language {
        self.0
    }
}

/// A moment as "7 December 2026, 14:05 UTC": times are shown in UTC, named as such.
pub fn format_time(language: Language, unix: i64) -> String {
    let moment =
        time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{}, {:02}:{:02} UTC",
        format_date(language, unix),
        moment.hour(),
        moment.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(language: &str) -> BTreeSet<String> {
        let dir = format!("{}/locales/{language}", env!("CARGO_MANIFEST_DIR"));
        let mut keys = BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                if let Some((key, _)) = line.split_once(" =")
                    && !key.starts_with([' ', '#'])
                    && !key.is_empty()
                {
                    keys.insert(key.trim().to_owned());
                }
            }
        }
        keys
    }

    #[test]
    fn dutch_and_english_have_the_same_keys() {
        let nl = keys("nl");
        let en = keys("en");
        assert!(!nl.is_empty());
        assert_eq!(
            nl.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&String>::new()
        );
    }

    #[test]
    fn counts_pick_the_plural_form_and_digit_strings_keep_leading_zeros() {
        let t = Texts(Language::En);
        assert!(
            t.count("portal-wait", "minutes", 1)
                .ends_with("in 1 minute.")
        );
        assert!(
            t.count("portal-wait", "minutes", 15)
                .ends_with("in 15 minutes.")
        );
        assert!(
            Texts(Language::Nl)
                .count("portal-wait", "minutes", 1)
                .ends_with("over 1 minuut opnieuw proberen.")
        );
        assert_eq!(
            text_with(Language::En, "mail-code-body", &[("code", "012345")]),
            "Your code is: 012345"
        );
    }

    #[test]
    fn sms_texts_are_gsm7_in_both_languages_with_the_code_first_and_no_link() {
        for language in Language::ALL {
            let text = text_with(
                language,
                "sms-code",
                &[("code", "012345"), ("organisation", "Zorg BV")],
            );
            assert!(text.starts_with("012345 "), "{text}");
            assert!(zegel_domain::is_gsm7(&text), "{text}");
            assert!(text.contains("10"), "states the validity: {text}");
            assert!(!text.contains("http") && !text.contains("www"), "{text}");
            assert!(text.chars().count() <= 160, "one SMS part: {text}");
        }
    }

    #[test]
    fn looks_up_with_arguments_in_both_languages() {
        assert_eq!(
            text_with(
                Language::Nl,
                "mail-notification-subject",
                &[("sender", "Anne")]
            ),
            "Anne heeft u een beveiligd bericht gestuurd"
        );
        assert_eq!(
            text_with(
                Language::En,
                "mail-notification-subject",
                &[("sender", "Anne")]
            ),
            "Anne sent you a secure message"
        );
    }
}

/// A day as people write it: "7 december 2026" or "7 December 2026" (UTC).
pub fn format_date(language: Language, unix: i64) -> String {
    let date = time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .date();
    let month = text(language, &format!("month-{}", u8::from(date.month())));
    text_with(
        language,
        "date",
        &[
            ("day", &date.day().to_string()),
            ("month", &month),
            ("year", &date.year().to_string()),
        ],
    )
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn formats_dates_in_both_languages() {
        // 2026-12-07T10:00:00Z
        assert_eq!(format_date(Language::Nl, 1796637600), "7 december 2026");
        assert_eq!(format_date(Language::En, 1796637600), "7 December 2026");
        assert_eq!(
            format_time(Language::Nl, 1796637600),
            "7 december 2026, 10:00 UTC"
        );
    }
}
