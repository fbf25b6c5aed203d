//! Whether the organisation's own mail server vouched for a message's sender: its
//! `Authentication-Results` header (RFC 8601) says DMARC passed for the domain of From.
//! Only a header stamped with the server's own authserv-id counts (a sender can write any
//! header); the gateway reads it only on mail handed over by a trusted relay peer.

/// One `method=result` with its properties, as written in the header.
#[derive(Debug, PartialEq)]
struct Result_ {
    method: String,
    result: String,
    properties: Vec<(String, String)>,
}

/// The authserv-id and results of one header value; comments `( … )` are dropped.
fn parse(value: &str) -> Option<(String, Vec<Result_>)> {
    let mut clean = String::with_capacity(value.len());
    let mut depth = 0;
    for c in value.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => clean.push(c),
            _ => {}
        }
    }
    let mut parts = clean.split(';');
    let authserv = parts
        .next()?
        .split_whitespace()
        .next()?
        .to_ascii_lowercase();
    let mut results = Vec::new();
    for part in parts {
        let mut tokens = part.split_whitespace();
        let Some((method, result)) = tokens.next().and_then(|t| t.split_once('=')) else {
            continue;
        };
        let properties = tokens
            .filter_map(|t| t.split_once('='))
            .map(|(k, v)| {
                (
                    k.to_ascii_lowercase(),
                    v.trim_matches('"').to_ascii_lowercase(),
                )
            })
            .collect();
        results.push(Result_ {
            method: method.to_ascii_lowercase(),
            result: result.to_ascii_lowercase(),
            properties,
        });
    }
    Some((authserv, results))
}

/// Whether one of `headers` (Authentication-Results values) from `authserv_id` says DMARC
/// passed for `from_domain`.
pub(crate) fn dmarc_passed(headers: &[String], authserv_id: &str, from_domain: &str) -> bool {
    let from_domain = from_domain.to_ascii_lowercase();
    headers
        .iter()
        .filter_map(|h| parse(h))
        .any(|(authserv, results)| {
            authserv == authserv_id.to_ascii_lowercase()
                && results.iter().any(|r| {
                    r.method == "dmarc"
                        && r.result == "pass"
                        && r.properties
                            .iter()
                            .any(|(k, v)| k == "header.from" && *v == from_domain)
                })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OURS: &str = "mx.zorg.example";

    #[test]
    fn dmarc_pass_for_the_from_domain_from_our_server_counts() {
        let header = "mx.zorg.example; spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=klant.example; \
                      dkim=pass header.d=klant.example; dmarc=pass (p=reject) header.from=Klant.Example";
        assert!(dmarc_passed(&[header.to_owned()], OURS, "klant.example"));
    }

    #[test]
    fn anything_else_does_not() {
        let pass_elsewhere = "attacker.example; dmarc=pass header.from=klant.example".to_owned();
        let fail = "mx.zorg.example; dmarc=fail header.from=klant.example".to_owned();
        let other_domain = "mx.zorg.example; dmarc=pass header.from=andere.example".to_owned();
        let spf_only = "mx.zorg.example; spf=pass smtp.mailfrom=klant.example".to_owned();
        for header in [pass_elsewhere, fail, other_domain, spf_only] {
            assert!(
                !dmarc_passed(std::slice::from_ref(&header), OURS, "klant.example"),
                "{header}"
            );
        }
        assert!(!dmarc_passed(&[], OURS, "klant.example"));
    }

    #[test]
    fn comments_do_not_hide_or_fake_results() {
        let header = "mx.zorg.example; dmarc=fail (dmarc=pass header.from=klant.example) header.from=klant.example";
        assert!(!dmarc_passed(&[header.to_owned()], OURS, "klant.example"));
    }
}
