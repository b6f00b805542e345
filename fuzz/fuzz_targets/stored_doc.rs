//! `cargo fuzz run stored_doc`: see gridbook_tests::decoders::stored_doc.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gridbook_tests::decoders::stored_doc(data));
