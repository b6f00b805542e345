//! `cargo fuzz run frame`: see gridbook_tests::decoders::frame.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: gridbook_tests::decoders::fuzz_only_escaping_panics(),
    |data: &[u8]| gridbook_tests::decoders::frame(data)
);
