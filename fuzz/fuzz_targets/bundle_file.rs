//! `cargo fuzz run bundle_file`: see `bundle_file` in tests/tests/decoders/targets.rs.
#![no_main]

#[path = "../../tests/tests/decoders/targets.rs"]
#[allow(dead_code, reason = "each target feeds one of the decoders")]
mod targets;

libfuzzer_sys::fuzz_target!(
    init: targets::fuzz_only_escaping_panics(),
    |data: &[u8]| targets::bundle_file(data)
);
