use clap::Parser;

// glibc malloc showed up as a quarter of loadgen's CPU at high rates (and its arena locks as
// contention); mimalloc makes the per-request allocations of reqwest and goose cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    let cli = loadgen::cli::Cli::parse();
    std::process::exit(loadgen::cli::main_with(cli).await);
}
