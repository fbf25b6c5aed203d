//! The organisation's colour and logo on the portal and in notification mails. The colour
//! must carry white text readably (WCAG AA, 4.5:1), so a brand can never make the portal
//! inaccessible.

use zegel_store::User;

use crate::{App, AppError, AppResult};

pub const MAX_LOGO_BYTES: usize = 200 * 1024;
const MIN_CONTRAST_WITH_WHITE: f64 = 4.5;

#[derive(Debug, Clone, Default)]
pub struct Brand {
    /// `#rrggbb`.
    pub colour: Option<String>,
    pub has_logo: bool,
    /// Changes when the logo does, for cache-busting addresses.
    pub version: i64,
}

pub struct Logo {
    pub bytes: Vec<u8>,
    pub content_type: String,
}

/// `#0b3d6e` → (11, 61, 110).
fn parse_colour(text: &str) -> Option<(u8, u8, u8)> {
    let hex = text.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((channel(0)?, channel(2)?, channel(4)?))
}

/// WCAG 2 contrast ratio of a colour against white.
fn contrast_with_white((r, g, b): (u8, u8, u8)) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
    1.05 / (luminance + 0.05)
}

/// What the bytes are, by their first bytes (never by a name or a claimed type).
fn image_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else {
        None
    }
}

impl App {
    /// The brand the portal and mails show; the defaults when none was set.
    pub async fn brand(&self, org_id: &str) -> AppResult<Brand> {
        let settings = self.settings(org_id).await?;
        Ok(Brand {
            colour: settings.brand_colour,
            has_logo: settings.brand_logo.is_some(),
            version: settings.updated_at,
        })
    }

    /// The organisation's logo (public: notification mails show it).
    pub async fn logo(&self, org_id: &str) -> AppResult<Option<Logo>> {
        let settings = self.settings(org_id).await?;
        Ok(settings
            .brand_logo
            .zip(settings.brand_logo_type)
            .map(|(bytes, content_type)| Logo {
                bytes,
                content_type,
            }))
    }

    /// Sets the colour (empty: the default) and, when given, a new logo (PNG or JPEG).
    pub async fn update_branding(
        &self,
        admin: &User,
        colour: &str,
        logo: Option<Vec<u8>>,
        remove_logo: bool,
    ) -> AppResult<()> {
        self.require_admin(admin)?;
        let mut problems = Vec::new();
        let colour = colour.trim();
        let colour = if colour.is_empty() {
            None
        } else {
            match parse_colour(colour) {
                Some(rgb) if contrast_with_white(rgb) >= MIN_CONTRAST_WITH_WHITE => {
                    Some(colour.to_lowercase())
                }
                Some(rgb) => {
                    problems.push(format!(
                        "colour: white text on {colour} has a contrast of {:.1}:1; choose a darker colour (at least 4.5:1)",
                        contrast_with_white(rgb)
                    ));
                    None
                }
                None => {
                    problems.push(format!("colour: '{colour}' is not a colour like #0b3d6e"));
                    None
                }
            }
        };
        let logo = match logo.filter(|bytes| !bytes.is_empty()) {
            Some(bytes) if bytes.len() > MAX_LOGO_BYTES => {
                problems.push(format!("logo: at most {} kB", MAX_LOGO_BYTES / 1024));
                None
            }
            Some(bytes) => match image_type(&bytes) {
                Some(kind) => Some((bytes, kind)),
                None => {
                    problems.push("logo: a PNG or JPEG image".to_owned());
                    None
                }
            },
            None => None,
        };
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let mut settings = self.settings(&admin.org_id).await?;
        settings.brand_colour = colour.clone();
        if let Some((bytes, kind)) = logo {
            settings.brand_logo = Some(bytes);
            settings.brand_logo_type = Some(kind.to_owned());
        } else if remove_logo {
            settings.brand_logo = None;
            settings.brand_logo_type = None;
        }
        settings.updated_at = self.now();
        let detail = serde_json::json!({"colour": colour, "logo": settings.brand_logo.is_some()});
        self.save_settings(&settings).await?;
        self.audit_admin(
            admin,
            "organisation.branding_changed",
            &admin.org_id,
            detail,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        assert!((contrast_with_white((0, 0, 0)) - 21.0).abs() < 0.01);
        assert!((contrast_with_white((255, 255, 255)) - 1.0).abs() < 0.01);
        // Zegel's own blue passes; a light yellow does not.
        assert!(contrast_with_white(parse_colour("#0b3d6e").unwrap()) > 4.5);
        assert!(contrast_with_white(parse_colour("#f0e060").unwrap()) < 4.5);
        assert_eq!(parse_colour("0b3d6e"), None);
        assert_eq!(parse_colour("#0b3d6g"), None);
    }

    #[test]
    fn images_are_known_by_their_bytes() {
        assert_eq!(image_type(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(image_type(&[0xff, 0xd8, 0xff, 0xe0]), Some("image/jpeg"));
        assert_eq!(image_type(b"<svg onload=alert(1)>"), None);
    }
}
