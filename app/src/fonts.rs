//! Chinese text: a bundled subset of Noto Sans CJK SC (every GB2312 character) that renders the
//! same everywhere, and system CJK fonts as a fallback for the rarer characters that names use
//! (喆, 堃…). See `app/assets/fonts/subset.sh` for how the subset is made.

use egui::{FontData, FontFamily, FontInsert, FontPriority, InsertFontFamily};

/// Noto Sans CJK SC Regular, subset to GB2312, ASCII and the punctuation the UI uses (OFL).
pub(crate) const BUNDLED: &[u8] = include_bytes!("../assets/fonts/NotoSansSC-GB2312.otf");

/// Installed fonts with CJK coverage, best first, with the face to use in a collection.
const SYSTEM_FALLBACKS: &[(&str, u32)] = &[
    // fonts-noto-cjk: faces JP, KR, SC, TC, HK; 2 is Simplified Chinese.
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\simsun.ttc", 0),
];

fn both_families(priority: FontPriority) -> Vec<InsertFontFamily> {
    [FontFamily::Proportional, FontFamily::Monospace]
        .into_iter()
        .map(|family| InsertFontFamily { family, priority })
        .collect()
}

/// Adds the bundled Chinese font after egui's own (Latin text keeps egui's look).
pub(crate) fn install_bundled(ctx: &egui::Context) {
    ctx.add_font(FontInsert::new(
        "noto-sans-sc-gb2312",
        FontData::from_static(BUNDLED),
        both_families(FontPriority::Lowest),
    ));
}

/// Reads the first system CJK font found on a background thread (a 15 MB file is not read on
/// the UI thread) and adds it behind the bundled one.
pub(crate) fn spawn_system_fallback(ctx: &egui::Context) {
    let ctx = ctx.clone();
    let _ = std::thread::Builder::new()
        .name("gridbook-fonts".into())
        .spawn(move || {
            for (path, index) in SYSTEM_FALLBACKS {
                if let Ok(bytes) = std::fs::read(path) {
                    let mut data = FontData::from_owned(bytes);
                    data.index = *index;
                    ctx.add_font(FontInsert::new(
                        "system-cjk",
                        data,
                        both_families(FontPriority::Lowest),
                    ));
                    ctx.request_repaint();
                    tracing::debug!(path, "system CJK fallback font loaded");
                    return;
                }
            }
            tracing::info!("no system CJK font found: rare name characters may not render");
        });
}

/// Text and targets big enough for a finger on a tablet.
pub(crate) fn tablet_style(ctx: &egui::Context) {
    use egui::{FontId, TextStyle};
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(24.0)),
            (TextStyle::Body, FontId::proportional(17.0)),
            (TextStyle::Button, FontId::proportional(17.0)),
            (TextStyle::Small, FontId::proportional(13.0)),
            (TextStyle::Monospace, FontId::monospace(15.0)),
        ]
        .into();
        style.spacing.button_padding = egui::vec2(10.0, 6.0);
        style.spacing.interact_size.y = 32.0;
        style.spacing.item_spacing = egui::vec2(8.0, 8.0);
    });
}
