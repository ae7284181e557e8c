//! Contributions service of "Rinasce Firenze", the participatory strategy of
//! the Comune di Firenze.

pub mod app;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod exports;
pub mod http;
pub mod i18n;
pub mod logging;
pub mod mail;
pub mod startup;
