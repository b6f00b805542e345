//! `cargo fuzz run invite`: see gridbook_tests::decoders::invite.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| gridbook_tests::decoders::invite(data));
