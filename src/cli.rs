//! The command line. clap lives here and nowhere else: arguments are turned
//! into the domain's own values before anything runs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::app::{Command, EventsTo, Invocation, RunOptions};
use crate::error::Error;
use crate::output::terminal::View;
use crate::session::Speed;
use crate::theme::Theme;

const EXAMPLES: &str = "\
Examples:
  nocturne run                  tonight's routine (nightly, unless set otherwise)
  nocturne run wind-down        the full 12 to 15 minute wind-down
  nocturne show nightly         every timed step of a routine, before you start
  nocturne check my-calves.toml check a routine file you wrote

nocturne offers general self-care stretches, not a diagnosis or treatment.";

#[derive(Debug, Parser)]
#[command(
    name = "nocturne",
    version,
    about = "A calm bedtime stretching timer for night leg cramps",
    after_help = EXAMPLES,
    propagate_version = true
)]
struct Cli {
    /// When to use colour: auto (a terminal, and NO_COLOR unset), always, never.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true)]
    color: ColorWhen,

    /// The colours: night (dim and warm, the default), day, or plain (no
    /// colour). Default: `theme` from the settings, else night.
    #[arg(long, value_enum, global = true)]
    theme: Option<ThemeName>,

    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum YesNo {
    Yes,
    No,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LevelName {
    All,
    Steps,
    Session,
    Off,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ThemeName {
    Night,
    Day,
    Plain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ViewName {
    Auto,
    Big,
    Compact,
    Plain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Guide you through a routine, step by step.
    #[command(after_help = "\
Keys: space pauses and goes on, n or Right skips to the next step, p or Left
restarts the step (press again for the one before), q or Esc ends early.

Examples:
  nocturne run
  nocturne run nightly-seated
  nocturne run wind-down --speed 30      preview it at 30 times the speed
  nocturne run --no-voice                the cues without the spoken guidance
  nocturne run ~/my-routine.toml --events events.jsonl")]
    #[command(allow_negative_numbers = true)]
    Run {
        /// A routine's name (see `nocturne list`) or the path of a .toml file.
        /// Default: `default_routine` from the settings, else `nightly`.
        routine: Option<String>,

        /// Run this many times faster, to preview a routine (0.1 to 1000).
        #[arg(long, value_name = "FACTOR", default_value = "1", value_parser = parse_speed)]
        speed: Speed,

        /// Write each event as a line of JSON to this file, or `-` for stdout.
        #[arg(long, value_name = "PATH")]
        events: Option<PathBuf>,

        /// Loudness of the sound cues, 0 to 100 (default: the routine's, the
        /// settings', else 40).
        #[arg(long, value_name = "0..100", value_parser = number::<u8>("the volume", 0, 100))]
        volume: Option<u8>,

        /// No sound cues and no voice this time.
        #[arg(long, alias = "no-sound", conflicts_with = "volume")]
        mute: bool,

        /// No spoken guidance this time; the cues still sound.
        #[arg(long)]
        no_voice: bool,

        /// No desktop notifications this time.
        #[arg(long)]
        no_notify: bool,

        /// How to draw the session: big digits (full screen), compact bars,
        /// plain lines, or auto (big where the terminal is at least 60x20).
        /// Default: `view` from the settings, else auto.
        #[arg(long, value_enum)]
        view: Option<ViewName>,
    },

    /// Set nocturne up in two minutes: tonight's routine, the volume,
    /// notifications and reminders.
    #[command(after_help = "\
At a terminal, with no choices given, six short questions; Enter keeps the
answer shown, b goes back, q leaves without writing anything. With choices
given (or without a terminal), they are written as they are; a choice left
out keeps the current setting (or setup's default for a new file). The
settings file keeps every comment and key it already had.

Examples:
  nocturne setup
  nocturne setup --volume 30 --bedtime 22:15 --days mon-fri --yes
  nocturne setup --routine nightly --voice off --water none --install no --yes
  nocturne setup --reset")]
    Setup {
        /// Tonight's routine (see `nocturne list`).
        #[arg(long)]
        routine: Option<String>,
        /// Loudness of the cues, 0 to 100.
        #[arg(long, value_name = "0..100", value_parser = number::<u8>("the volume", 0, 100))]
        volume: Option<u8>,
        /// Spoken guidance: on or off.
        #[arg(long, value_enum)]
        voice: Option<OnOff>,
        /// Which moments reach the desktop: all, steps, session or off.
        #[arg(long, value_enum)]
        notifications: Option<LevelName>,
        /// The bedtime reminder's time, such as 22:15, or none.
        #[arg(long, value_name = "TIME|none", value_parser = parse_bedtime)]
        bedtime: Option<NoneOr<jiff::civil::Time>>,
        /// The bedtime reminder's days, such as mon-fri (default: every day).
        #[arg(long, value_parser = parse_days)]
        days: Option<crate::config::rules::Days>,
        /// Water reminders: a window and spacing such as 18:00-21:00/45m, or none.
        #[arg(long, value_name = "FROM-UNTIL/SPACING|none", value_parser = parse_water)]
        water: Option<NoneOr<crate::config::choices::Water>>,
        /// Start the reminder service with your session (`remind install`): yes or no.
        #[arg(long, value_enum)]
        install: Option<YesNo>,
        /// Write without asking.
        #[arg(long)]
        yes: bool,
        /// Start again from setup's defaults (the old file is kept as config.toml.bak).
        #[arg(long)]
        reset: bool,
    },

    /// List every routine: bundled ones and your own.
    #[command(after_help = "\
Your routines are the .toml files in the `routines` folder of the config
folder ($NOCTURNE_CONFIG_DIR, else $XDG_CONFIG_HOME/nocturne on Linux).
A file named like a bundled routine takes its place.

Examples:
  nocturne list
  nocturne list | grep yours")]
    List {
        /// Only the names, one a line (for shell completion).
        #[arg(long, hide = true)]
        names: bool,
    },

    /// Print a routine's timed plan: every segment, its start and length.
    #[command(after_help = "\
Examples:
  nocturne show
  nocturne show wind-down
  nocturne show ./my-routine.toml")]
    Show {
        /// A routine's name or the path of a .toml file; default as for `run`.
        routine: Option<String>,
    },

    /// List the sound cues, or play one to try the volume before bed.
    #[command(after_help = "\
Examples:
  nocturne sounds
  nocturne sounds play relax
  nocturne sounds play finish --volume 25
  nocturne sounds play ~/chime.ogg")]
    Sounds {
        #[command(subcommand)]
        action: Option<SoundsAction>,
    },

    /// Spoken guidance: hear the voice, or list what it will say.
    #[command(after_help = "\
A speech engine renders each phrase ahead of time: voice_command from the
settings, else the first found of espeak-ng, espeak, say (macOS) and
Windows' speech. Rendered phrases are kept in the cache folder.

Examples:
  nocturne voice test
  nocturne voice test \"Time for a small drink of water.\"
  nocturne voice list
  nocturne voice list wind-down --speed 2")]
    Voice {
        #[command(subcommand)]
        action: VoiceAction,
    },

    /// Try desktop notifications: send a test note with buttons.
    #[command(after_help = "\
Sends a note with the buttons a reminder has (\"Start now\", \"Snooze 10 min\")
and says which one you chose, or that the note was closed or expired.

Examples:
  nocturne notifications test
  nocturne notifications test --wait 10")]
    Notifications {
        #[command(subcommand)]
        action: NotificationsAction,
    },

    /// Log a cramp in the journal (asks a few questions at a terminal), or
    /// a drink with `log drink`.
    #[command(after_help = "\
With no options, at a terminal, it asks a few questions, with defaults
(Ctrl-D or Ctrl-C leaves without logging); with options it asks nothing.
Without a terminal, say at least when: `nocturne log --at now`.
`nocturne log drink` logs a glass of water instead.

A cramp that lasted over 10 minutes, or came with swelling, redness,
numbness or weakness, is worth a doctor's visit, and nocturne says so.

Examples:
  nocturne log
  nocturne log --at \"last night 03:10\" --leg left --muscle calf --lasted 2m --pain 6
  nocturne log --at 2026-11-20T03:10 --leg right --swelling
  nocturne log drink

The journal is general self-care information, not a diagnosis.")]
    #[command(allow_negative_numbers = true, args_conflicts_with_subcommands = true)]
    Log {
        #[command(flatten)]
        cramp: LogArgs,
        #[command(subcommand)]
        what: Option<LogWhat>,
    },

    /// The journal: recent nights, with sessions and cramps.
    #[command(after_help = "\
Examples:
  nocturne journal
  nocturne journal --nights 30
  nocturne journal --all
  nocturne journal export --format csv --output cramps.csv
  nocturne journal import journal.json

The journal is general self-care information, not a diagnosis.")]
    #[command(allow_negative_numbers = true)]
    Journal {
        /// How many nights to list, newest first.
        #[arg(long, default_value_t = 14, value_parser = number::<u16>("the number of nights", 1, u16::MAX.into()))]
        nights: u16,
        /// Show previews too: sessions run with --speed.
        #[arg(long)]
        all: bool,
        #[command(subcommand)]
        action: Option<JournalAction>,
    },

    /// How your nights are going: charts, streaks and advice.
    #[command(after_help = "\
Examples:
  nocturne stats
  nocturne stats --weeks 12

The advice follows simple thresholds, not clinical rules: it is not a
diagnosis, and it never suggests medicines.")]
    #[command(allow_negative_numbers = true)]
    Stats {
        /// How many weeks to chart.
        #[arg(long, default_value_t = 8, value_parser = number::<u16>("the number of weeks", 1, 520))]
        weeks: u16,
    },

    /// Reminders: a nightly stretch reminder and reminders to drink.
    #[command(after_help = "\
Reminders live in the settings file as [[reminders]] tables; these commands
edit that file and keep everything else in it as you wrote it.

Examples:
  nocturne remind add --at 22:15 --days mon-fri --routine nightly
  nocturne remind add --every 45m --from 18:00 --until 21:30 --message \"A glass of water\"
  nocturne remind list
  nocturne remind next --count 5
  nocturne remind install     start the service with your desktop session")]
    Remind {
        #[command(subcommand)]
        action: RemindAction,
    },

    /// Check routine files and report every problem, with line and column.
    #[command(after_help = "\
Prints \"ok\" for each good file. Exits with 2 if any file is invalid. With
no files, checks the settings and every routine of yours, and says which
bundled routines yours replace.

Examples:
  nocturne check
  nocturne check my-routine.toml
  nocturne check ~/.config/nocturne/routines/*.toml")]
    Check {
        /// Paths of .toml files, or routine names.
        #[arg(value_name = "FILE")]
        files: Vec<String>,
    },

    /// Start a routine of your own, from a commented template or a copy.
    #[command(after_help = "\
Writes NAME.toml into your routines folder and prints its path; an existing
file is never overwritten.

Examples:
  nocturne new my-calves
  nocturne new gentler --from nightly")]
    New {
        /// The new routine's name (letters, digits, - and _).
        name: String,
        /// Start from a copy of this routine (bundled or yours) instead of the template.
        #[arg(long, value_name = "ROUTINE")]
        from: Option<String>,
    },

    /// Edit a routine in your editor ($VISUAL, $EDITOR), checked when you close it.
    #[command(after_help = "\
A bundled routine is first copied to your routines folder. If the routine
has problems when the editor closes, you can edit it again, keep it, or
discard your changes (the file is then exactly as it was). Without a
terminal to ask, an invalid edit is discarded and the command exits with 2.

Examples:
  nocturne edit my-calves
  nocturne edit nightly
  EDITOR=\"code --wait\" nocturne edit wind-down")]
    Edit {
        /// A routine's name, or the path of a .toml file.
        routine: String,
    },

    /// Print a JSON Schema, for editors that check TOML as you type.
    #[command(after_help = "\
Routine files that start with `#:schema ./routine.schema.json` get completion
and checking in editors with a TOML language server (Taplo, Even Better
TOML); `nocturne new` writes that file beside your routines.

Examples:
  nocturne schema routine > routine.schema.json
  nocturne schema config")]
    Schema {
        #[arg(value_enum)]
        what: SchemaOf,
    },

    /// What works on this machine, and what to do about what does not.
    #[command(after_help = "\
Looks at sound, the voice, notifications, reminders, \"Start now\", the
journal, the settings and your routines, and marks each ok, note or
problem. It changes nothing and takes at most about 3 seconds. Exits with 1
when something is a problem.

Examples:
  nocturne status
  nocturne status --json")]
    Status {
        /// Print one JSON object, for scripts.
        #[arg(long)]
        json: bool,
    },

    /// Print a completion script for your shell.
    #[command(after_help = "\
Examples:
  nocturne completions bash > ~/.local/share/bash-completion/completions/nocturne
  nocturne completions zsh > ~/.zfunc/_nocturne
  nocturne completions fish > ~/.config/fish/completions/nocturne.fish")]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print the manual page (roff).
    #[command(after_help = "\
Examples:
  nocturne man > ~/.local/share/man/man1/nocturne.1
  nocturne man | man -l -")]
    Man,
}

/// What `log` is told about a cramp; nothing given means the questions
/// are asked instead.
#[derive(Debug, Args)]
struct LogArgs {
    /// When: now, 03:10, "last night 03:10", "yesterday 22:40",
    /// 2026-11-20T03:10 or an RFC 3339 instant (default: now).
    #[arg(long, value_name = "WHEN")]
    at: Option<String>,
    /// Which leg.
    #[arg(long, value_enum)]
    leg: Option<Leg>,
    /// Which muscle.
    #[arg(long, value_enum)]
    muscle: Option<Muscle>,
    /// How long it lasted, such as 90s or 2m.
    #[arg(long, value_name = "DURATION", value_parser = parse_lasted, allow_hyphen_values = true)]
    lasted: Option<std::time::Duration>,
    /// How painful, 0 (none) to 10 (worst).
    #[arg(long, value_name = "0..10", value_parser = number::<u8>("the pain score", 0, 10))]
    pain: Option<u8>,
    /// A note in your own words.
    #[arg(long)]
    note: Option<String>,
    /// The leg was swollen afterwards.
    #[arg(long)]
    swelling: bool,
    /// The leg was red afterwards.
    #[arg(long)]
    redness: bool,
    /// The leg was numb afterwards.
    #[arg(long)]
    numbness: bool,
    /// The leg was weak afterwards.
    #[arg(long)]
    weakness: bool,
}

#[derive(Debug, Subcommand)]
enum LogWhat {
    /// Log a drink: a glass of water, unless told how much.
    #[command(after_help = "\
A glass is 250 ml unless the settings say otherwise (glass = \"300ml\" in
config.toml). The water reminder's \"Drank a glass\" button, and a hydrate
step done in a routine, log a glass too.

Examples:
  nocturne log drink
  nocturne log drink --at 19:30 --amount 330ml
  nocturne log drink --at \"yesterday 20:15\" --amount \"2 glasses\"")]
    #[command(allow_negative_numbers = true)]
    Drink {
        /// When: now, 19:30, \"yesterday 20:15\", 2026-11-20T19:30 or an
        /// RFC 3339 instant (default: now).
        #[arg(long, value_name = "WHEN")]
        at: Option<String>,
        /// How much: 250ml, 0.3l, 33cl, \"1 glass\" or \"2 glasses\" (default: a glass).
        #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
        amount: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Leg {
    Left,
    Right,
    Both,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Muscle {
    Calf,
    Foot,
    Thigh,
    Other,
}

impl From<LogArgs> for crate::journal::CrampInput {
    fn from(args: LogArgs) -> Self {
        crate::journal::CrampInput {
            at: args.at,
            leg: args.leg.as_ref().and_then(word),
            muscle: args.muscle.as_ref().and_then(word),
            lasted: args.lasted,
            pain: args.pain,
            note: args.note,
            swelling: args.swelling,
            redness: args.redness,
            numbness: args.numbness,
            weakness: args.weakness,
        }
    }
}

/// The word a user types for a value, as the journal keeps it.
fn word<T: ValueEnum>(value: &T) -> Option<String> {
    value.to_possible_value().map(|v| v.get_name().to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum SchemaOf {
    Routine,
    Config,
}

#[derive(Debug, Subcommand)]
enum SoundsAction {
    /// Play one cue, or a sound file, once.
    #[command(after_help = "\
Examples:
  nocturne sounds play relax
  nocturne sounds play finish --volume 25")]
    #[command(allow_negative_numbers = true)]
    Play {
        /// A cue's name (see `nocturne sounds`) or the path of a sound file.
        name: String,

        /// Loudness, 0 to 100 (default: the settings', else 40).
        #[arg(long, value_name = "0..100", value_parser = number::<u8>("the volume", 0, 100))]
        volume: Option<u8>,
    },
}

#[derive(Debug, Subcommand)]
enum VoiceAction {
    /// Say a phrase with the voice of your settings, to hear it before bed.
    #[command(after_help = "\
Without TEXT, says the first two phrases of tonight's routine.

Examples:
  nocturne voice test
  nocturne voice test \"Hold.\"
  nocturne voice test -- \"-a phrase that starts with a dash\"")]
    Test {
        /// The words to say.
        text: Option<String>,
    },
    /// List what the voice will say in a routine, and when.
    #[command(after_help = "\
Each phrase is rendered, so the list shows what fits its time: a shorter
phrase where the full one would not, and \"(left out: no time)\" where none
fits.

Examples:
  nocturne voice list
  nocturne voice list wind-down
  nocturne voice list nightly --speed 2")]
    #[command(allow_negative_numbers = true)]
    List {
        /// A routine's name or the path of a .toml file; default as for `run`.
        routine: Option<String>,

        /// As at this speed of `run` (0.1 to 1000): phrases get less time.
        #[arg(long, value_name = "FACTOR", default_value = "1", value_parser = parse_speed)]
        speed: Speed,
    },
}

#[derive(Debug, Subcommand)]
enum JournalAction {
    /// Write everything in the journal as CSV or JSON.
    #[command(after_help = "\
Examples:
  nocturne journal export --format json
  nocturne journal export --format csv --output journal.csv")]
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
        format: ExportFormat,
        /// Write to this new file instead of stdout (it must not exist).
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Read a JSON export into the journal: a backup, or another machine's.
    #[command(after_help = "\
Every record is checked first; if any is wrong, each problem is shown
with where it is, and nothing is added. Records the journal already holds
are left out, so importing the same file twice adds nothing the second
time. To move to a new machine: export on the old one with
`nocturne journal export --format json --output journal.json`, then
import that file on the new one.

Examples:
  nocturne journal import journal.json --dry-run
  nocturne journal import journal.json
  ssh old-machine nocturne journal export --format json | nocturne journal import -")]
    Import {
        /// The file `journal export --format json` wrote; - reads it from
        /// standard input.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Say what would be added, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Remove one entry logged by mistake: a cramp (c12), a session (s7) or
    /// a drink (d4).
    #[command(after_help = "\
Each entry's id is shown by `nocturne journal`, and by `nocturne log` when
it saves a cramp or a drink. At a terminal it asks first; elsewhere pass
--yes. A session goes with its steps and the drinks its hydrate steps
logged.

Examples:
  nocturne journal delete c12
  nocturne journal delete d4
  nocturne journal delete s7 --yes")]
    Delete {
        /// The entry: c and the cramp's number, s and the session's, or d
        /// and the drink's.
        #[arg(value_name = "ID")]
        id: String,
        /// Remove it without asking.
        #[arg(long)]
        yes: bool,
    },
}

fn parse_lasted(text: &str) -> Result<std::time::Duration, String> {
    crate::routine::duration::parse(text).map_err(|e| format!("{e}; write it as 30s, 2m or 1m30s"))
}

#[derive(Debug, Subcommand)]
enum RemindAction {
    /// Add a reminder: at a clock time, or every so often in a window.
    #[command(after_help = "\
Examples:
  nocturne remind add --at 22:15
  nocturne remind add --at 21:45 --days sat,sun --routine wind-down
  nocturne remind add --every 45m --from 18:00 --until 21:30 --message \"A glass of water\"")]
    Add {
        /// A clock time, such as 22:15 (or 22:15:30).
        #[arg(long, value_parser = parse_clock, conflicts_with_all = ["every", "from", "until"], required_unless_present = "every")]
        at: Option<jiff::civil::Time>,
        /// Repeat this often, such as 45m; needs --from and --until.
        #[arg(long, value_parser = parse_every, requires_all = ["from", "until"], allow_hyphen_values = true)]
        every: Option<jiff::SignedDuration>,
        /// Start of the window, such as 18:00.
        #[arg(long, value_parser = parse_clock, requires = "every")]
        from: Option<jiff::civil::Time>,
        /// End of the window, such as 21:30.
        #[arg(long, value_parser = parse_clock, requires = "every")]
        until: Option<jiff::civil::Time>,
        /// Days, such as mon-fri or sat,sun (default: every day).
        #[arg(long)]
        days: Option<String>,
        /// The routine "Start now" opens (default: tonight's routine).
        #[arg(long)]
        routine: Option<String>,
        /// The words of the notification.
        #[arg(long)]
        message: Option<String>,
    },
    /// List the reminders, numbered, with when each fires next.
    List,
    /// Remove a reminder by its number in `remind list`.
    #[command(allow_negative_numbers = true)]
    Remove {
        /// The reminder's number.
        #[arg(value_parser = number::<usize>("a reminder's number", 1, 9999))]
        id: usize,
    },
    /// List the coming reminders, in the local time zone (TZ is honoured).
    #[command(allow_negative_numbers = true)]
    Next {
        /// How many to list (1 to 1000).
        #[arg(long, default_value_t = 10, value_parser = number::<u16>("the count", 1, 1000))]
        count: u16,
        /// From another moment: an RFC 3339 instant, or a local date and
        /// time such as 2026-03-07T20:00.
        #[arg(long, value_name = "TIME")]
        after: Option<String>,
        /// Print JSON, with instants in RFC 3339 with their offset.
        #[arg(long)]
        json: bool,
    },
    /// Run the reminder service in the foreground (what `install` starts).
    Daemon,
    /// Start the reminder service with your session (systemd, launchd).
    Install {
        /// Only print the service file.
        #[arg(long)]
        print: bool,
        /// With --print: the file for the program at PATH rather than this
        /// one (the Debian package's unit runs /usr/bin/nocturne).
        #[arg(long, value_name = "PATH", requires = "print", hide = true)]
        exe: Option<String>,
    },
    /// Stop starting the reminder service with your session.
    Uninstall,
}

fn parse_clock(text: &str) -> Result<jiff::civil::Time, String> {
    crate::civil::parse_clock(text)
}

fn parse_every(text: &str) -> Result<jiff::SignedDuration, String> {
    let d = crate::routine::duration::parse(text).map_err(|e| e.to_string())?;
    crate::config::rules::repeat(d)
        .ok_or_else(|| "a repeat is from 1 minute to 24 hours, such as 45m".to_owned())
}

#[derive(Debug, Subcommand)]
enum NotificationsAction {
    /// Send a test note and report what became of it.
    #[command(allow_negative_numbers = true)]
    Test {
        /// Seconds to wait for an answer.
        #[arg(long, value_name = "SECONDS", default_value_t = 60, value_parser = number::<u64>("the wait (in seconds)", 1, 3600))]
        wait: u64,
    },
}

/// Completes routine names (bundled and the user's) after the commands
/// that take one, asking nocturne itself so new routines show at once.
const BASH_ROUTINES: &str = r#"
# Routine names, from nocturne itself, after the commands that take one.
_nocturne_with_routines() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
    case "$prev" in
        run|show|edit|check|--from)
            COMPREPLY=($(compgen -W "$(nocturne list --names 2>/dev/null)" -- "$cur"))
            if [ ${#COMPREPLY[@]} -gt 0 ]; then return 0; fi ;;
    esac
    _nocturne "$@"
}
complete -F _nocturne_with_routines -o bashdefault -o default nocturne
"#;

const FISH_ROUTINES: &str = r#"
# Routine names, from nocturne itself, after the commands that take one.
complete -c nocturne -n "__fish_seen_subcommand_from run show edit check" -a "(nocturne list --names 2>/dev/null)"
"#;

/// A flag's value that may also be `none`.
#[derive(Debug, Clone)]
struct NoneOr<T>(Option<T>);

fn parse_bedtime(text: &str) -> Result<NoneOr<jiff::civil::Time>, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(NoneOr(None));
    }
    crate::civil::parse_clock(text.trim()).map(|t| NoneOr(Some(t)))
}

fn parse_days(text: &str) -> Result<crate::config::rules::Days, String> {
    crate::config::rules::Days::parse([text])
}

fn parse_water(text: &str) -> Result<NoneOr<crate::config::choices::Water>, String> {
    if text.trim().eq_ignore_ascii_case("none") {
        return Ok(NoneOr(None));
    }
    crate::config::choices::parse_water(text).map(|w| NoneOr(Some(w)))
}

fn parse_speed(text: &str) -> Result<Speed, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .and_then(Speed::new)
        .ok_or_else(|| {
            format!(
                "the speed is a number from {} to {}, such as 30",
                Speed::MIN,
                Speed::MAX
            )
        })
}

/// A parser for a whole-number flag from `least` to `most`, whose every
/// refusal says so in plain words ("the volume is a whole number from 0
/// to 100"), whether the value is too small, too large, negative or not
/// a number at all.
fn number<T: TryFrom<i64> + Clone + Send + Sync + 'static>(
    what: &'static str,
    least: i64,
    most: i64,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static {
    move |text: &str| {
        text.trim()
            .parse::<i64>()
            .ok()
            .filter(|n| (least..=most).contains(n))
            .and_then(|n| T::try_from(n).ok())
            .ok_or_else(|| format!("{what} is a whole number from {least} to {most}"))
    }
}

/// Parses the command line and turns it into the domain's values. Help,
/// the version and clap's own refusals are printed here, and end the
/// program with the code returned.
pub fn parse() -> Result<Invocation, ExitCode> {
    match Cli::try_parse() {
        Ok(cli) => Ok(Invocation {
            color: match cli.color {
                ColorWhen::Auto => None,
                ColorWhen::Always => Some(true),
                ColorWhen::Never => Some(false),
            },
            theme: cli.theme.map(|theme| match theme {
                ThemeName::Night => Theme::Night,
                ThemeName::Day => Theme::Day,
                ThemeName::Plain => Theme::Plain,
            }),
            command: command(cli.command),
        }),
        Err(e) => {
            let _ = e.print();
            Err(ExitCode::from(if e.use_stderr() { 2 } else { 0 }))
        }
    }
}

fn command(sub: Sub) -> Result<Command, Error> {
    Ok(match sub {
        Sub::Run {
            routine,
            speed,
            events,
            volume,
            mute,
            no_notify,
            no_voice,
            view,
        } => Command::Run(RunOptions {
            view: view.map(|view| match view {
                ViewName::Auto => View::Auto,
                ViewName::Big => View::Big,
                ViewName::Compact => View::Compact,
                ViewName::Plain => View::Plain,
            }),
            notify: !no_notify,
            voice: !no_voice,
            routine,
            speed,
            volume: if mute { Some(0) } else { volume },
            events: events.map(|path| {
                if path.as_os_str() == "-" {
                    EventsTo::Stdout
                } else {
                    EventsTo::File(path)
                }
            }),
        }),
        Sub::List { names } => Command::List { names },
        Sub::Setup {
            routine,
            volume,
            voice,
            notifications,
            bedtime,
            days,
            water,
            install,
            yes,
            reset,
        } => Command::Setup(crate::app::SetupFlags {
            routine,
            volume,
            voice: voice.map(|v| v == OnOff::On),
            notifications: notifications.map(|level| match level {
                LevelName::All => crate::routine::Level::All,
                LevelName::Steps => crate::routine::Level::Steps,
                LevelName::Session => crate::routine::Level::Session,
                LevelName::Off => crate::routine::Level::Off,
            }),
            bedtime: bedtime.map(|b| b.0),
            days,
            water: water.map(|w| w.0),
            install: install.map(|i| i == YesNo::Yes),
            yes,
            reset,
        }),
        Sub::Show { routine } => Command::Show { routine },
        Sub::Check { files } => Command::Check { files },
        Sub::New { name, from } => Command::New { name, from },
        Sub::Edit { routine } => Command::Edit { routine },
        Sub::Schema { what } => Command::Schema {
            routine: what == SchemaOf::Routine,
        },
        Sub::Completions { shell } => Command::Completions { shell },
        Sub::Man => Command::Man,
        Sub::Status { json } => Command::Status { json },
        Sub::Sounds { action: None } => Command::Sounds,
        Sub::Log { cramp, what: None } => Command::Log(cramp.into()),
        Sub::Log {
            what: Some(LogWhat::Drink { at, amount }),
            ..
        } => Command::LogDrink(crate::journal::DrinkInput { at, amount }),
        Sub::Journal {
            nights,
            all,
            action: None,
        } => Command::Journal {
            nights: nights.into(),
            all,
        },
        Sub::Journal {
            action: Some(JournalAction::Export { format, output }),
            ..
        } => Command::Export {
            json: format == ExportFormat::Json,
            output,
        },
        Sub::Journal {
            action: Some(JournalAction::Import { file, dry_run }),
            ..
        } => Command::Import { file, dry_run },
        Sub::Journal {
            action: Some(JournalAction::Delete { id, yes }),
            ..
        } => match crate::journal::store::Entry::parse(&id) {
            Some(entry) => Command::JournalDelete { entry, yes },
            None => {
                return Err(Error::Usage(format!(
                    "`{}` is not a journal entry; write c and a cramp's number (c12), s and \
                     a session's (s7) or d and a drink's (d4), as `nocturne journal` shows them",
                    crate::diag::short(&id)
                )));
            }
        },
        Sub::Stats { weeks } => Command::Stats {
            weeks: weeks.into(),
        },
        Sub::Remind { action } => remind_command(action).map_err(Error::Usage)?,
        Sub::Notifications {
            action: NotificationsAction::Test { wait },
        } => Command::TestNotification {
            wait: std::time::Duration::from_secs(wait),
        },
        Sub::Sounds {
            action: Some(SoundsAction::Play { name, volume }),
        } => Command::PlaySound { name, volume },
        Sub::Voice {
            action: VoiceAction::Test { text },
        } => Command::VoiceTest { text },
        Sub::Voice {
            action: VoiceAction::List { routine, speed },
        } => Command::VoiceList { routine, speed },
    })
}

/// The completion script for a shell, with routine names completed by
/// asking nocturne itself where the shell allows it.
pub fn completions(shell: clap_complete::Shell) -> Vec<u8> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "nocturne", &mut out);
    let extra = match shell {
        clap_complete::Shell::Bash => BASH_ROUTINES,
        clap_complete::Shell::Fish => FISH_ROUTINES,
        _ => "",
    };
    out.extend_from_slice(extra.as_bytes());
    out
}

/// The manual page, in roff, made from the same definitions as `--help`.
pub fn manual() -> String {
    crate::manual::page(&Cli::command())
}

fn remind_command(action: RemindAction) -> Result<Command, String> {
    use crate::config::rules::{self, DEFAULT_GRACE, Days, Reminder, Schedule};
    use crate::remind::edit::Addition;
    Ok(match action {
        RemindAction::Add {
            at,
            every,
            from,
            until,
            days,
            routine,
            message,
        } => {
            let schedule = match (at, every, from, until) {
                (Some(at), ..) => Schedule::At(at),
                (None, Some(every), Some(from), Some(until)) if rules::ordered(from, until) => {
                    Schedule::Every { every, from, until }
                }
                (None, Some(_), Some(_), Some(_)) => {
                    return Err("--until must come after --from on the same day".to_owned());
                }
                _ => return Err("give --at, or --every with --from and --until".to_owned()),
            };
            let parsed = match &days {
                Some(days) => Days::parse([days.as_str()])?,
                None => Days::EVERY,
            };
            let text = |t: Option<String>| t.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
            Command::RemindAdd(Addition {
                reminder: Reminder {
                    schedule,
                    days: parsed,
                    routine: text(routine),
                    message: text(message),
                    grace: DEFAULT_GRACE,
                },
                days,
            })
        }
        RemindAction::List => Command::RemindList,
        RemindAction::Remove { id } => Command::RemindRemove { id },
        RemindAction::Next { count, after, json } => Command::RemindNext {
            count: count.into(),
            after,
            json,
        },
        RemindAction::Daemon => Command::RemindDaemon,
        RemindAction::Install { print, exe } => Command::RemindInstall { print, exe },
        RemindAction::Uninstall => Command::RemindUninstall,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn speed_must_be_sensible() {
        assert!(parse_speed("30").is_ok());
        assert!(parse_speed("0.5").is_ok());
        for bad in ["0", "-2", "fast", "inf", "NaN", "1001", "1e-300", "0.05"] {
            assert!(parse_speed(bad).is_err(), "{bad}");
        }
    }

    fn parsed(args: &[&str]) -> Command {
        let cli = Cli::try_parse_from(std::iter::once("nocturne").chain(args.iter().copied()))
            .expect("the arguments parse");
        command(cli.command).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_log_flags_become_the_journals_own_words() {
        use crate::journal::record;
        for (leg, muscle) in record::Leg::WORDS.iter().zip(record::Muscle::WORDS) {
            let Command::Log(input) = parsed(&["log", "--leg", leg, "--muscle", muscle]) else {
                panic!("not a log command");
            };
            assert_eq!(input.leg.as_deref(), Some(*leg));
            assert_eq!(input.muscle.as_deref(), Some(*muscle));
        }
        let words = |values: &[clap::builder::PossibleValue]| {
            values
                .iter()
                .map(|v| v.get_name().to_owned())
                .collect::<Vec<_>>()
        };
        let legs: Vec<_> = Leg::value_variants()
            .iter()
            .filter_map(ValueEnum::to_possible_value)
            .collect();
        let muscles: Vec<_> = Muscle::value_variants()
            .iter()
            .filter_map(ValueEnum::to_possible_value)
            .collect();
        assert_eq!(words(&legs), record::Leg::WORDS);
        assert_eq!(words(&muscles), record::Muscle::WORDS);
    }

    #[test]
    fn a_repeat_is_judged_as_the_settings_file_judges_it() {
        for (every, usable) in [
            ("59s", false),
            ("1m", true),
            ("24h", true),
            ("24h1m", false),
        ] {
            let settings = format!(
                "[[reminders]]\nevery = \"{every}\"\nfrom = \"18:00\"\nuntil = \"21:00\"\n"
            );
            assert_eq!(
                crate::config::Config::parse(&settings).is_ok(),
                usable,
                "{every} in the settings"
            );
            assert_eq!(
                parse_every(every).is_ok(),
                usable,
                "{every} on the command line"
            );
        }
        assert_eq!(
            parse_every("30s"),
            Err("a repeat is from 1 minute to 24 hours, such as 45m".to_owned())
        );
    }

    #[test]
    fn no_voice_silences_only_the_voice() {
        let Command::Run(options) = parsed(&["run", "--no-voice"]) else {
            panic!("not a run command");
        };
        assert!(!options.voice);
        assert_eq!(options.volume, None);
        let Command::Run(options) = parsed(&["run", "--mute"]) else {
            panic!("not a run command");
        };
        assert!(options.voice);
        assert_eq!(options.volume, Some(0));
    }

    #[test]
    fn whole_numbers_are_refused_in_plain_words() {
        let volume = number::<u8>("the volume", 0, 100);
        assert_eq!(volume(" 40 "), Ok(40));
        for bad in ["101", "-2", "loud", "", "4.5", "99999999999999999999999"] {
            assert_eq!(
                volume(bad),
                Err("the volume is a whole number from 0 to 100".to_owned()),
                "{bad:?}"
            );
        }
    }
}
