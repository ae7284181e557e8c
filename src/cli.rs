//! The `rinasce` command line (SPEC §8).

use clap::{Parser, Subcommand};

use crate::app::erasure;
use crate::app::sign_in::{self, LINK_MINUTES};
use crate::app::staff::{self, NewStaff};
use crate::app::AppError;
use crate::clock;
use crate::config::Config;
use crate::db::Db;
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
    /// Apply pending database migrations, index the contributions stored
    /// before near-duplicate search was indexed, and exit.
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
    /// Write the descriptive report of the contributions (HTML with SVG
    /// charts and CSV tables), as GET /api/v1/exports/report.
    Report(ReportArgs),
    /// Insert realistic synthetic contributions (demos and benchmarks).
    DemoData(DemoDataArgs),
    /// Check the indicator's running counters against a recount of the
    /// contributions, or rebuild them from it.
    Indicators(IndicatorsArgs),
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
    /// Print a single-use link to sign in to the console (valid 15 minutes)
    /// for an active account: how the first admin gets in.
    SignInLink {
        #[arg(long)]
        email: String,
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
            let db = prepare_database(&config)?;
            // What a server would otherwise do in the background.
            let mut next_report = 100_000;
            crate::app::similarity::backfill_all(&db, |indexed| {
                if indexed >= next_report {
                    eprintln!("{indexed} contributions indexed for near-duplicate search");
                    next_report += 100_000;
                }
            })?;
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
        Command::Staff {
            command: StaffCommand::SignInLink { email },
        } => {
            let address = EmailAddress::parse(&email)
                .map_err(|_| format!("--email: {email:?} is not an e-mail address"))?;
            let config = Config::from_env()?;
            let db = prepare_database(&config)?;
            let link = sign_in::link_for(&db, &config.public_url, address)
                .await
                .map_err(|error| match error {
                    AppError::NotFound(_) => format!("no active staff account has e-mail {email}"),
                    other => other.to_string(),
                })?;
            println!("sign-in link for {email} (single use, valid {LINK_MINUTES} minutes):");
            println!("{link}");
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
        Command::Report(args) => report(args)?,
        Command::DemoData(args) => demo_data(args)?,
        Command::Indicators(args) => indicators(args).await?,
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
    #[command(flatten)]
    pub filters: FilterArgs,
}

/// `rinasce report`: the descriptive report as HTML.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// The HTML file to write.
    #[arg(long)]
    pub output: std::path::PathBuf,
    #[command(flatten)]
    pub filters: FilterArgs,
}

/// The moderation filters, as in the API.
#[derive(Debug, clap::Args)]
pub struct FilterArgs {
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

/// `rinasce indicators`: one of the two.
#[derive(Debug, clap::Args)]
#[group(required = true, multiple = false)]
pub struct IndicatorsArgs {
    /// Print every counter that differs from the recount; exit with status
    /// 3 when any does.
    #[arg(long)]
    pub verify: bool,
    /// Rebuild the counters from the recount (written to the audit log).
    #[arg(long)]
    pub repair: bool,
}

/// `rinasce indicators --verify` found counters that differ from the
/// contributions: the command exits with [`CountersDiffer::EXIT_STATUS`].
#[derive(Debug, thiserror::Error)]
#[error("{0} indicator counters differ from the contributions; `rinasce indicators --repair` rebuilds them")]
pub struct CountersDiffer(pub usize);

impl CountersDiffer {
    /// Apart from 1 (any other failure) and 2 (a wrong command line), so
    /// that a scheduled check can tell wrong counters from an unreachable
    /// database.
    pub const EXIT_STATUS: u8 = 3;
}

/// `rinasce demo-data`.
#[derive(Debug, clap::Args)]
pub struct DemoDataArgs {
    /// How many contributions to insert.
    #[arg(long, required_unless_present = "remove")]
    pub count: Option<u64>,
    /// Delete every demo contribution instead (real ones stay).
    #[arg(long, conflicts_with_all = ["count", "seed"])]
    pub remove: bool,
    /// Seed of the generator: the same seed gives the same data.
    #[arg(long, default_value_t = 2021)]
    pub seed: u64,
}

fn export(args: ExportArgs) -> Result<(), Box<dyn std::error::Error>> {
    use crate::exports::{self, ExportFormat, ExportRequest};

    let format = ExportFormat::parse(&args.format)
        .map_err(|_| "--format must be csv, xlsx, json, ndjson, qdpx or qdc")?;
    let config = Config::from_env()?;
    let db = prepare_database(&config)?;
    let filter = moderation_filter(args.filters, &db)?;
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

fn report(args: ReportArgs) -> Result<(), Box<dyn std::error::Error>> {
    use crate::exports::{self, ExportFormat, ExportRequest};

    let config = Config::from_env()?;
    let db = prepare_database(&config)?;
    let filter = moderation_filter(args.filters, &db)?;
    let request = ExportRequest::new(ExportFormat::Csv, filter, false);
    let key = config.pseudonym_key.as_deref();
    let now = clock::now();
    let rows = exports::run(&db, key, Actor::CommandLine, request, |db, export| {
        let file = std::fs::File::create(&args.output)?;
        export.write_report(db, now, std::io::BufWriter::new(file))
    })?;
    eprintln!(
        "report of {rows} contributions written to {}",
        args.output.display()
    );
    Ok(())
}

/// The filters of the command line, checked as the API checks them.
fn moderation_filter(
    args: FilterArgs,
    db: &Db,
) -> Result<crate::db::contributions::ModerationFilter, Box<dyn std::error::Error>> {
    use crate::app::moderation::filter::check_known;
    use crate::app::moderation::ModerationQuery;
    use crate::domain::FieldErrors;

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
    errors.finish(Some(())).map_err(option_failures)?;
    db.read_blocking(|conn| check_known(conn, &filter))
        .map_err(|error| match error {
            AppError::Invalid(invalid) => option_failures(invalid),
            other => other.to_string(),
        })?;
    Ok(filter)
}

/// Invalid options, each named as typed (`--thematic-area: …`).
fn option_failures(Invalid(failures): Invalid) -> String {
    failures
        .iter()
        .map(|f| {
            format!(
                "--{}: {}",
                f.field.replace('_', "-"),
                f.issue.message(crate::i18n::Language::En)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

async fn indicators(args: IndicatorsArgs) -> Result<(), Box<dyn std::error::Error>> {
    use crate::app::indicators::{repair_counters, verify_counters};
    use crate::domain::indicator_counts::Counter;

    let config = Config::from_env()?;
    let db = prepare_database(&config)?;
    let check = if args.repair {
        repair_counters(&db, Actor::CommandLine).await?
    } else {
        verify_counters(&db).await?
    };
    for difference in &check.differences {
        println!("{difference}");
    }
    let figures = format!(
        "{} form contributions, {} counted",
        check.recounted.get(&Counter::Received),
        check.recounted.get(&Counter::Counted)
    );
    match (args.repair, check.differences.len()) {
        (true, 0) => println!("indicator counters rebuilt ({figures}); none was wrong"),
        (true, wrong) => println!("indicator counters rebuilt ({figures}); {wrong} corrected"),
        (false, 0) => println!("indicator counters agree with the contributions ({figures})"),
        (false, wrong) => return Err(CountersDiffer(wrong).into()),
    }
    Ok(())
}

fn demo_data(args: DemoDataArgs) -> Result<(), Box<dyn std::error::Error>> {
    use crate::demo::{self, DemoOptions};

    let config = Config::from_env()?;
    let db = prepare_database(&config)?;
    let Some(count) = args.count.filter(|_| !args.remove) else {
        let removed = demo::remove(&db)?;
        println!("removed {removed} demo contributions");
        return Ok(());
    };
    let options = DemoOptions::window(
        count,
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
    db.refresh_statistics()?;
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
