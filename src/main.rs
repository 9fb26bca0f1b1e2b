//! nocturne: a calm bedtime stretching timer for people who wake at night
//! with leg cramps. This file only starts the program; see `cli` and `app`.

mod app;
mod civil;
mod cli;
mod clock;
mod config;
mod desktop;
mod diag;
mod error;
mod journal;
mod keys;
mod manual;
mod output;
mod paths;
mod plan;
mod remind;
mod routine;
mod schema;
mod session;
mod sound;
mod tomlfile;
mod util;
mod zone;

fn main() -> std::process::ExitCode {
    cli::main()
}
