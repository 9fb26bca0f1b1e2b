//! The journal's small vocabularies: how a session and a step ended, which
//! leg and which muscle. Each is stored, exported and shown as one fixed
//! word, so the words live here once.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// An enum whose values are stored and exported as fixed words.
macro_rules! words {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value's word, in the order they are offered.
            pub const WORDS: &[&str] = &[$($word),+];

            /// The word stored in the journal and written in exports.
            pub fn word(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// The value a stored word names, if any.
            pub fn from_word(text: &str) -> Option<$name> {
                match text {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.word())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.word())
            }
        }

        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.word()))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                let text = value.as_str()?;
                $name::from_word(text).ok_or_else(|| {
                    FromSqlError::Other(
                        format!(
                            "`{text}` is not one of {} (the file was changed by hand?)",
                            $name::WORDS.join(", ")
                        )
                        .into(),
                    )
                })
            }
        }
    };
}

words! {
    /// How a session ended; `Unfinished` while it runs, or if it was
    /// killed outright.
    SessionOutcome {
        Completed = "completed",
        EndedEarly = "ended_early",
        Interrupted = "interrupted",
        Unfinished = "unfinished",
    }
}

words! {
    /// How one step of a session ended; `Unfinished` until it is done or
    /// skipped.
    StepOutcome {
        Done = "done",
        Skipped = "skipped",
        Unfinished = "unfinished",
    }
}

words! {
    /// The leg a cramp was in.
    Leg {
        Left = "left",
        Right = "right",
        Both = "both",
    }
}

words! {
    /// The muscle a cramp was in.
    Muscle {
        Calf = "calf",
        Foot = "foot",
        Thigh = "thigh",
        Other = "other",
    }
}

words! {
    /// How a drink came to be logged.
    DrinkSource {
        /// `nocturne log drink`, or an import.
        Log = "log",
        /// The water reminder's "Drank a glass" button.
        Reminder = "reminder",
        /// A `hydrate` step done in a session.
        Session = "session",
    }
}

impl SessionOutcome {
    /// How `nocturne journal` says it.
    pub fn in_words(self) -> &'static str {
        match self {
            SessionOutcome::Completed => "done",
            SessionOutcome::EndedEarly => "ended early",
            SessionOutcome::Interrupted => "interrupted",
            SessionOutcome::Unfinished => "unfinished",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_reads_back_as_its_value() {
        for word in SessionOutcome::WORDS {
            assert_eq!(
                SessionOutcome::from_word(word).map(SessionOutcome::word),
                Some(*word)
            );
        }
        for word in StepOutcome::WORDS {
            assert_eq!(
                StepOutcome::from_word(word).map(StepOutcome::word),
                Some(*word)
            );
        }
        assert_eq!(Leg::WORDS, ["left", "right", "both"]);
        assert_eq!(Muscle::WORDS, ["calf", "foot", "thigh", "other"]);
        assert_eq!(Leg::from_word("middle"), None);
    }

    #[test]
    fn a_word_the_journal_does_not_know_is_refused_with_the_words_it_knows() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let read: rusqlite::Result<Muscle> = conn.query_row("SELECT 'elbow'", [], |row| row.get(0));
        let message = read.unwrap_err().to_string();
        assert!(
            message.contains("`elbow` is not one of calf, foot, thigh, other"),
            "{message}"
        );
        let read: Option<Leg> = conn.query_row("SELECT NULL", [], |row| row.get(0)).unwrap();
        assert_eq!(read, None);
    }
}
