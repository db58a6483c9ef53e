//! The `a2psim` binary: the library's command line.

fn main() -> std::process::ExitCode {
    a2psim::cli::main()
}
