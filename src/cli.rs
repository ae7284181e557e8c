//! The `rinasce` command line (SPEC §8).

use clap::{Parser, Subcommand};

use crate::accounts::{self, NewStaff, COMMAND_LINE_ACTOR};
use crate::clock;
use crate::config::Config;
use crate::domain::{EmailAddress, PersonName, Role};
use crate::error::ApiError;
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
    /// Manage staff accounts.
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Create an account; its token is printed once, alone on the last line.
    Add {
        /// moderator, researcher or admin.
        #[arg(long)]
        role: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
    },
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
            application.run().await?;
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            prepare_database(&config)?;
            println!("database up to date");
        }
        Command::Staff {
            command: StaffCommand::Add { role, email, name },
        } => {
            let new = NewStaff {
                role: Role::parse(&role)
                    .map_err(|_| "--role must be moderator, researcher or admin")?,
                email: EmailAddress::parse(&email)
                    .map_err(|_| format!("--email: {email:?} is not an e-mail address"))?,
                name: PersonName::parse(&name).map_err(|_| "--name must be 1–80 characters")?,
            };
            let config = Config::from_env()?;
            let db = prepare_database(&config)?;
            let (row, token) = db
                .write_blocking(|conn| {
                    accounts::create(conn, COMMAND_LINE_ACTOR, &new, clock::now().naive_utc())
                })
                .map_err(|error| match error {
                    ApiError::Validation(_) => {
                        format!("an account with e-mail {email} exists already")
                    }
                    other => other.to_string(),
                })?;
            println!(
                "created {} account {} for {} <{}>",
                row.role, row.id, row.name, row.email
            );
            println!("token (shown only now; keep it secret):");
            println!("{}", token.as_str());
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
