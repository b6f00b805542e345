//! `cargo fuzz run session`: see gridbook_tests::decoders::session.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: gridbook_tests::decoders::fuzz_only_escaping_panics(),
    |data: &[u8]| gridbook_tests::decoders::session(data)
);
