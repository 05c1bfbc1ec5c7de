use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match costcalc::cli::parse(std::env::args_os()) {
        Ok(c) => c,
        Err(e) => {
            // --help and --version exit 0; usage errors name the flag and exit 2.
            let _ = e.print();
            return ExitCode::from(e.exit_code() as u8);
        }
    };
    match costcalc::cli::run(cli) {
        Ok(text) => {
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
