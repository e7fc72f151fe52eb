use clap::Parser;

/// mimalloc: a request allocates and frees many small buffers (headers, the rendered page,
/// the compressor's state), and glibc's allocator spent about a sixth of a request's CPU
/// on them (docs/BENCHMARKS.md, finding 27).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = concord::cli::Cli::parse();
    match concord::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) if e.is::<concord::cli::Drift>() => {
            eprintln!("{e}");
            std::process::ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
