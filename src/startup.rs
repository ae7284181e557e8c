//! Starting the service: database, migrations, seed, HTTP server.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{web, HttpServer};

use crate::app::erasure::RetentionTask;
use crate::app::similarity::SimilarityBackfill;
use crate::config::Config;
use crate::db::{thematic_areas, Db};
use crate::http::{self, AppState};
use crate::mail::transport::Transport;
use crate::mail::worker::{MailWorker, WorkerSettings};
use crate::mail::MailContext;

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot prepare the database: {0}")]
    Database(String),
    #[error("{0}")]
    Mail(String),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: String,
        source: std::io::Error,
    },
}

/// Waits for SIGTERM or SIGINT. Handled here rather than by actix, so that
/// the order of shutdown (server, then mail worker) is ours.
async fn shutdown_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut interrupt)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot listen for SIGTERM and SIGINT");
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = interrupt.recv() => "SIGINT",
    }
}

/// Every file the process creates from now on — the SQLite database, its
/// WAL and shared-memory files, the `.eml` files of the file transport, the
/// exports of the command line — is readable by its owner only (0600;
/// directories 0700): they hold names and e-mail addresses.
pub fn restrict_new_files() {
    // SAFETY: umask(2) only replaces the process's file-mode creation mask;
    // it has no failure mode and touches no memory.
    unsafe {
        libc::umask(0o077);
    }
}

/// Opens the database, applies migrations and seeds the thematic areas.
pub fn prepare_database(config: &Config) -> Result<Db, StartupError> {
    restrict_new_files();
    let db = Db::connect(&config.database_url, config.db_pool_size);
    let applied = db
        .migrate()
        .map_err(|e| StartupError::Database(e.to_string()))?;
    for version in applied {
        tracing::info!(%version, "migration applied");
    }
    // A demo load that died left the near-duplicate index without its key.
    if db
        .write_blocking(crate::db::bulk_load::restore_similarity_key)
        .map_err(|e| StartupError::Database(e.to_string()))?
    {
        tracing::info!("near-duplicate index key built again after an interrupted load");
    }
    let filled = db
        .write_blocking(|conn| {
            Ok::<_, crate::db::DbError>(
                crate::db::contributions::backfill_normalised_emails(conn)?
                    + crate::db::outbox::backfill_normalised_recipients(conn)?,
            )
        })
        .map_err(|e| StartupError::Database(e.to_string()))?;
    if filled > 0 {
        tracing::info!(filled, "normalised addresses filled");
    }
    fill_search_terms(&db)?;
    db.refresh_statistics()
        .map_err(|e| StartupError::Database(e.to_string()))?;
    let seeded = db
        .write_blocking(thematic_areas::seed)
        .map_err(|e| StartupError::Database(e.to_string()))?;
    if seeded > 0 {
        tracing::info!(seeded, "thematic areas seeded");
    }
    Ok(db)
}

/// Writes the search terms of the rows stored before full-text search, a
/// batch per transaction, so that a long fill keeps what it did.
fn fill_search_terms(db: &Db) -> Result<(), StartupError> {
    let mut filled = 0;
    loop {
        let batch = db
            .write_blocking(crate::db::contributions::fill_search_terms)
            .map_err(|e: crate::db::DbError| StartupError::Database(e.to_string()))?;
        if batch == 0 {
            break;
        }
        filled += batch;
        tracing::info!(filled, "search terms written");
    }
    Ok(())
}

/// A bound server and its mail worker, not yet running.
pub struct Application {
    pub port: u16,
    server: Server,
    worker: Option<MailWorker>,
    retention: Option<RetentionTask>,
    backfill: SimilarityBackfill,
}

impl Application {
    /// Prepares the database and binds the listener (port 0 picks a free one).
    /// Must be called inside the actix runtime: the mail worker starts here.
    pub fn build(config: Config) -> Result<Application, StartupError> {
        let db = prepare_database(&config)?;
        let mail = MailContext::from_config(&config);
        let transport = Transport::from_config(&config.mail).map_err(StartupError::Mail)?;
        let worker = (mail.enabled && config.mail_worker).then(|| {
            MailWorker::spawn(
                db.clone(),
                transport,
                mail.clone(),
                WorkerSettings::from_config(&config),
            )
        });
        let listener = TcpListener::bind(config.bind).map_err(|source| StartupError::Bind {
            address: config.bind.to_string(),
            source,
        })?;
        let port = listener.local_addr().map(|a| a.port()).unwrap_or(0);
        let retention = config.retention_days.map(|days| {
            let mail_files = crate::mail::files::directory(&config.mail).map(Into::into);
            RetentionTask::spawn(db.clone(), days, mail_files)
        });
        let backfill = SimilarityBackfill::spawn(db.clone());
        let state = web::Data::new(AppState::new(db, config));
        let server = HttpServer::new(move || http::application(state.clone()))
            .listen(listener)
            .map_err(|source| StartupError::Bind {
                address: format!("port {port}"),
                source,
            })?
            .shutdown_timeout(30)
            .disable_signals()
            .run();
        Ok(Application {
            port,
            server,
            worker,
            retention,
            backfill,
        })
    }

    /// Serves until SIGTERM or SIGINT: actix stops accepting, finishes the
    /// requests in flight, then the mail worker finishes its message.
    pub async fn run(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        let mut server = self.server;
        let served = tokio::select! {
            served = &mut server => served,
            signal = shutdown_signal() => {
                tracing::info!(%signal, "shutting down: finishing requests in flight");
                // The command is sent at once; the server future, polled
                // below, carries it out (awaiting `stop` alone would wait
                // for a server nobody polls).
                let stopped = handle.stop(true);
                let served = server.await;
                stopped.await;
                served
            }
        };
        if let Some(worker) = self.worker {
            worker.stop().await;
        }
        if let Some(retention) = self.retention {
            retention.stop().await;
        }
        self.backfill.stop().await;
        served
    }
}
