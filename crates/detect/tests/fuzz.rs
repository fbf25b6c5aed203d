//! Property tests: any input, however odd, gives a well-formed verdict and no panic.
//! (Linear time on long inputs is measured by the benchmark's adversarial cases.)

use proptest::prelude::*;
use zegel_detect::detect;

fn well_formed(text: &str) {
    let verdict = detect(text);
    let length = text.chars().count();
    let mut previous_end = 0;
    for span in &verdict.spans {
        assert!(
            span.start < span.end && span.end <= length,
            "{span:?} in {text:?}"
        );
        assert!(
            span.start >= previous_end,
            "spans overlap or are unsorted in {text:?}"
        );
        assert!((0.5..=1.0).contains(&span.score));
        previous_end = span.end;
    }
    assert_eq!(verdict.contains_personal_data, !verdict.spans.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_unicode_text(text in "\\PC{0,400}") {
        well_formed(&text);
    }

    #[test]
    fn text_made_of_the_characters_identifiers_are_made_of(
        text in "[0-9 .\\-/+@:,()ABEGKLNRSTVXZabcdeijlmnorst\\n\u{e9}\u{eb}]{0,300}"
    ) {
        well_formed(&text);
    }

    #[test]
    fn fragments_of_real_identifiers(parts in proptest::collection::vec(prop_oneof![
        Just("BSN "), Just("111222333"), Just("NL91 ABNA 0417 1643 00"), Just("06-12345678"), Just("+31 6 1234 5678"),
        Just("geboren 12-03-1985"), Just("Kerkstraat 12a"), Just("1234 AB"), Just("SW1A 1AA"), Just("mevrouw "),
        Just("De Vries"), Just("Jan "), Just("diabetes "), Just("mijn "), Just("4111 1111 1111 1111"), Just("@"),
        Just("jan@example.nl"), Just("IP 84.21.133.7"), Just("paspoort SPECI2014"), Just("\nMet vriendelijke groet,\n"),
        Just("KvK 12345678"), Just(". "), Just(" "), Just("é"), Just("😀"),
    ], 0..40)) {
        well_formed(&parts.concat());
    }
}
