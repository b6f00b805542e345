//! `cargo fuzz run frame`: see gridbook_tests::decoders::frame.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gridbook_tests::decoders::frame(data));
