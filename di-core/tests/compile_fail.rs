//! Wrong factory signatures fail to compile with messages that say what to do.

#[test]
fn wrong_factory_signatures_fail_to_compile_with_readable_messages() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
