//! Rules for SMS texts and sender names, checked before anything goes to a provider.

/// GSM 03.38 basic character set: a text made only of these (and the extension table) is
/// sent as GSM-7, 160 characters a part. One character outside it forces UCS-2 (70 a part)
/// and some networks garble such messages.
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{c}";

pub fn is_gsm7(text: &str) -> bool {
    text.chars()
        .all(|c| GSM7_BASIC.contains(c) || GSM7_EXTENSION.contains(c))
}

/// Makes a name fit GSM-7: common accented letters lose their accent, anything else
/// that would force Unicode becomes a space.
pub fn to_gsm7(text: &str) -> String {
    text.chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) || GSM7_EXTENSION.contains(c) {
                return c;
            }
            match c {
                'á' | 'â' | 'ã' | 'ā' => 'a',
                'Á' | 'Â' | 'Ã' | 'À' => 'A',
                'ë' | 'ê' | 'ē' => 'e',
                'Ë' | 'Ê' | 'È' => 'E',
                'ï' | 'î' | 'í' => 'i',
                'Ï' | 'Î' | 'Í' | 'Ì' => 'I',
                'ó' | 'ô' | 'õ' => 'o',
                'Ó' | 'Ô' | 'Õ' | 'Ò' => 'O',
                'ú' | 'û' => 'u',
                'Ú' | 'Û' | 'Ù' => 'U',
                'ç' => 'c',
                'ÿ' | 'ý' => 'y',
                '‘' | '’' | '`' => '\'',
                '“' | '”' => '"',
                '–' | '—' => '-',
                _ => ' ',
            }
        })
        .collect()
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OriginatorError {
    #[error(
        "the SMS sender name must be 1 to 11 letters, digits or spaces, or a phone number in E.164 form"
    )]
    Invalid,
}

/// A sender shown on the phone: up to 11 alphanumeric characters, or an E.164 number.
pub fn validate_originator(originator: &str) -> Result<(), OriginatorError> {
    let alphanumeric = !originator.is_empty()
        && originator.chars().count() <= 11
        && originator.chars().any(|c| c.is_ascii_alphabetic())
        && originator
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ');
    let number = originator.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit())
    });
    if alphanumeric || number {
        Ok(())
    } else {
        Err(OriginatorError::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_gsm7_text() {
        assert!(is_gsm7(
            "Uw code is 123456. De code is 10 minuten geldig, één keer."
        ));
        assert!(is_gsm7("Code 123456 (10 min) €5 [ok]"));
        assert!(!is_gsm7("Geïnteresseerd"), "ï is not in GSM-7");
        assert!(!is_gsm7("Code ë"));
        assert!(!is_gsm7("Hallo 😀"));
    }

    #[test]
    fn names_are_made_gsm7() {
        assert_eq!(to_gsm7("Stichting Ëlan & Zoë"), "Stichting Elan & Zoe");
        assert_eq!(to_gsm7("Zorg ☀ BV"), "Zorg   BV");
        assert!(is_gsm7(&to_gsm7("Crèche “De Ĳsbeer”")));
    }

    #[test]
    fn originators_are_short_names_or_numbers() {
        assert!(validate_originator("Zorg BV").is_ok());
        assert!(validate_originator("ZorgWelzijn").is_ok());
        assert!(validate_originator("+31612345678").is_ok());
        assert!(
            validate_originator("ZorgEnWelzijn").is_err(),
            "12 characters"
        );
        assert!(validate_originator("Zorg&Co").is_err());
        assert!(validate_originator("").is_err());
        assert!(
            validate_originator("12345").is_err(),
            "digits only is not a name"
        );
    }
}
