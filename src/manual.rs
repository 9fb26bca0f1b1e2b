//! `nocturne man`: one whole manual page, written from the same clap
//! definition as `--help`. Every command and its options are there, with
//! the keys, files, environment and exit codes, so the page refers to no
//! other page of nocturne's.

use clap::{Arg, ArgAction, Command};

/// The page, in roff for `man`.
pub fn page(cli: &Command) -> String {
    let mut out = String::new();
    let version = cli.get_version().unwrap_or("");
    out.push_str(&format!(
        ".TH NOCTURNE 1 \"\" \"nocturne {}\" \"User Commands\"\n",
        escape(version)
    ));
    section(&mut out, "NAME");
    out.push_str(&format!(
        "nocturne \\- {}\n",
        escape(&lowercase_first(&text(cli.get_about())))
    ));
    section(&mut out, "SYNOPSIS");
    out.push_str("\\fBnocturne\\fR [\\fIOPTIONS\\fR] \\fICOMMAND\\fR\n");
    section(&mut out, "DESCRIPTION");
    paragraphs(&mut out, DESCRIPTION);
    section(&mut out, "OPTIONS");
    options(&mut out, cli);
    section(&mut out, "COMMANDS");
    for sub in visible(cli) {
        command(&mut out, sub, &format!("nocturne {}", sub.get_name()));
    }
    for (title, body) in SECTIONS {
        section(&mut out, title);
        paragraphs(&mut out, body);
    }
    section(&mut out, "EXAMPLES");
    literal(&mut out, EXAMPLES);
    out
}

/// One command, then each of its own commands in turn.
fn command(out: &mut String, cmd: &Command, path: &str) {
    let subs: Vec<&Command> = visible(cmd).collect();
    // A command that does something of its own, not only a group.
    if subs.is_empty() || !cmd.is_subcommand_required_set() {
        out.push_str(&format!(".SS \"{}\"\n", escape(&usage(cmd, path))));
        paragraphs(
            out,
            &sentence(&text(cmd.get_long_about().or(cmd.get_about()))),
        );
        options(out, cmd);
        if let Some(after) = cmd.get_after_long_help().or(cmd.get_after_help()) {
            literal(out, &after.to_string());
        }
    }
    for sub in subs {
        command(out, sub, &format!("{path} {}", sub.get_name()));
    }
}

/// "nocturne run [OPTIONS] [ROUTINE]", without clap's "Usage: ".
fn usage(cmd: &Command, path: &str) -> String {
    let mut words = vec![path.to_owned()];
    if cmd
        .get_arguments()
        .any(|a| !skipped(a) && !a.is_positional())
    {
        words.push("[OPTIONS]".to_owned());
    }
    for arg in cmd.get_positionals().filter(|a| !skipped(a)) {
        let mut name = value_name(arg);
        if matches!(arg.get_action(), ArgAction::Append) {
            name.push_str("...");
        }
        words.push(if arg.is_required_set() {
            name
        } else {
            format!("[{name}]")
        });
    }
    if cmd.has_subcommands() {
        words.push(if cmd.is_subcommand_required_set() {
            "COMMAND".to_owned()
        } else {
            "[COMMAND]".to_owned()
        });
    }
    words.join(" ")
}

fn options(out: &mut String, cmd: &Command) {
    for arg in cmd.get_arguments().filter(|a| !skipped(a)) {
        let mut head = Vec::new();
        if let Some(short) = arg.get_short() {
            head.push(format!("\\fB\\-{short}\\fR"));
        }
        if let Some(long) = arg.get_long() {
            head.push(format!("\\fB\\-\\-{}\\fR", escape(long)));
        }
        let takes_value = matches!(arg.get_action(), ArgAction::Set | ArgAction::Append);
        let mut line = if arg.is_positional() {
            format!("\\fI{}\\fR", escape(&value_name(arg)))
        } else {
            head.join(", ")
        };
        if takes_value && !arg.is_positional() {
            line.push_str(&format!(" \\fI{}\\fR", escape(&value_name(arg))));
        }
        out.push_str(&format!(".TP\n{line}\n"));
        let mut help = sentence(&text(arg.get_long_help().or(arg.get_help())));
        let choices: Vec<String> = arg
            .get_possible_values()
            .iter()
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_owned())
            .collect();
        if takes_value && !choices.is_empty() {
            help.push_str(&format!(" One of: {}.", choices.join(", ")));
        }
        let defaults: Vec<String> = arg
            .get_default_values()
            .iter()
            .map(|v| v.to_string_lossy().into_owned())
            .collect();
        if takes_value && !defaults.is_empty() {
            help.push_str(&format!(" Default: {}.", defaults.join(", ")));
        }
        out.push_str(&escape(help.trim()));
        out.push('\n');
    }
}

/// Hidden arguments, and the help and version flags every command has.
fn skipped(arg: &Arg) -> bool {
    arg.is_hide_set()
        || matches!(
            arg.get_action(),
            ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong | ArgAction::Version
        )
}

fn visible(cmd: &Command) -> impl Iterator<Item = &Command> {
    cmd.get_subcommands()
        .filter(|c| !c.is_hide_set() && c.get_name() != "help")
}

fn value_name(arg: &Arg) -> String {
    arg.get_value_names()
        .and_then(|names| names.first())
        .map_or_else(|| arg.get_id().as_str().to_uppercase(), |n| n.to_string())
}

fn text(styled: Option<&clap::builder::StyledStr>) -> String {
    styled.map(ToString::to_string).unwrap_or_default()
}

/// Help text ends with a full stop, so that what follows it reads well.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.is_empty() || text.ends_with(['.', '!', '?', ')']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn section(out: &mut String, title: &str) {
    out.push_str(&format!(".SH {title}\n"));
}

/// Text whose blank lines separate paragraphs.
fn paragraphs(out: &mut String, body: &str) {
    let mut first = true;
    for paragraph in body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        if !first {
            out.push_str(".PP\n");
        }
        first = false;
        for line in paragraph.lines() {
            out.push_str(&escape(line.trim()));
            out.push('\n');
        }
    }
}

/// Text shown as it is written: examples and tables.
fn literal(out: &mut String, body: &str) {
    out.push_str(".PP\n.nf\n");
    for line in body.trim_matches('\n').lines() {
        out.push_str(&escape(line));
        out.push('\n');
    }
    out.push_str(".fi\n");
}

/// Text safe for roff: backslashes and dashes escaped, and no line that
/// begins with a control character.
fn escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with('.') || escaped.starts_with('\'') {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}

const DESCRIPTION: &str = "\
nocturne guides a short routine of calf and hamstring stretches before bed,
step by step and side by side, with a countdown for every hold, soft sound
cues you can follow with your eyes closed, and desktop notifications. It
reminds you at bedtime and to drink during the evening, and keeps a journal
of sessions and cramps that shows whether they are getting better.

nocturne offers general self-care routines. It is not a diagnosis or a
treatment. See a doctor about cramps that are severe, frequent or getting
more regular, that last longer than ten minutes, or that come with swelling,
redness, numbness or weakness.";

const SECTIONS: [(&str, &str); 4] = [
    (
        "KEYS",
        "\
During a session, when standard input is a terminal: space pauses and goes
on; n or the right arrow skips to the next step; p or the left arrow
restarts the step, and pressed again at once goes to the step before; q or
Esc ends the session early; i shows or hides the instructions until the
next step; Ctrl-C ends it too, with exit status 130. Ctrl-Z pauses the
session and gives the terminal back to the shell; fg brings it back, still
paused until space is pressed.

At the questions after a relief routine, and at those of nocturne log,
Ctrl-D or Ctrl-C leaves without logging anything.",
    ),
    (
        "FILES",
        "\
CONFIG/config.toml holds the settings and reminders; CONFIG/routines/*.toml
are your own routines. CONFIG is $NOCTURNE_CONFIG_DIR if set, else
$XDG_CONFIG_HOME/nocturne (~/.config/nocturne) on Linux, ~/Library/Application
Support/nocturne on macOS and %APPDATA%\\nocturne on Windows.

DATA/journal.sqlite is the journal. DATA is $NOCTURNE_DATA_DIR if set, else
$XDG_DATA_HOME/nocturne (~/.local/share/nocturne) on Linux and the same
platform folders elsewhere.

CACHE/voice/*.wav are phrases the voice has rendered, kept to be spoken
again; at most 20 MB, the ones used longest ago removed first. CACHE is
$NOCTURNE_CACHE_DIR if set, else $XDG_CACHE_HOME/nocturne
(~/.cache/nocturne) on Linux and the platform's cache folder elsewhere.",
    ),
    (
        "ENVIRONMENT",
        "\
NOCTURNE_CONFIG_DIR, NOCTURNE_DATA_DIR and NOCTURNE_CACHE_DIR choose the
folders above. PATH is searched for a speech engine (espeak-ng, espeak,
say) unless voice_command is set. TZ
chooses the time zone of reminders and the journal; an unknown one is said
once, and UTC is used. NO_COLOR turns colour off, as does TERM=dumb, unless
--color always is given. COLORTERM=truecolor (or 24bit) lets the themes use
any colour; a TERM with 256color, the 256-colour palette; otherwise the 16
colours are used. VISUAL or EDITOR is the editor of nocturne edit.
DBUS_SESSION_BUS_ADDRESS is where desktop notifications are sent. TERMINAL
is the terminal that a reminder's Start now button opens.",
    ),
    (
        "EXIT STATUS",
        "\
0 when all went well; 1 when something failed while running (a file that
cannot be written, a service that cannot be installed), or when status
found a problem; 2 for input that cannot be used (a routine file or
setting with an error, an unknown name, a command line that asks for
something impossible); 130 when a session or the cramp questions were
ended by Ctrl-C or a termination signal, or the questions by Ctrl-D.",
    ),
];

const EXAMPLES: &str = "
nocturne run                       tonight's routine
nocturne run wind-down --speed 30  preview a routine at 30 times the speed
nocturne show nightly              every timed step of a routine
nocturne log --at \"last night 03:10\" --leg left --muscle calf
nocturne stats                     how your nights are going
nocturne remind add --at 22:15 --days mon-fri
nocturne remind install            start the reminder service with your session
nocturne status                    what works here, and what to do about what does not
";
