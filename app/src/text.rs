//! How wide text is in a terminal or a sheet's column: Chinese characters take two cells.

/// How many terminal cells `c` takes: East Asian wide and full-width characters take two.
pub(crate) fn char_width(c: char) -> usize {
    let c = c as u32;
    let wide = matches!(c,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD);
    if wide {
        2
    } else if c < 0x20 || (0x300..=0x36F).contains(&c) || c == 0x200B {
        0
    } else {
        1
    }
}

/// How many terminal cells `s` takes.
pub(crate) fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}
