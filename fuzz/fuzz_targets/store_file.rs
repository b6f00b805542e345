//! `cargo fuzz run store_file`: see gridbook_tests::decoders::store_file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gridbook_tests::decoders::store_file(data));
