//! What each command does, in the domain's terms. This file holds the
//! command model and the dispatch; the commands live in one file per
//! family. Output that a command prints is rendered to a String first, so
//! tests can read what a user sees.

mod check;
mod context;
mod devices;
mod docs;
mod journal;
mod reminders;
mod routines;
mod session;
mod setup;
mod shared;
mod status;
mod voice;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

pub use context::{Context, Env};
pub use session::{EventsTo, RunOptions};
pub use setup::SetupFlags;

use crate::error::Result;

/// The command line, parsed and converted: the colour asked for (`None`:
/// decide from the terminal and the environment) and the command, or why
/// the arguments cannot be used.
pub struct Invocation {
    pub color: Option<bool>,
    /// `--theme`; `None`: the `theme` setting, else night.
    pub theme: Option<crate::theme::Theme>,
    pub command: Result<Command>,
}

pub enum Command {
    Run(RunOptions),
    Setup(SetupFlags),
    List {
        names: bool,
    },
    New {
        name: String,
        from: Option<String>,
    },
    Edit {
        routine: String,
    },
    Schema {
        routine: bool,
    },
    Completions {
        shell: clap_complete::Shell,
    },
    Man,
    Status {
        json: bool,
    },
    Show {
        routine: Option<String>,
    },
    Check {
        files: Vec<String>,
    },
    Sounds,
    PlaySound {
        name: String,
        volume: Option<u8>,
    },
    VoiceTest {
        text: Option<String>,
    },
    VoiceList {
        routine: Option<String>,
        speed: crate::session::Speed,
    },
    TestNotification {
        wait: Duration,
    },
    Log(crate::journal::CrampInput),
    LogDrink(crate::journal::DrinkInput),
    Journal {
        nights: usize,
        /// Previews too.
        all: bool,
    },
    Export {
        json: bool,
        output: Option<PathBuf>,
    },
    /// `journal import`: a JSON export read into the journal.
    Import {
        file: PathBuf,
        /// Only say what would be added.
        dry_run: bool,
    },
    JournalDelete {
        entry: crate::journal::store::Entry,
        yes: bool,
    },
    Stats {
        weeks: usize,
    },
    RemindAdd(crate::remind::edit::Addition),
    RemindList,
    RemindRemove {
        id: usize,
    },
    RemindNext {
        count: usize,
        after: Option<String>,
        json: bool,
    },
    RemindDaemon,
    RemindInstall {
        print: bool,
        /// The program the printed file runs, if not this one.
        exe: Option<String>,
    },
    RemindUninstall,
}

/// Runs what the command line asks in the environment read at the start,
/// and reports a failure in the user's words, with its exit code.
pub fn main(invocation: Invocation, env: Env) -> ExitCode {
    let ctx = Context::new(env, invocation.color, invocation.theme);
    console::set_colors_enabled(ctx.color);
    console::set_colors_enabled_stderr(ctx.color);
    match invocation.command.and_then(|command| run(command, &ctx)) {
        Ok(code) => code,
        Err(e) => {
            eprint!("{}", e.render(ctx.paint));
            ExitCode::from(e.exit_code())
        }
    }
}

pub fn run(command: Command, ctx: &Context) -> Result<ExitCode> {
    let paths = &ctx.paths;
    match command {
        Command::Run(options) => session::run(ctx, options),
        Command::List { names: false } => routines::list(paths),
        Command::List { names: true } => routines::names(paths),
        Command::New { name, from } => routines::new(paths, &name, from.as_deref()),
        Command::Edit { routine } => routines::edit(paths, &routine, ctx.paint),
        Command::Schema { routine } => routines::schema(routine),
        Command::Show { routine } => routines::show(paths, routine.as_deref()),
        Command::Completions { shell } => docs::completions(shell),
        Command::Man => docs::man(),
        Command::Status { json } => status::status(ctx, json),
        Command::Check { files } => check::check(paths, &files, ctx.paint),
        Command::Sounds => devices::sounds(),
        Command::PlaySound { name, volume } => devices::play(paths, &name, volume),
        Command::VoiceTest { text } => voice::test(paths, text.as_deref()),
        Command::VoiceList { routine, speed } => voice::list(paths, routine.as_deref(), speed),
        Command::Setup(flags) => setup::setup(ctx, flags),
        Command::TestNotification { wait } => devices::test_notification(wait),
        Command::Log(input) => journal::log(ctx, input),
        Command::LogDrink(input) => journal::log_drink(ctx, &input),
        Command::JournalDelete { entry, yes } => journal::delete(ctx, entry, yes),
        Command::Journal { nights, all } => journal::nights(ctx, nights, all),
        Command::Export { json, output } => journal::export(paths, json, output),
        Command::Import { file, dry_run } => journal::import(ctx, &file, dry_run),
        Command::Stats { weeks } => journal::stats(ctx, weeks),
        Command::RemindAdd(addition) => reminders::add(ctx, &addition),
        Command::RemindList => reminders::list(ctx),
        Command::RemindRemove { id } => reminders::remove(paths, id),
        Command::RemindNext { count, after, json } => {
            reminders::next(ctx, count, after.as_deref(), json)
        }
        Command::RemindDaemon => crate::remind::service::run(paths),
        Command::RemindInstall { print, exe } => {
            crate::remind::install::install(print, exe.as_deref())
        }
        Command::RemindUninstall => crate::remind::install::uninstall(),
    }
}
