//! `make generate`: writes the generated regions of the Python and JavaScript sources (see `meetergo_bind::generate`).
//! With `--check`, writes nothing and fails when a region is out of date.

use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = meetergo_bind::generate::root();
    let mut stale = Vec::new();
    for region in meetergo_bind::generate::regions() {
        let path = root.join(region.file);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        };
        let Some(updated) = meetergo_bind::generate::apply(&text, &region) else {
            eprintln!("{}: no <generated:{}> markers", region.file, region.name);
            return ExitCode::FAILURE;
        };
        if updated != text {
            stale.push(format!("{} <generated:{}>", region.file, region.name));
            if !check {
                if let Err(e) = std::fs::write(&path, updated) {
                    eprintln!("{}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    for s in &stale {
        println!("{} {s}", if check { "out of date:" } else { "wrote" });
    }
    if check && !stale.is_empty() {
        eprintln!("run `make generate`");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
