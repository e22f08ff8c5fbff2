//! The benchmark's baselines: read every CDR file of a dataset with one reused `csv::ByteRecord`
//! (decompressing `.gz`) and nothing else; or, with `--copy OUT`, also write every record back
//! out with a `csv::Writer` (one plain file per input file in OUT). The copy is a floor for any
//! run that writes CALLLOGS, a report about as large as the CDR it reads. Prints the number of
//! records.
//!
//!     cargo run --release --example raw_pass -- DATASET_DIR [--copy OUT_DIR]

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use pbx_report::input::source::table_files;
use pbx_report::model::quality::Quality;

fn main() -> ExitCode {
    let args: Vec<_> = std::env::args_os().skip(1).collect();
    let (dir, copy) = match args.as_slice() {
        [dir] => (dir, None),
        [dir, flag, out] if flag == "--copy" => (dir, Some(PathBuf::from(out))),
        _ => {
            eprintln!("usage: raw_pass DATASET_DIR [--copy OUT_DIR]");
            return ExitCode::from(2);
        }
    };
    match pass(dir.as_ref(), copy.as_deref()) {
        Ok(records) => {
            println!("{records}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Reads (and copies, given a directory) every CDR record; the number of records.
fn pass(dir: &Path, copy: Option<&Path>) -> Result<u64, String> {
    let files = table_files(dir, "cdr", &mut Quality::default())
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no cdr table in {}", dir.display()))?;
    if let Some(out) = copy {
        std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let mut records = 0u64;
    let mut rec = csv::ByteRecord::new();
    for (i, f) in files.iter().enumerate() {
        let mut rdr = csv::Reader::from_reader(f.open().map_err(|e| e.to_string())?);
        let mut wtr = match copy {
            Some(out) => Some(writer(&out.join(format!("{i}.csv")))?),
            None => None,
        };
        let failed = |e: &dyn std::fmt::Display| format!("{}: {e}", f.path.display());
        while rdr.read_byte_record(&mut rec).map_err(|e| failed(&e))? {
            records += 1;
            if let Some(w) = wtr.as_mut() {
                w.write_byte_record(&rec).map_err(|e| failed(&e))?;
            }
        }
        if let Some(mut w) = wtr {
            w.flush().map_err(|e| failed(&e))?;
        }
    }
    Ok(records)
}

fn writer(path: &Path) -> Result<csv::Writer<BufWriter<File>>, String> {
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(csv::Writer::from_writer(BufWriter::with_capacity(
        64 * 1024,
        file,
    )))
}
