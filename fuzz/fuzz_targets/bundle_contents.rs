//! `cargo fuzz run bundle_contents`: see gridbook_tests::decoders::bundle_contents.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gridbook_tests::decoders::bundle_contents(data));
