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
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                // A reader that stopped early (`| head`) got what it wanted.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                // A full disk or /dev/full: the report was not written, and a script must know.
                Err(e) => {
                    eprintln!("error: cannot write the output to standard output: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
