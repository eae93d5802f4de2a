//! Misuses of `#[derive(Injectable)]` fail to compile with errors at the offending field.

#[test]
fn misused_derives_fail_to_compile_at_the_offending_field() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
