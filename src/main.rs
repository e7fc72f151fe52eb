use clap::Parser;

/// mimalloc: the app allocates and frees many small buffers per request (headers, the
/// rendered page, the compressor's state); glibc's allocator spent a sixth of a request's CPU.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = concord::cli::Cli::parse();
    match concord::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
