//! Splitting text into SMS segments, as carriers count them.
//!
//! GSM-7 text fits 160 characters in one segment, 153 per part when split;
//! any other character makes the message UCS-2: 70 alone, 67 per part
//! (counted in UTF-16 code units). GSM-7 extension characters take two.

/// The GSM 03.38 basic character set (a line break is one character).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// Characters reached through the escape code: two septets each.
const GSM7_EXTENSION: &str = "^{}\\[~]|€\u{000C}";

/// The encoding a text needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Gsm7,
    Ucs2,
}

/// Encoding and segment count of `text`. An empty text is one segment.
pub(crate) fn count(text: &str) -> (Encoding, u32) {
    let gsm_units: Option<usize> = text
        .chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENSION.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    let (encoding, units, single, part) = match gsm_units {
        Some(n) => (Encoding::Gsm7, n, 160, 153),
        None => (Encoding::Ucs2, text.encode_utf16().count(), 70, 67),
    };
    let segments = if units <= single { 1 } else { units.div_ceil(part) };
    (encoding, segments as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_limits() {
        assert_eq!(count(""), (Encoding::Gsm7, 1));
        assert_eq!(count(&"a".repeat(160)), (Encoding::Gsm7, 1));
        assert_eq!(count(&"a".repeat(161)), (Encoding::Gsm7, 2));
        assert_eq!(count(&"a".repeat(306)), (Encoding::Gsm7, 2));
        assert_eq!(count(&"a".repeat(307)), (Encoding::Gsm7, 3));
    }

    #[test]
    fn extension_characters_take_two() {
        assert_eq!(count(&"€".repeat(80)), (Encoding::Gsm7, 1));
        assert_eq!(count(&format!("{}{}", "€".repeat(80), "a")), (Encoding::Gsm7, 2));
        assert_eq!(count(&"[".repeat(81)), (Encoding::Gsm7, 2));
    }

    #[test]
    fn line_break_is_one_character() {
        let text = format!("{}\n{}", "a".repeat(79), "b".repeat(80));
        assert_eq!(count(&text), (Encoding::Gsm7, 1));
    }

    #[test]
    fn ucs2_limits() {
        assert_eq!(count(&"ж".repeat(70)), (Encoding::Ucs2, 1));
        assert_eq!(count(&"ж".repeat(71)), (Encoding::Ucs2, 2));
        assert_eq!(count(&"ж".repeat(134)), (Encoding::Ucs2, 2));
        assert_eq!(count(&"ж".repeat(135)), (Encoding::Ucs2, 3));
        // An emoji is two UTF-16 code units.
        assert_eq!(count(&"😀".repeat(35)), (Encoding::Ucs2, 1));
        assert_eq!(count(&"😀".repeat(36)), (Encoding::Ucs2, 2));
    }

    #[test]
    fn the_example_texts() {
        assert_eq!(count("Your code is 123456"), (Encoding::Gsm7, 1));
        let promo = "Spring sale: 20% off everything until Sunday. Reply STOP to opt out.";
        assert_eq!(count(promo), (Encoding::Gsm7, 1));
    }
}
