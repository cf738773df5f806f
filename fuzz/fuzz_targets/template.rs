//! krust-template with krust-sprig: parse a Go template and execute it over values read
//! from YAML. Input: the template, then `-- values --` and a YAML document, then optionally
//! `-- more --` and a second template text parsed into the same set (for `define` and
//! `template`). Limits are small so that legitimate loops do not read as hangs; the
//! adversarial suite checks the default limits.
#![no_main]

use krust_template::{Limits, Set, Value};
use krust_yaml::{parse_document, Typing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = krust_fuzz::text(data);
    let files = krust_fuzz::split_files(&src, "main");
    let mut funcs = krust_sprig::func_map();
    // Helm removes these (they read the process environment); so does every caller of
    // krust-template in krust.
    funcs.remove("env");
    funcs.remove("expandenv");
    // Slow by design, not hangs: key generation (a DSA/RSA prime search), scrypt with
    // sprig's N=32768 and bcrypt take 0.1-3 s optimised and pass libFuzzer's 10 s timeout under ASan,
    // so a mutated input reaching them reads as a hang (fuzz/regressions/template/README.md).
    // Their own tests cover them; the `...WithKey` forms, given a key, are fast and stay.
    for slow in [
        "genPrivateKey",
        "genCA",
        "genSelfSignedCert",
        "genSignedCert",
        "derivePassword",
        // bcrypt at cost 10 (sprig's `bcrypt`, `htpasswd`): three calls passed the 10 s
        // timeout under ASan on a loaded machine (fuzz/regressions/template/README.md).
        "bcrypt",
        "htpasswd",
    ] {
        funcs.remove(slow);
    }
    let mut set = Set::with_funcs(funcs);
    set.options_mut().limits = Limits {
        max_steps: 200_000,
        max_output: 4 << 20,
        max_depth: 200,
    };
    if set.parse("main", krust_fuzz::nth(&files, 0)).is_err() {
        return;
    }
    let _ = set.parse("more", krust_fuzz::nth(&files, 2));
    let values = parse_document(krust_fuzz::nth(&files, 1), "values.yaml", Typing::Yaml11)
        .map(|v| Value::from_yaml(&v))
        .unwrap_or_else(|_| Value::from_yaml(&krust_yaml::Value::map()));
    let _ = set.execute("main", &values);
});
