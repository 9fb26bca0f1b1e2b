//! Reading what nocturne played: an ALSA configuration that turns the
//! default device into a stand-in card that plays in real time and keeps
//! what it played as a WAV file, and a little analysis of that file.

use std::f64::consts::PI;
use std::ops::Range;
use std::path::Path;

/// Mono at 16 kHz keeps the capture small; every cue's main tone is below
/// 2 kHz, well under the 8 kHz this rate can hold.
pub const RATE: usize = 16_000;

/// An .asoundrc whose default device is a stand-in sound card that plays
/// in real time (tests/support/card.py) and keeps what it played, as WAV,
/// in `file`. A real card takes audio at its sample rate, so cues mix as
/// they would for a user: two that overlap in time overlap in the file.
pub fn capture_to(file: &Path) -> String {
    let card = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/card.py");
    format!(
        "pcm.!default {{
    type plug
    slave {{ pcm \"capture\" format S16_LE rate {RATE} channels 1 }}
}}
pcm.capture {{
    type file
    slave.pcm \"null\"
    file \"|python3 '{card}' '{file}' {bytes}\"
    format \"wav\"
}}
",
        card = card.display(),
        file = file.display(),
        bytes = RATE * 2,
    )
}

/// Waits until the stand-in card has played all it was given into `file`
/// (it may still be playing the last period when the program exits).
pub fn finished(file: &Path) {
    let mut playing = file.as_os_str().to_owned();
    playing.push(".playing");
    let playing = std::path::PathBuf::from(playing);
    for _ in 0..600 {
        if !playing.exists() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the stand-in card is still playing into {}", file.display());
}

/// The samples of a 16-bit mono WAV file as written by ALSA, from -1 to 1,
/// once the card has finished. The file lacks its final sizes (ALSA
/// cannot go back in a pipe to write them), so the data runs to the end.
pub fn samples(file: &Path) -> Vec<f32> {
    finished(file);
    let bytes = std::fs::read(file).unwrap();
    assert_eq!(&bytes[..4], b"RIFF", "a WAV file");
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        if id == b"data" {
            let data = &bytes[at + 8..];
            return data
                .chunks_exact(2)
                .map(|pair| f32::from(i16::from_le_bytes([pair[0], pair[1]])) / 32768.0)
                .collect();
        }
        at += 8 + size + size % 2;
    }
    panic!("no data in {}", file.display());
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
