//! `cargo fuzz run session`: see gridbook_tests::decoders::session.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gridbook_tests::decoders::session(data));
