//! `validate` on good and broken datasets: every bad-input case names file, line and field.

use crate::harness::{Env, CDR};

#[test]
fn a_valid_dataset_passes() {
    let env = Env::new();
    env.write("data/cdr.csv", CDR);
    let out = env.run(&["validate", "--data", "data"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("cdr                   1          2        0"),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("time span: 2025-09-28T00:00:00+00:00 .. 2025-09-28T00:01:40+00:00 (UTC)"));
    assert!(out.stdout.contains("calls: 1; queue entries: 1;"));
}
