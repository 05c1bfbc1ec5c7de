use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = loadgen::cli::Cli::parse();
    std::process::exit(loadgen::cli::main_with(cli).await);
}
