//! The command line as a stranger meets it: every `--help` with an example, exit codes at the
//! top, completions that load in bash, a manual page that renders.

use crate::harness::Env;

const COMMANDS: [&[&str]; 15] = [
    &["run"],
    &["backfill"],
    &["build"],
    &["query"],
    &["validate"],
    &["sample"],
    &["jobs"],
    &["jobs", "validate"],
    &["jobs", "next"],
    &["logs"],
    &["logs", "list"],
    &["logs", "delete"],
    &["completions"],
    &["man"],
    &[],
];

#[test]
fn every_help_has_an_example_and_the_top_level_the_exit_codes() {
    let env = Env::new();
    for cmd in COMMANDS {
        let mut args = cmd.to_vec();
        args.push("--help");
        let out = env.run(&args);
        out.assert_success();
        assert!(
            out.stdout.contains("Example") || out.stdout.contains("Quick start"),
            "{cmd:?}"
        );
    }
    let top = env.run(&["--help"]);
    for code in [
        "0  success",
        "1  bad data",
        "2  bad usage",
        "3  the output directory is in use",
    ] {
        assert!(top.stdout.contains(code), "{code}");
    }
    let build = env.run(&["build", "--help"]);
    assert!(build
        .stdout
        .contains("Usage: pbx-report build --type TYPE --data DIR --from T --to T"));
    for kind in crate::build::TYPES {
        assert!(build.stdout.contains(kind), "build --help lists {kind}");
    }
    let run = env.run(&["run", "--help"]);
    assert!(run
        .stdout
        .contains("RFC 3339 with an offset (2025-11-05T06:00:00-05:00)"));
}

#[test]
fn completions_load_and_the_manual_renders() {
    let env = Env::new();
    let out = env.run(&["completions", "bash"]);
    out.assert_success();
    env.write("c.bash", &out.stdout);
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(env.path().join("c.bash"))
        .status()
        .unwrap();
    assert!(checked.success(), "bash -n");
    let man = env.run(&["man"]);
    man.assert_success();
    assert!(
        man.stdout.starts_with(".ie") || man.stdout.contains(".TH"),
        "roff"
    );
    env.write("pbx-report.1", &man.stdout);
    match std::process::Command::new("groff")
        .args(["-man", "-Tutf8"])
        .arg(env.path().join("pbx-report.1"))
        .output()
    {
        Ok(o) => {
            assert!(o.status.success());
            let text = String::from_utf8_lossy(&o.stdout);
            assert!(text.contains("pbx-report"), "{text}");
        }
        Err(_) => eprintln!("skipped: groff is not installed"),
    }
}

/// The fenced block of `docs/scheduling.md` that starts with "```<lang>".
fn block(doc: &str, lang: &str) -> String {
    let start = doc.find(&format!("```{lang}\n")).unwrap() + lang.len() + 4;
    doc[start..start + doc[start..].find("```").unwrap()].to_string()
}

/// The crontab line and the CronJob's arguments run as written (paths mapped to the sample and
/// a scratch directory, "now" pinned); the systemd units pass `systemd-analyze verify`.
#[test]
fn scheduling_examples_run_as_written() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/scheduling.md"))
        .unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let map = |s: &str| {
        s.replace(
            "/etc/pbx-report/jobs.toml",
            &format!("{root}/samples/jobs.toml"),
        )
        .replace("/config/jobs.toml", &format!("{root}/samples/jobs.toml"))
        .replace("/var/lib/pbx/export", &format!("{root}/samples/data"))
        .replace("\"/data\"", &format!("\"{root}/samples/data\""))
        .replace("/srv/reports", "out")
        .replace("\"/reports\"", "\"out\"")
    };
    let cron = block(&doc, "crontab");
    let line = cron
        .lines()
        .find(|l| !l.starts_with('#') && !l.is_empty())
        .unwrap();
    let words: Vec<String> = map(line)
        .split_whitespace()
        .skip(5)
        .map(String::from)
        .collect();
    assert_eq!(words[0], "pbx-report");
    let yaml = block(&doc, "yaml");
    let args_line = yaml
        .lines()
        .find(|l| l.trim_start().starts_with("args:"))
        .unwrap();
    let inner = map(args_line);
    let inner = &inner[inner.find('[').unwrap() + 1..inner.rfind(']').unwrap()];
    let k8s: Vec<String> = inner
        .split(", ")
        .map(|a| a.trim_matches('"').to_string())
        .collect();
    for args in [words[1..].to_vec(), k8s] {
        let env = Env::new();
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--now", "2025-11-05T06:00:00-05:00"]);
        let out = env.run(&args);
        out.assert_success();
        let wrote = out
            .stdout
            .lines()
            .filter(|l| l.starts_with("wrote "))
            .count();
        assert_eq!(wrote, 14, "{args:?}: {}", out.stdout);
    }
    if std::process::Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: systemd-analyze is not installed");
        return;
    }
    let env = Env::new();
    let ini: Vec<&str> = doc
        .split("```ini\n")
        .skip(1)
        .map(|b| &b[..b.find("```").unwrap()])
        .collect();
    let service = ini[0]
        .replace(
            "/usr/local/bin/pbx-report",
            env!("CARGO_BIN_EXE_pbx-report"),
        )
        .replace("User=pbx-report\n", "");
    env.write("pbx-report.service", service);
    env.write("pbx-report.timer", ini[1]);
    let out = std::process::Command::new("systemd-analyze")
        .arg("verify")
        .arg(env.path().join("pbx-report.service"))
        .arg(env.path().join("pbx-report.timer"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// On a terminal (a pseudo-terminal made by `script`) a run shows its progress; without one,
/// stderr has no bar and ends with one summary line.
#[test]
fn progress_on_a_terminal_only() {
    let env = Env::new();
    let jobs = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/jobs.toml");
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/data");
    let piped = env.run(&[
        "run",
        "--jobs",
        jobs,
        "--data",
        data,
        "--out",
        "a",
        "--now",
        "2025-11-05T06:00:00-05:00",
    ]);
    piped.assert_success();
    assert!(
        !piped.stderr.contains('\u{1b}') && !piped.stderr.contains("reading"),
        "{}",
        piped.stderr
    );
    assert_eq!(
        piped
            .stderr
            .lines()
            .filter(|l| l.contains(" written, "))
            .count(),
        1
    );
    let command = format!(
        "{} run --jobs {jobs} --data {data} --out b --now 2025-11-05T06:00:00-05:00",
        env!("CARGO_BIN_EXE_pbx-report")
    );
    let typescript = env.path().join("typescript");
    let made = std::process::Command::new("script")
        .current_dir(env.path())
        .env("TERM", "xterm")
        .args(["-q", "-e", "-c", &command])
        .arg(&typescript)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: `script` (util-linux) could not make a pseudo-terminal");
        return;
    }
    let seen = String::from_utf8_lossy(&std::fs::read(&typescript).unwrap()).into_owned();
    assert!(seen.contains("reading 0.7 MB of data"), "{seen}");
    assert!(
        seen.contains(" written, 1 deferred, 0 failed in "),
        "{seen}"
    );
}

/// `--warnings json`: every diagnostic line a JSON object a wrapper can read.
#[test]
fn warnings_as_json_lines() {
    let env = Env::new();
    let jobs = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/jobs.toml");
    let data = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/data");
    let out = env.run(&[
        "run",
        "--jobs",
        jobs,
        "--data",
        data,
        "--out",
        "a",
        "--now",
        "2025-11-05T06:00:00-05:00",
        "--warnings",
        "json",
    ]);
    out.assert_success();
    let levels: Vec<String> = out
        .stderr
        .lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"));
            assert!(v["message"].is_string(), "{l}");
            v["level"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(
        levels.iter().filter(|l| *l == "warning").count(),
        5,
        "{levels:?}"
    );
    assert_eq!(levels.iter().filter(|l| *l == "deferred").count(), 1);
    assert_eq!(levels.last().map(String::as_str), Some("summary"));
    let bad = env.run(&["validate", "--data", "nowhere", "--warnings", "json"]);
    assert_eq!(bad.code, 1);
    let v: serde_json::Value = serde_json::from_str(bad.stderr.trim()).unwrap();
    assert_eq!(v["level"], "error");
}
