//! Sound cues: short, soft sounds that tell a user on the floor what to do
//! without looking at the screen. The bundled cues are compiled into the
//! binary; a routine may use its own files instead. Playback runs on its
//! own thread, so a slow or missing audio device never delays a segment.

mod error;
mod quiet;
pub mod speaker;
mod timeline;

use std::io::Cursor;
use std::path::Path;
use std::time::Duration;

use rodio::buffer::SamplesBuffer;
use rodio::{Decoder, Source};

use crate::routine::Cue;
use crate::util::read_at_most;
pub use error::Error;
pub use speaker::{Phrase, Planned, Speaker};

/// A decoded sound, ready to be mixed; cloning it is cheap.
#[derive(Clone)]
pub struct Clip {
    buffer: SamplesBuffer,
}

impl Clip {
    pub fn duration(&self) -> Duration {
        self.buffer.total_duration().unwrap_or_default()
    }

    /// The samples, interleaved, with channel count and sample rate.
    pub fn samples(&self) -> (Vec<f32>, u16, u32) {
        let buffer = self.buffer.clone();
        let channels = buffer.channels().get();
        let rate = buffer.sample_rate().get();
        (buffer.collect(), channels, rate)
    }

    /// A clip made from samples (interleaved, from -1 to 1), such as a
    /// decoded one changed in loudness. It is a new clip, told apart from
    /// every other.
    pub fn from_samples(channels: u16, rate: u32, samples: Vec<f32>) -> Option<Clip> {
        let channels = rodio::ChannelCount::new(channels)?;
        let rate = rodio::SampleRate::new(rate)?;
        if samples.is_empty() {
            return None;
        }
        Some(Clip {
            buffer: SamplesBuffer::new(channels, rate, samples),
        })
    }

    pub(crate) fn source(&self) -> SamplesBuffer {
        self.buffer.clone()
    }
}

/// A user's sound file may be at most this large ...
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// ... and last at most this long: cues are short.
pub const MAX_LENGTH: Duration = Duration::from_secs(10);

/// The bundled sound of a cue's name, as a WAV file.
fn bundled_wav(cue: Cue) -> &'static [u8] {
    match cue {
        Cue::Tick => include_bytes!("../../sounds/tick.wav"),
        Cue::Hold => include_bytes!("../../sounds/hold.wav"),
        Cue::Relax => include_bytes!("../../sounds/relax.wav"),
        Cue::Switch => include_bytes!("../../sounds/switch.wav"),
        Cue::Done => include_bytes!("../../sounds/done.wav"),
        Cue::Hydrate => include_bytes!("../../sounds/hydrate.wav"),
        Cue::Finish => include_bytes!("../../sounds/finish.wav"),
    }
}

/// Decodes a bundled cue. They are checked by the tests.
pub fn bundled(cue: Cue) -> Result<Clip, Error> {
    decode(bundled_wav(cue).to_vec())
}

/// Reads and decodes a user's sound file (WAV, Ogg Vorbis, FLAC or MP3).
pub fn load_file(path: &Path) -> Result<Clip, Error> {
    decode(read_at_most(path, MAX_FILE_BYTES)?)
}

/// Decodes a whole sound into memory. A decoder that panics on a malformed
/// file is caught: a bad sound file is an error, never a crash. It runs on
/// a thread of its own, whose panics are kept off the terminal, so the user
/// sees only the error that names the file.
fn decode(bytes: Vec<u8>) -> Result<Clip, Error> {
    silence_decoder_panics();
    let decoder = std::thread::Builder::new()
        .name(DECODER_THREAD.to_owned())
        .spawn(move || decode_unguarded(bytes));
    match decoder {
        Ok(handle) => handle.join().unwrap_or(Err(Error::Damaged)),
        Err(e) => Err(Error::DecoderThread(e)),
    }
}

/// The name of the threads that decode sound files.
const DECODER_THREAD: &str = "sound decoder";

/// Installs, once, a panic hook that says nothing for a panic on a decoder
/// thread (that panic is reported as an error about the file) and hands
/// every other panic to the hook that was there before.
fn silence_decoder_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(DECODER_THREAD) {
                previous(info);
            }
        }));
    });
}

fn decode_unguarded(bytes: Vec<u8>) -> Result<Clip, Error> {
    let decoder = Decoder::try_from(Cursor::new(bytes)).map_err(|e| match e {
        rodio::decoder::DecoderError::UnrecognizedFormat => Error::UnknownFormat(e),
        other => Error::Undecodable(other),
    })?;
    let channels = decoder.channels();
    let rate = decoder.sample_rate();
    // What the file claims is checked before anything is decoded: a small
    // file may claim a huge rate or many channels.
    if channels.get() > 2 {
        return Err(Error::Channels(channels.get()));
    }
    if rate.get() > 96_000 {
        return Err(Error::Rate(rate.get()));
    }
    let limit = MAX_LENGTH.as_secs() as usize * rate.get() as usize * channels.get() as usize;
    let samples: Vec<rodio::Sample> = decoder.take(limit + 1).collect();
    if samples.len() > limit {
        return Err(Error::TooLong);
    }
    if samples.is_empty() {
        return Err(Error::Silent);
    }
    Ok(Clip {
        buffer: SamplesBuffer::new(channels, rate, samples),
    })
}

/// Loudness from the 0 to 100 scale users set to a gain: squared, so the
/// steps sound even to the ear and 40 (the default) is gentle.
pub fn gain(volume: u8) -> f32 {
    let v = f32::from(volume.min(100)) / 100.0;
    v * v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each cue's length as the generator makes it.
    const LENGTHS_MS: [(Cue, u64); 7] = [
        (Cue::Tick, 120),
        (Cue::Hold, 800),
        (Cue::Relax, 1400),
        (Cue::Switch, 1000),
        (Cue::Done, 1300),
        (Cue::Hydrate, 700),
        (Cue::Finish, 1500),
    ];

    #[test]
    fn every_bundled_cue_decodes_to_its_length() {
        for (cue, ms) in LENGTHS_MS {
            let clip = bundled(cue).unwrap();
            assert_eq!(clip.duration().as_millis() as u64, ms, "{cue}");
            assert!(clip.duration() <= Duration::from_millis(1500), "{cue}");
        }
    }

    #[test]
    fn every_bundled_cue_is_soft_and_starts_and_ends_in_silence() {
        let limit = 10f32.powf(-3.0 / 20.0);
        for cue in Cue::ALL {
            let (samples, channels, rate) = bundled(cue).unwrap().samples();
            assert_eq!(channels, 1);
            let peak = samples.iter().fold(0f32, |m, s| m.max(s.abs()));
            assert!(peak <= limit, "{cue} peaks at {peak}");
            assert!(peak > 0.1, "{cue} is audible");
            // No click: the sound rises from silence over its first
            // milliseconds and has fallen back to silence by its last.
            let ms = rate as usize / 1000;
            let edge = |part: &[f32]| part.iter().fold(0f32, |m, s| m.max(s.abs()));
            assert!(samples[0].abs() < 1e-3, "{cue}");
            assert!(edge(&samples[..ms / 2]) < 0.02, "{cue} starts with a click");
            assert!(
                edge(&samples[samples.len() - ms..]) < 0.002,
                "{cue} ends with a click"
            );
            assert!(samples[samples.len() - 1].abs() < 1e-3, "{cue}");
        }
    }

    #[test]
    fn volume_is_gentle_by_default() {
        assert_eq!(gain(0), 0.0);
        assert_eq!(gain(100), 1.0);
        assert!((gain(40) - 0.16).abs() < 1e-6);
        assert_eq!(gain(200), 1.0);
    }

    #[test]
    fn cue_names_round_trip() {
        for cue in Cue::ALL {
            assert_eq!(Cue::parse(cue.as_str()), Some(cue));
        }
        assert_eq!(Cue::parse("bell"), None);
    }

    /// A 16-bit PCM WAV header claiming `channels` and `rate`, with a
    /// little silence.
    fn wav(channels: u16, rate: u32) -> Vec<u8> {
        let data = vec![0u8; 64];
        let mut out = Vec::new();
        out.extend(b"RIFF");
        out.extend(((36 + data.len()) as u32).to_le_bytes());
        out.extend(b"WAVEfmt ");
        out.extend(16u32.to_le_bytes());
        out.extend(1u16.to_le_bytes());
        out.extend(channels.to_le_bytes());
        out.extend(rate.to_le_bytes());
        out.extend((rate * u32::from(channels) * 2).to_le_bytes());
        out.extend((channels * 2).to_le_bytes());
        out.extend(16u16.to_le_bytes());
        out.extend(b"data");
        out.extend((data.len() as u32).to_le_bytes());
        out.extend(data);
        out
    }

    /// What the user reads of a decoding error.
    fn why(result: Result<Clip, Error>) -> Option<String> {
        result.err().map(|e| e.to_string())
    }

    #[test]
    fn bad_sound_data_is_an_error_not_a_crash() {
        assert_eq!(
            why(decode(b"RIFF\0\0\0\0WAVEfmt garbage".to_vec())).as_deref(),
            Some("not a sound nocturne can decode (WAV, Ogg Vorbis, FLAC or MP3)")
        );
        assert!(decode(Vec::new()).is_err());
        assert!(decode(wav(1, 24_000)).is_ok());
        // What a small file claims is checked before it is decoded.
        assert_eq!(
            why(decode(wav(8, 48_000))).as_deref(),
            Some("it has 8 channels; a cue is mono or stereo")
        );
        assert_eq!(
            why(decode(wav(2, 655_350))).as_deref(),
            Some("its sample rate is 655350 Hz; at most 96 kHz is accepted")
        );
    }

    #[test]
    fn a_file_that_makes_the_decoder_panic_is_a_damaged_file() {
        // The decoding library panics on a WAV whose sample rate is 0.
        let mut damaged = wav(1, 24_000);
        damaged[24..28].fill(0);
        assert_eq!(
            why(decode(damaged)).as_deref(),
            Some("the file is damaged: it could not be decoded as WAV, Ogg Vorbis, FLAC or MP3")
        );
        // Decoding goes on working afterwards.
        assert!(decode(wav(1, 24_000)).is_ok());
    }
}
