//! The detector measured on Zegel's labelled corpus (`corpus/messages.jsonl`, made by
//! `corpus/generate.py`): 400 Dutch and English e-mails, half with personal data, half with
//! only look-alikes. The targets of the detection issue are asserted; the figures are printed
//! (run with `--nocapture` to see them).

use zegel_detect::evaluation::{Metrics, evaluate};

/// The targets of the detection issue.
fn assert_targets(m: Metrics) {
    assert!(
        m.message_f1 >= 0.95,
        "message-level F1 {:.3} below 0.95",
        m.message_f1
    );
    assert!(
        m.false_positive_rate <= 0.05,
        "false-positive rate {:.3} above 5%",
        m.false_positive_rate
    );
    assert!(m.span_f1 >= 0.85, "span F1 {:.3} below 0.85", m.span_f1);
}

#[test]
fn meets_the_targets_on_the_generated_corpus() {
    assert_targets(evaluate(
        "generated",
        include_str!("../corpus/messages.jsonl"),
    ));
}

#[test]
fn meets_the_targets_on_the_handwritten_messages() {
    assert_targets(evaluate(
        "handwritten",
        include_str!("../corpus/handwritten.jsonl"),
    ));
}
