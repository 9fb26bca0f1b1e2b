//! Hearing what nocturne plays: a stand-in sound card that plays in real
//! time, as ALSA's default device of a test's home, and a little analysis
//! of what it played.

use std::f64::consts::PI;
use std::fs::File;
use std::io::Read;
use std::ops::Range;
use std::os::fd::AsRawFd;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::Home;

/// Mono at 48 kHz, a usual rate for a card. Every cue's main tone is below
/// 2 kHz.
pub const RATE: usize = 48_000;

/// Bytes of audio per second: 16-bit mono.
const BYTES_PER_SECOND: usize = RATE * 2;

/// A stand-in sound card. ALSA's `file` plugin writes what the program
/// plays, as raw 16-bit samples, into a named pipe; a thread of the test
/// reads that pipe at the card's rate, so the program's audio thread is
/// held to real time as by hardware, and two cues that overlap in time
/// overlap in what the card played. Like a card, its buffer is small (the
/// pipe holds 8 KiB, about 85 ms) and it is ready before the program opens
/// it.
///
/// (A `file` plugin writing to a plain file over the `null` device is not
/// paced at all: it writes as fast as the processor allows.)
pub struct Card {
    /// Set once the program has ended: the card then stops when its pipe
    /// is empty.
    ended: Arc<AtomicBool>,
    player: Option<JoinHandle<Vec<u8>>>,
}

impl Card {
    /// Makes this card the default device of `home`'s ALSA configuration.
    pub fn plug_into(home: &Home) -> Card {
        let fifo = home.path(&format!("card-{}.fifo", unique()));
        make_fifo(&fifo);
        // Opened for reading and writing, so that opening it never waits
        // and it stays open while the program closes and reopens its
        // device; sized while still empty.
        let pipe = File::options()
            .read(true)
            .write(true)
            .open(&fifo)
            .expect("the card's pipe opens");
        // SAFETY: F_SETPIPE_SZ on a pipe this test owns, with an integer.
        let sized = unsafe { libc::fcntl(pipe.as_raw_fd(), libc::F_SETPIPE_SZ, 8192) };
        assert!(sized >= 8192, "the card's pipe could not be sized");
        home.sound_to(&format!(
            "pcm.!default {{
    type plug
    slave {{ pcm \"card\" format S16_LE rate {RATE} channels 1 }}
}}
pcm.card {{
    type file
    slave.pcm \"null\"
    file \"{}\"
    format \"raw\"
}}
",
            fifo.display()
        ));
        let ended = Arc::new(AtomicBool::new(false));
        let player = {
            let ended = ended.clone();
            std::thread::spawn(move || play(pipe, &ended))
        };
        Card {
            ended,
            player: Some(player),
        }
    }

    /// What the card played, from -1 to 1; call it once the program has
    /// ended. The card first plays what is still in its buffer.
    pub fn played(mut self) -> Vec<f32> {
        self.ended.store(true, Ordering::SeqCst);
        let bytes = self.player.take().unwrap().join().unwrap();
        bytes
            .chunks_exact(2)
            .map(|pair| f32::from(i16::from_le_bytes([pair[0], pair[1]])) / 32768.0)
            .collect()
    }
}

impl Drop for Card {
    fn drop(&mut self) {
        self.ended.store(true, Ordering::SeqCst);
    }
}

fn unique() -> u64 {
    use std::sync::atomic::AtomicU64;
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

fn make_fifo(path: &Path) {
    let name = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid, NUL-terminated path.
    let made = unsafe { libc::mkfifo(name.as_ptr(), 0o600) };
    assert_eq!(made, 0, "mkfifo {}", path.display());
}

/// Takes 10 ms of audio at a time, each when the card would be ready for
/// it. Stops once the program has ended and nothing is left in the pipe.
// The card keeps real time: that is the point of it.
#[allow(clippy::disallowed_methods)]
fn play(mut pipe: File, ended: &AtomicBool) -> Vec<u8> {
    let mut played = Vec::new();
    let mut chunk = vec![0u8; BYTES_PER_SECOND / 100];
    let mut due = Instant::now();
    loop {
        let mut ready = libc::pollfd {
            fd: pipe.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut ready, 1, 50) } <= 0 {
            if ended.load(Ordering::SeqCst) {
                return played;
            }
            due = Instant::now();
            continue;
        }
        let n = pipe.read(&mut chunk).expect("the card reads its pipe");
        played.extend_from_slice(&chunk[..n]);
        let length = Duration::from_secs_f64(n as f64 / BYTES_PER_SECOND as f64);
        // A card held up for a moment (a busy machine) catches up a little,
        // as a real card's buffer lets it, but never races ahead.
        due = (due + length).max(Instant::now() - Duration::from_millis(50));
        std::thread::sleep(due.saturating_duration_since(Instant::now()));
    }
}

/// The stretches of sound, separated by at least `gap_ms` of silence
/// (anything quieter than about -54 dBFS).
pub fn sounds(samples: &[f32], gap_ms: usize) -> Vec<Range<usize>> {
    const QUIET: f32 = 0.002;
    let gap = gap_ms * RATE / 1000;
    let mut found: Vec<Range<usize>> = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        if s.abs() < QUIET {
            continue;
        }
        match found.last_mut() {
            Some(last) if i - last.end < gap => last.end = i + 1,
            _ => found.push(i..i + 1),
        }
    }
    found
}

/// Of `candidates`, the frequency with the most energy in `part`
/// (Goertzel's algorithm at each candidate).
pub fn dominant(part: &[f32], candidates: &[f64]) -> f64 {
    let power = |freq: f64| {
        let coeff = 2.0 * (2.0 * PI * freq / RATE as f64).cos();
        let (mut s1, mut s2) = (0.0, 0.0);
        for &x in part {
            let s0 = f64::from(x) + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        s1 * s1 + s2 * s2 - coeff * s1 * s2
    };
    candidates
        .iter()
        .copied()
        .max_by(|a, b| power(*a).total_cmp(&power(*b)))
        .unwrap()
}

/// The main tone of each bundled cue, as `sounds/generate.py` makes it.
pub const CUE_TONES: [(&str, f64); 7] = [
    ("tick", 2000.0),
    ("hold", 660.0),
    ("relax", 392.0),
    ("switch", 784.0),
    ("done", 523.0),
    ("hydrate", 1175.0),
    ("finish", 330.0),
];

/// The test sounds' tones (tests/sounds).
pub const FILE_TONES: [(&str, f64); 4] = [
    ("beep-880.wav", 880.0),
    ("beep-1000.ogg", 1000.0),
    ("beep-1320.flac", 1320.0),
    ("beep-1500.mp3", 1500.0),
];

/// Names each stretch of sound by its dominant tone.
pub fn heard(samples: &[f32]) -> Vec<&'static str> {
    let tones: Vec<(&'static str, f64)> =
        CUE_TONES.iter().chain(FILE_TONES.iter()).copied().collect();
    let freqs: Vec<f64> = tones.iter().map(|(_, f)| *f).collect();
    sounds(samples, 100)
        .into_iter()
        .map(|range| {
            let tone = dominant(&samples[range], &freqs);
            tones.iter().find(|(_, f)| *f == tone).unwrap().0
        })
        .collect()
}

/// How many samples `ms` milliseconds take.
pub fn samples_in(ms: f64) -> usize {
    (ms * RATE as f64 / 1000.0).round() as usize
}

/// The level of `samples` between `low` and `high` Hz, as the RMS of each
/// `frame_ms` frame: the signal is passed through a second-order high-pass
/// at `low`, then a second-order low-pass at `high` (the usual biquads).
pub fn band_envelope(samples: &[f32], low: f64, high: f64, frame_ms: usize) -> Vec<f32> {
    let biquad = |freq: f64, high_pass: bool| {
        let w = 2.0 * PI * freq / RATE as f64;
        let alpha = w.sin() / (2.0 * std::f64::consts::FRAC_1_SQRT_2);
        let cos = w.cos();
        let (b0, b1) = if high_pass {
            ((1.0 + cos) / 2.0, -(1.0 + cos))
        } else {
            ((1.0 - cos) / 2.0, 1.0 - cos)
        };
        let a0 = 1.0 + alpha;
        [
            b0 / a0,
            b1 / a0,
            b0 / a0,
            -2.0 * cos / a0,
            (1.0 - alpha) / a0,
        ]
    };
    let filter = |input: Vec<f64>, [b0, b1, b2, a1, a2]: [f64; 5]| {
        let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
        input
            .into_iter()
            .map(|x| {
                let y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
                (x2, x1, y2, y1) = (x1, x, y1, y);
                y
            })
            .collect::<Vec<f64>>()
    };
    let input = samples.iter().map(|&s| f64::from(s)).collect();
    let band = filter(filter(input, biquad(low, true)), biquad(high, false));
    band.chunks(samples_in(frame_ms as f64).max(1))
        .map(|frame| (frame.iter().map(|y| y * y).sum::<f64>() / frame.len() as f64).sqrt() as f32)
        .collect()
}

/// The first sample at or after `from` that is not silence (the card
/// plays exact zeros when nothing sounds; this takes anything above about
/// -80 dBFS).
pub fn onset_after(samples: &[f32], from: usize) -> Option<usize> {
    (from..samples.len()).find(|&i| samples[i].abs() > 1e-4)
}

/// The amplitude of the tone at `freq` in each `frame_ms` frame of
/// `samples` (Goertzel's algorithm, frame by frame).
pub fn level_at(samples: &[f32], freq: f64, frame_ms: usize) -> Vec<f64> {
    let coeff = 2.0 * (2.0 * PI * freq / RATE as f64).cos();
    samples
        .chunks(samples_in(frame_ms as f64).max(1))
        .map(|frame| {
            let (mut s1, mut s2) = (0.0, 0.0);
            for &x in frame {
                let s0 = f64::from(x) + coeff * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            let power = (s1 * s1 + s2 * s2 - coeff * s1 * s2).max(0.0);
            2.0 * power.sqrt() / frame.len() as f64
        })
        .collect()
}
