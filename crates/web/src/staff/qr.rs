//! The QR code on the second-factor set-up page, drawn as inline SVG (no script, no request).

use qrcode::QrCode;
use qrcode::render::svg;

pub fn svg(text: &str) -> String {
    let code = QrCode::new(text.as_bytes()).expect("an otpauth address fits in a QR code");
    let image = code
        .render::<svg::Color>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    // The XML declaration is for standalone files, not for SVG inside HTML.
    match image.find("<svg") {
        Some(start) => image[start..].to_owned(),
        None => image,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_inline_svg_without_xml_declaration() {
        let image = super::svg("otpauth://totp/Zegel:anne%40zorg.nl?secret=ABC&issuer=Zegel");
        assert!(image.starts_with("<svg"), "{}", &image[..40]);
        assert!(image.contains("<path"));
    }
}
