//! The `rinasce` command line (SPEC §8).

use clap::{Parser, Subcommand};

use crate::app::erasure;
use crate::app::staff::{self, NewStaff};
use crate::app::AppError;
use crate::clock;
use crate::config::Config;
use crate::domain::{Actor, EmailAddress, Invalid, PersonName, Role};
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
    /// Erase a person's name and e-mail from every contribution they sent
    /// (GDPR art. 17) and cancel e-mails queued to them.
    Erase {
        #[arg(long)]
        email: String,
    },
    /// Export the contributions for research: the same files as
    /// GET /api/v1/exports/contributions, to --output or standard output.
    Export(ExportArgs),
    /// Insert realistic synthetic contributions (demos and benchmarks).
    DemoData(DemoDataArgs),
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
    crate::startup::restrict_new_files();
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
            let (row, token) =
                staff::create(&db, Actor::CommandLine, new)
                    .await
                    .map_err(|error| match error {
                        AppError::Invalid(_) => {
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
        Command::Erase { email } => {
            let address = EmailAddress::parse(&email)
                .map_err(|_| format!("--email: {email:?} is not an e-mail address"))?;
            let config = Config::from_env()?;
            let db = prepare_database(&config)?;
            let mail_files = crate::mail::files::directory(&config.mail);
            let report = erasure::erase_email(&db, Actor::CommandLine, address, mail_files).await?;
            println!(
                "erased: {} contributions, {} queued e-mails cancelled",
                report.contributions_affected, report.emails_cancelled
            );
        }
        Command::Export(args) => export(args)?,
        Command::DemoData(args) => demo_data(args)?,
        Command::Openapi => {
            print!(
                "{}",
                http::openapi::to_pretty_json(&http::openapi_document())
            );
        }
    }
    Ok(())
}

/// `rinasce export`: the moderation filters, as in the API.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// csv, xlsx, json, ndjson, qdpx (REFI-QDA project) or qdc (REFI-QDA codebook).
    #[arg(long)]
    pub format: String,
    /// File to write; standard output when absent.
    #[arg(long)]
    pub output: Option<std::path::PathBuf>,
    /// Add given_name, family_name and email (written to the audit log).
    #[arg(long)]
    pub include_personal_data: bool,
    /// Only these statuses, comma-separated (default: every status but spam and hidden).
    #[arg(long)]
    pub status: Option<String>,
    #[arg(long)]
    pub thematic_area: Option<String>,
    #[arg(long)]
    pub tag: Option<String>,
    #[arg(long)]
    pub quartiere: Option<String>,
    #[arg(long)]
    pub channel: Option<String>,
    #[arg(long)]
    pub author_kind: Option<String>,
    /// Words of the title or text, or a reference such as RF-000042.
    #[arg(long)]
    pub q: Option<String>,
    /// Received at or after this time (RFC 3339).
    #[arg(long)]
    pub received_from: Option<String>,
    /// Received before this time (RFC 3339).
    #[arg(long)]
    pub received_to: Option<String>,
}

/// `rinasce demo-data`.
#[derive(Debug, clap::Args)]
pub struct DemoDataArgs {
    /// How many contributions to insert.
    #[arg(long)]
    pub count: u64,
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 2021)]
    pub seed: u64,
}

fn export(args: ExportArgs) -> Result<(), Box<dyn std::error::Error>> {
    use crate::app::moderation::ModerationQuery;
    use crate::domain::FieldErrors;
    use crate::exports::{self, ExportFormat, ExportRequest};

    let format = ExportFormat::parse(&args.format)
        .map_err(|_| "--format must be csv, xlsx, json, ndjson, qdpx or qdc")?;
    let query = ModerationQuery {
        status: args.status,
        thematic_area: args.thematic_area,
        tag: args.tag,
        quartiere: args.quartiere,
        channel: args.channel,
        author_kind: args.author_kind,
        q: args.q,
        received_from: args.received_from,
        received_to: args.received_to,
        ..ModerationQuery::default()
    };
    let mut errors = FieldErrors::default();
    let filter = query.filter(&mut errors);
    if let Err(Invalid(failures)) = errors.finish(Some(())) {
        let messages: Vec<String> = failures
            .iter()
            .map(|f| {
                format!(
                    "--{}: {}",
                    f.field.replace('_', "-"),
                    f.issue.message(crate::i18n::Language::En)
                )
            })
            .collect();
        return Err(messages.join("; ").into());
    }
    let config = Config::from_env()?;
    let db = prepare_database(&config)?;
    let request = ExportRequest::new(format, filter, args.include_personal_data);
    let key = config.pseudonym_key.as_deref();
    let rows = exports::run(
        &db,
        key,
        Actor::CommandLine,
        request,
        |db, export| match &args.output {
            Some(path) => export.write_file(db, path),
            None => export.write(db, std::io::stdout().lock()),
        },
    )?;
    let target = args
        .output
        .as_ref()
        .map_or("standard output".to_owned(), |p| p.display().to_string());
    eprintln!("exported {rows} contributions to {target}");
    Ok(())
}

fn demo_data(args: DemoDataArgs) -> Result<(), Box<dyn std::error::Error>> {
    use crate::demo::{self, DemoOptions};

    let config = Config::from_env()?;
    let db = prepare_database(&config)?;
    let options = DemoOptions::window(
        args.count,
        args.seed,
        config.opens_at.map(|t| t.naive_utc()),
        config.closes_at.map(|t| t.naive_utc()),
        clock::now().naive_utc(),
    );
    let started = std::time::Instant::now();
    let mut next_report = 100_000;
    let summary = demo::generate(&db, &options, |done| {
        if done >= next_report {
            eprintln!("{done} contributions inserted");
            next_report += 100_000;
        }
    })?;
    println!(
        "inserted {} demo contributions by about {} authors, received {} – {}, in {:.1} s",
        summary.inserted,
        summary.authors,
        options.from.format("%Y-%m-%d"),
        options.to.format("%Y-%m-%d"),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
