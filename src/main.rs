use std::io::IsTerminal;

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // JSON lines for log collectors; readable text when a person watches.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(rinasce::logging::Masking(std::io::stderr));
    if std::io::stderr().is_terminal() {
        builder.init();
    } else {
        builder.json().flatten_event(true).init();
    }
    match rinasce::cli::run(rinasce::cli::Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("rinasce: {error}");
            match error.downcast_ref::<rinasce::cli::CountersDiffer>() {
                Some(_) => rinasce::cli::CountersDiffer::EXIT_STATUS.into(),
                None => std::process::ExitCode::FAILURE,
            }
        }
    }
}
