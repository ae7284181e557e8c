//! The connection type, the pool and the two ways of running queries
//! (`Db::read`, `Db::write`) that every caller goes through.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Runs the same diesel statement on the backend's own connection, for the
/// statements the multi-backend connection cannot run itself (multi-row
/// inserts, `ON CONFLICT`).
macro_rules! on_backend {
    ($conn:expr, |$backend:ident| $statement:expr) => {
        match $conn {
            $crate::db::DbConnection::Pg($backend) => $statement,
            $crate::db::DbConnection::Sqlite($backend) => $statement,
        }
    };
}
pub(crate) use on_backend;

/// A connection to either backend; query code is written once against it.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    /// PostgreSQL for a libpq connection string (URI or keyword form, see
    /// `postgres_url`), SQLite for anything else: a file path.
    pub fn from_url(url: &str) -> Backend {
        if super::postgres_url::is_postgres(url) {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Parts of libpq's and PostgreSQL's messages that mean the connection is
/// gone or the server will not take this work now (shutting down, in
/// recovery), as opposed to a query that failed on a live connection.
/// Diesel classifies some of these itself, not all: for instance it keeps
/// "terminating connection due to administrator command" (57P01) as
/// unknown, and a failed `ROLLBACK` on a dead socket has no SQLSTATE.
const LOST_CONNECTION_MESSAGES: [&str; 10] = [
    "terminating connection",
    "server closed the connection",
    "no connection to the server",
    "could not receive data from server",
    "could not send data to server",
    "connection to server",
    "the database system is",
    "SSL connection has been closed",
    "SSL SYSCALL error",
    // SQLite: another process holds the write lock longer than busy_timeout.
    "database is locked",
];

/// True when `error` means that the database could not be reached or has
/// gone away, or that the server refuses writes (a standby): the request
/// may succeed once the database is back or a standby is promoted.
fn is_lost_connection(error: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind as Kind, Error};
    match error {
        Error::DatabaseError(
            Kind::ClosedConnection | Kind::UnableToSendCommand | Kind::ReadOnlyTransaction,
            _,
        ) => true,
        Error::DatabaseError(_, info) => LOST_CONNECTION_MESSAGES
            .iter()
            .any(|part| info.message().contains(part)),
        // A commit that failed on a dead connection, then its rollback.
        Error::RollbackErrorOnCommit {
            rollback_error,
            commit_error,
        } => is_lost_connection(commit_error) || is_lost_connection(rollback_error),
        // A connection whose earlier failure left it unusable.
        Error::BrokenTransactionManager => true,
        _ => false,
    }
}

/// Why a database call did not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be had in time: the database is down or overloaded.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// A stored row holds a value its type does not allow.
    #[error("{row}: {problem}")]
    StoredValue { row: String, problem: String },
}

impl DbError {
    /// True when a unique constraint refused the write: a concurrent request
    /// created the same thing first.
    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }

    /// A row refers to one that a concurrent transaction deleted (a tag
    /// added while it was renamed away).
    pub fn is_foreign_key_violation(&self) -> bool {
        matches!(
            self,
            DbError::Query(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _
            ))
        )
    }

    /// True when the error means the server could not reach the database
    /// or a server that takes writes, as opposed to a query that failed on a
    /// live connection.
    pub fn is_unavailable(&self) -> bool {
        match self {
            DbError::Unavailable(_) => true,
            DbError::Query(error) => is_lost_connection(error),
            DbError::StoredValue { .. } => false,
        }
    }
}

/// A pooled connection and what the pool needs to know about it: when it
/// was last used, and whether it failed in a way that may mean the server
/// dropped it.
pub struct PooledDbConnection {
    conn: DbConnection,
    last_used: Instant,
    suspect: bool,
}

/// A connection idle for longer than this is checked before use: the
/// database may have restarted meanwhile. Busy connections skip the round
/// trip, which on a loaded server would cost as much as a query.
const CHECK_IDLE_AFTER: Duration = Duration::from_secs(2);

/// Opens connections for r2d2, choosing the backend from the URL itself so
/// that a failure says what happened (diesel's derived `establish` reports
/// "Invalid connection url" when PostgreSQL is merely down).
#[derive(Debug)]
pub struct ConnectionManager {
    url: String,
    backend: Backend,
}

impl ManageConnection for ConnectionManager {
    type Connection = PooledDbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<PooledDbConnection, Self::Error> {
        let conn = self.open()?;
        Ok(PooledDbConnection {
            conn,
            last_used: Instant::now(),
            suspect: false,
        })
    }

    fn is_valid(&self, pooled: &mut PooledDbConnection) -> Result<(), Self::Error> {
        check(&mut pooled.conn).map_err(diesel::r2d2::Error::QueryError)
    }

    /// Called when a connection goes back to the pool: one left inside a
    /// transaction, or that failed and no longer answers, is dropped.
    fn has_broken(&self, pooled: &mut PooledDbConnection) -> bool {
        diesel::r2d2::R2D2Connection::is_broken(&mut pooled.conn)
            || (pooled.suspect && self.is_valid(pooled).is_err())
    }
}

impl ConnectionManager {
    fn open(&self) -> Result<DbConnection, diesel::r2d2::Error> {
        match self.backend {
            Backend::Postgres => {
                let mut conn = PgConnection::establish(&self.url)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                ensure_writable(&mut conn).map_err(diesel::r2d2::Error::QueryError)?;
                // Every request reads a page or writes a few rows; parallel
                // workers only make a page's walk read ahead of what it
                // shows (twice the rows, at a million contributions), and
                // take the cores concurrent requests need.
                conn.batch_execute("SET max_parallel_workers_per_gather = 0")
                    .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Pg(conn))
            }
            Backend::Sqlite => {
                let path = self.url.strip_prefix("sqlite://").unwrap_or(&self.url);
                let mut conn = SqliteConnection::establish(path)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                // busy_timeout first: switching to WAL can itself wait on a lock.
                // synchronous=FULL: a 201 means the row is on disk, even after
                // a power cut, not only after the process dies. secure_delete:
                // what erasure removes is overwritten with zeros, not left in
                // free pages for a file reader to find.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000;
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = FULL;
                     PRAGMA secure_delete = ON;
                     PRAGMA foreign_keys = ON;",
                )
                .map_err(diesel::r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Whether a connection still answers, and, on PostgreSQL, still reaches a
/// server that takes writes.
fn check(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    match conn {
        DbConnection::Pg(pg) => ensure_writable(pg),
        DbConnection::Sqlite(sqlite) => sqlite.batch_execute("SELECT 1"),
    }
}

/// Fails on a connection to a server that refuses writes: a standby, or a
/// server set read-only. The pool keeps only connections that can write,
/// so no write is ever sent to a standby, whatever the URL says (with
/// `target_session_attrs=read-write` libpq itself skips such a server).
fn ensure_writable(pg: &mut PgConnection) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    let writable: bool = diesel::select(diesel::dsl::sql::<diesel::sql_types::Bool>(
        "current_setting('transaction_read_only') = 'off'",
    ))
    .get_result(pg)?;
    if writable {
        Ok(())
    } else {
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::ReadOnlyTransaction,
            Box::new("the server does not take writes (a standby?)".to_owned()),
        ))
    }
}

/// Handle to the database shared by the HTTP handlers and the commands.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<ConnectionManager>,
    backend: Backend,
    /// SQLite has one writer at a time; taking turns in the process keeps
    /// deferred transactions from failing with SQLITE_BUSY on lock upgrade.
    sqlite_writer: Arc<Mutex<()>>,
}

impl Db {
    /// Builds the pool without requiring the database to be up: the service
    /// starts, answers 503 and recovers once the database comes back.
    pub fn connect(url: &str, pool_size: u32) -> Db {
        let backend = Backend::from_url(url);
        let manager = ConnectionManager {
            url: url.to_owned(),
            backend,
        };
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(0))
            // Short, so that requests fail fast with 503 while the database is down.
            .connection_timeout(Duration::from_secs(3))
            // Checked in `checkout` only when idle for a while, see CHECK_IDLE_AFTER.
            .test_on_check_out(false)
            .build_unchecked(manager);
        Db {
            pool,
            backend,
            sqlite_writer: Arc::new(Mutex::new(())),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A working connection: an idle one that no longer answers (say, after
    /// a database restart) is dropped and the next one tried.
    fn checkout(&self) -> Result<r2d2::PooledConnection<ConnectionManager>, DbError> {
        for _ in 0..=self.pool.max_size() {
            let mut pooled = self
                .pool
                .get()
                .map_err(|error| DbError::Unavailable(error.to_string()))?;
            if pooled.last_used.elapsed() < CHECK_IDLE_AFTER || check(&mut pooled.conn).is_ok() {
                return Ok(pooled);
            }
            pooled.suspect = true;
        }
        Err(DbError::Unavailable(
            "no pooled connection answers".to_owned(),
        ))
    }

    /// Runs `work` on a checked-out connection; a failure marks it suspect,
    /// so the pool checks it before taking it back.
    fn with_connection<T, E>(
        &self,
        work: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<DbError>,
    {
        let mut pooled = self.checkout()?;
        let result = work(&mut pooled.conn);
        pooled.last_used = Instant::now();
        pooled.suspect = result.is_err();
        result
    }

    /// Runs read-only work on a blocking thread.
    pub async fn read<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let db = self.clone();
        run_blocking(move || db.read_blocking(work)).await
    }

    /// Runs work in one transaction on a blocking thread; it commits when the
    /// work returns `Ok` and rolls back otherwise.
    pub async fn write<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        let db = self.clone();
        run_blocking(move || db.write_blocking(work)).await
    }

    pub fn read_blocking<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<DbError>,
    {
        self.with_connection(work)
    }

    pub fn write_blocking<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E>,
        E: From<DbError> + From<diesel::result::Error>,
    {
        self.with_connection(|conn| {
            let _turn = match self.backend {
                Backend::Sqlite => {
                    Some(self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner()))
                }
                Backend::Postgres => None,
            };
            match conn {
                DbConnection::Pg(_) => conn.transaction(work),
                DbConnection::Sqlite(_) => immediate_transaction(conn, work),
            }
        })
    }

    /// Runs read-only work in one transaction that sees one snapshot of the
    /// database throughout (PostgreSQL's REPEATABLE READ; a SQLite read
    /// transaction in WAL mode), so that two reads agree with each other.
    pub async fn read_snapshot<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + From<diesel::result::Error> + Send + 'static,
    {
        let db = self.clone();
        run_blocking(move || {
            db.with_connection(|conn| {
                conn.transaction(|conn| {
                    if let DbConnection::Pg(pg) = conn {
                        pg.batch_execute(
                            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY",
                        )?;
                    }
                    work(conn)
                })
            })
        })
        .await
    }

    /// Applies the pending migrations of this backend.
    pub fn migrate(&self) -> Result<Vec<String>, Box<dyn std::error::Error + Send + Sync>> {
        let mut pooled = self.checkout()?;
        let applied = match &mut pooled.conn {
            DbConnection::Pg(pg) => pg.run_pending_migrations(POSTGRES_MIGRATIONS)?,
            DbConnection::Sqlite(sqlite) => sqlite.run_pending_migrations(SQLITE_MIGRATIONS)?,
        };
        Ok(applied.iter().map(|version| version.to_string()).collect())
    }

    /// Refreshes the query planner's statistics on SQLite, which keeps none
    /// by itself; without them it sorts a whole status rather than walk a
    /// list's order (seconds at a million rows). Sampled (`analysis_limit`),
    /// so it takes a moment at any size. PostgreSQL's autovacuum does this.
    pub fn refresh_statistics(&self) -> Result<(), DbError> {
        let mut pooled = self.checkout()?;
        if let DbConnection::Sqlite(sqlite) = &mut pooled.conn {
            sqlite.batch_execute("PRAGMA analysis_limit = 1000; ANALYZE;")?;
        }
        Ok(())
    }

    /// True when the database answers a trivial query.
    pub async fn ping(&self) -> bool {
        self.read(|conn| {
            conn.batch_execute("SELECT 1")?;
            Ok::<_, DbError>(())
        })
        .await
        .is_ok()
    }
}

/// SQLite transaction that takes the write lock at `BEGIN IMMEDIATE`: a
/// deferred one that reads first fails at once with SQLITE_BUSY, without
/// waiting, when another process writes meanwhile.
fn immediate_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<DbError> + From<diesel::result::Error>,
{
    fn inner(conn: &mut DbConnection) -> &mut SqliteConnection {
        match conn {
            DbConnection::Sqlite(sqlite) => sqlite,
            DbConnection::Pg(_) => unreachable!("called for SQLite connections only"),
        }
    }
    AnsiTransactionManager::begin_transaction_sql(inner(conn), "BEGIN IMMEDIATE")?;
    match work(conn) {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(inner(conn))?;
            Ok(value)
        }
        Err(error) => {
            // The work's error is what the caller needs; a failed rollback
            // leaves the connection broken, and r2d2 will replace it.
            let _ = AnsiTransactionManager::rollback_transaction(inner(conn));
            Err(error)
        }
    }
}

async fn run_blocking<T, E, F>(work: F) -> Result<T, E>
where
    F: FnOnce() -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + Send + 'static,
{
    match actix_web::rt::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(join_error) => {
            Err(DbError::Unavailable(format!("blocking task failed: {join_error}")).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DbError;
    use diesel::result::{DatabaseErrorKind as Kind, Error};

    fn database_error(kind: Kind, message: &str) -> Error {
        Error::DatabaseError(kind, Box::new(message.to_owned()))
    }

    #[test]
    fn a_lost_connection_or_a_standby_is_unavailable_and_a_failed_query_is_not() {
        for unavailable in [
            database_error(Kind::ClosedConnection, "connection closed"),
            database_error(Kind::UnableToSendCommand, "could not send data to server"),
            database_error(
                Kind::ReadOnlyTransaction,
                "cannot execute INSERT in a read-only transaction",
            ),
            database_error(
                Kind::Unknown,
                "terminating connection due to administrator command",
            ),
            database_error(
                Kind::Unknown,
                "could not receive data from server: Connection reset by peer",
            ),
            database_error(Kind::Unknown, "the database system is shutting down"),
            Error::RollbackErrorOnCommit {
                rollback_error: Box::new(database_error(
                    Kind::Unknown,
                    "no connection to the server",
                )),
                commit_error: Box::new(database_error(
                    Kind::Unknown,
                    "server closed the connection unexpectedly",
                )),
            },
            Error::BrokenTransactionManager,
        ] {
            let shown = format!("{unavailable:?}");
            assert!(DbError::Query(unavailable).is_unavailable(), "{shown}");
        }
        for failed in [
            database_error(Kind::UniqueViolation, "duplicate key value"),
            database_error(Kind::Unknown, "syntax error at or near \"SELEC\""),
            Error::NotFound,
        ] {
            let shown = format!("{failed:?}");
            assert!(!DbError::Query(failed).is_unavailable(), "{shown}");
        }
        assert!(DbError::Unavailable("pool timed out".into()).is_unavailable());
    }
}
