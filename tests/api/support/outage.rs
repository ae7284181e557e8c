//! A real outage of one test's database, the way each backend has one.
//! PostgreSQL: the database stops accepting connections and its sessions
//! are terminated (the server and the other tests' databases carry on).
//! SQLite has no faithful outage while the server's pool holds the file
//! open (an exclusive lock cannot be taken beside WAL readers, and a file
//! renamed or made unreadable stays readable through open descriptors, as
//! root in any case): `take_database_down` answers `None` there and the
//! outage tests run on PostgreSQL. Dropping the guard ends the outage.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use super::TestApp;

pub struct Outage {
    admin_url: String,
    database: String,
}

impl TestApp {
    pub fn take_database_down(&self) -> Option<Outage> {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|url| url.starts_with("postgres"))?;
        let (_, database) = self.database_url.rsplit_once('/').expect("a database name");
        let mut admin = PgConnection::establish(&admin_url).expect("admin connection");
        admin
            .batch_execute(&format!(
                "ALTER DATABASE {database} ALLOW_CONNECTIONS false;
                 SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = '{database}' AND pid <> pg_backend_pid();"
            ))
            .expect("database taken down");
        Some(Outage {
            admin_url,
            database: database.to_owned(),
        })
    }
}

impl TestApp {
    /// Sessions on the test's database waiting for a lock another holds
    /// (PostgreSQL).
    pub fn sessions_waiting_for_a_lock(&self) -> i64 {
        use diesel::prelude::*;
        let (_, database) = self.database_url.rsplit_once('/').expect("a database name");
        let mut conn = PgConnection::establish(&self.database_url).expect("a connection");
        diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(&format!(
            "(SELECT count(*) FROM pg_stat_activity \
              WHERE datname = '{database}' AND wait_event_type = 'Lock')"
        )))
        .get_result(&mut conn)
        .expect("pg_stat_activity read")
    }
}

/// The test's database refusing writes, as a standby does, until dropped.
pub struct ReadOnly {
    admin_url: String,
    database: String,
}

impl TestApp {
    /// Makes every new session of the test's database read-only and ends
    /// the current ones, as when the server behind the URL restarts as a
    /// standby. `None` on SQLite, which has no such state.
    pub fn make_database_read_only(&self) -> Option<ReadOnly> {
        let admin_url = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|url| url.starts_with("postgres"))?;
        let (_, database) = self.database_url.rsplit_once('/').expect("a database name");
        let mut admin = PgConnection::establish(&admin_url).expect("admin connection");
        admin
            .batch_execute(&format!(
                "ALTER DATABASE {database} SET default_transaction_read_only = on;
                 SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                  WHERE datname = '{database}' AND pid <> pg_backend_pid();"
            ))
            .expect("database made read-only");
        Some(ReadOnly {
            admin_url,
            database: database.to_owned(),
        })
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = admin.batch_execute(&format!(
                "ALTER DATABASE {} RESET default_transaction_read_only",
                self.database
            ));
        }
    }
}

impl Drop for Outage {
    fn drop(&mut self) {
        if let Ok(mut admin) = PgConnection::establish(&self.admin_url) {
            let _ = admin.batch_execute(&format!(
                "ALTER DATABASE {} ALLOW_CONNECTIONS true",
                self.database
            ));
        }
    }
}
