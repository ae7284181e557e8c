//! The `rinasce` command line (SPEC §8).

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::http;
use crate::startup::{prepare_database, Application};

#[derive(Debug, Parser)]
#[command(
    name = "rinasce",
    version,
    about = "Contributi a «Rinasce Firenze»: servizio e strumenti"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Print the OpenAPI document the server serves.
    Openapi,
}

/// Runs a command; the error is what the user is shown.
pub async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let config = Config::from_env()?;
            let application = Application::build(config.clone())?;
            tracing::info!(
                address = %config.bind,
                docs = %format!("{}/docs/", config.public_url),
                "rinasce listening"
            );
            application.server.await?;
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            prepare_database(&config)?;
            println!("database up to date");
        }
        Command::Openapi => {
            print!(
                "{}",
                http::openapi::to_pretty_json(&http::openapi_document())
            );
        }
    }
    Ok(())
}
