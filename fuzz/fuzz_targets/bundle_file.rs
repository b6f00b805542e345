//! `cargo fuzz run bundle_file`: see gridbook_tests::decoders::bundle_file.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gridbook_tests::decoders::bundle_file(data));
