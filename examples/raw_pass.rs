//! The benchmark's baseline: read every CDR file of a dataset with one reused `csv::ByteRecord`
//! (decompressing `.gz`) and nothing else. Prints the number of records.
//!
//!     cargo run --release --example raw_pass -- DATASET_DIR

use std::process::ExitCode;

use pbx_report::input::source::table_files;
use pbx_report::model::quality::Quality;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: raw_pass DATASET_DIR");
        return ExitCode::from(2);
    };
    let files = match table_files(dir.as_ref(), "cdr", &mut Quality::default()) {
        Ok(Some(f)) => f,
        Ok(None) => {
            eprintln!("error: no cdr table in {}", dir.to_string_lossy());
            return ExitCode::from(1);
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let mut records = 0u64;
    let mut rec = csv::ByteRecord::new();
    for f in &files {
        let reader = match f.open() {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(1);
            }
        };
        let mut rdr = csv::Reader::from_reader(reader);
        loop {
            match rdr.read_byte_record(&mut rec) {
                Ok(true) => records += 1,
                Ok(false) => break,
                Err(e) => {
                    eprintln!("error: {}: {e}", f.path.display());
                    return ExitCode::from(1);
                }
            }
        }
    }
    println!("{records}");
    ExitCode::SUCCESS
}
