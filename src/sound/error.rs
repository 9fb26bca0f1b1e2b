//! What can go wrong with a sound file or the audio device, in the user's
//! words, with the cause kept as the error's source.

use rodio::cpal;

use crate::util::io_reason;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("{}", io_reason(.0))]
    Read(#[source] std::io::Error),
    #[error("not a regular file")]
    NotAFile,
    #[error("larger than 10 MiB; a cue should be a short sound")]
    TooLarge,
    #[error("not a sound nocturne can decode (WAV, Ogg Vorbis, FLAC or MP3)")]
    UnknownFormat(#[source] rodio::decoder::DecoderError),
    #[error("cannot decode it: {0}")]
    Undecodable(#[source] rodio::decoder::DecoderError),
    /// The decoder gave up on the file by panicking.
    #[error("the file is damaged: it could not be decoded as WAV, Ogg Vorbis, FLAC or MP3")]
    Damaged,
    #[error("it has {0} channels; a cue is mono or stereo")]
    Channels(u16),
    #[error("its sample rate is {0} Hz; at most 96 kHz is accepted")]
    Rate(u32),
    #[error("longer than {} seconds; a cue should be a short sound", super::MAX_LENGTH.as_secs())]
    TooLong,
    #[error("it holds no sound")]
    Silent,
    #[error("cannot start decoding: {}", io_reason(.0))]
    DecoderThread(#[source] std::io::Error),
    #[error("cannot start the sound thread: {}", io_reason(.0))]
    SoundThread(#[source] std::io::Error),
    #[error("the sound thread stopped")]
    ThreadStopped,
    #[error("the audio device did not open within {} s", .0.as_secs())]
    Slow(std::time::Duration),
    #[error("no audio device was found")]
    NoDevice,
    #[error("the audio device has no channels")]
    NoChannels,
    #[error("the audio device has no sample rate")]
    NoRate,
    #[error("the audio device wants samples as {0}, which nocturne cannot make")]
    SampleFormat(cpal::SampleFormat),
    /// The device or the sound system refused.
    #[error("{}", in_words(.0))]
    Device(#[source] cpal::Error),
    /// A device that worked stopped working.
    #[error("the audio device stopped: {}", in_words(.0))]
    Stopped(#[source] cpal::Error),
    /// A device closed between cues would not open again.
    #[error("the audio device could not be opened again: {0}")]
    Reopen(#[source] Box<Error>),
}

impl From<crate::util::ReadError> for Error {
    fn from(e: crate::util::ReadError) -> Self {
        use crate::util::ReadError;
        match e {
            ReadError::Io(e) => Error::Read(e),
            ReadError::NotAFile => Error::NotAFile,
            ReadError::TooLarge => Error::TooLarge,
        }
    }
}

/// An audio error in a user's words.
fn in_words(e: &cpal::Error) -> String {
    use cpal::ErrorKind::*;
    match e.kind() {
        DeviceNotAvailable => "no audio device is available".to_owned(),
        HostUnavailable => "the sound system is not running".to_owned(),
        DeviceBusy => "the audio device is busy".to_owned(),
        PermissionDenied => "permission to use the audio device was refused".to_owned(),
        _ => format!("the audio device could not be opened ({e})"),
    }
}
