//! The UI strings are compiled in (`rust_i18n::i18n!` in `lib.rs`): rebuild when they change,
//! which cargo does not know to do on its own.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
