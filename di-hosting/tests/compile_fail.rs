//! Hosted-service registrations the compiler rejects say what is wrong and how to fix it.

#[test]
fn wrong_hosted_service_registrations_fail_to_compile_with_readable_messages() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
