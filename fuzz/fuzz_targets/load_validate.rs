//! Arbitrary bytes as a spec file: load, validate, render the diagnostics or emit the code.
//! Specs are untrusted input (they arrive in pull requests), so none of this may panic, and
//! each input must finish quickly (libFuzzer's `-timeout` flags one that does not).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Bytes that are not UTF-8 are refused before parsing (`load::read_spec`); the rest of the
    // pipeline sees text, so the lossy text is what is worth fuzzing.
    let text = String::from_utf8_lossy(data).into_owned();
    let source = tokenspec::load::Source::new("specs/fuzzed.yaml", text);
    match tokenspec::validate_sources(&tokenspec::Bump::new(), vec![source]) {
        Ok(providers) => {
            // A spec that validates must emit; if it does not, that is a generator bug the
            // fuzzer should report like a panic.
            if let Err(e) = tokenspec::generate_tree(&providers) {
                panic!("a valid spec does not emit: {e}");
            }
        }
        Err(tokenspec::Error::Specs(diagnostics)) => {
            let _ = diagnostics.render(false);
            let _ = diagnostics.render(true);
        }
        Err(_) => {}
    }
});
