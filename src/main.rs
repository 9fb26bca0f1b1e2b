//! nocturne: a calm bedtime stretching timer for people who wake at night
//! with leg cramps. This file only starts the program: `cli` parses the
//! command line, the environment is read once, and `app` runs the command.

mod app;
mod civil;
mod cli;
mod clock;
mod config;
mod desktop;
mod diag;
mod error;
mod jobs;
mod journal;
mod keys;
mod manual;
mod output;
mod paths;
mod plan;
mod remind;
mod routine;
mod schema;
mod screen;
mod session;
mod sound;
mod theme;
mod tomlfile;
mod util;
mod voice;
mod zone;

fn main() -> std::process::ExitCode {
    match cli::parse() {
        Ok(invocation) => app::main(invocation, app::Env::read()),
        Err(code) => code,
    }
}
