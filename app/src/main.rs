//! The `gridbook` binary; everything is in the library (`gridbook::main`).

fn main() -> std::process::ExitCode {
    gridbook::main()
}
