#!/usr/bin/env bash
# Checks that nocturne installs with `cargo install` as a registry would
# give it, on a machine without the ALSA development package: the crate is
# packaged, unpacked into a scratch folder away from this repository (so
# its .cargo/config.toml is not read), and installed from there.
#
#   tests/install/cargo-install.sh
#
# 1. A plain build of the packaged crate must fail at alsa-sys, as a
#    registry `cargo install nocturne` does here, unless pkg-config finds
#    ALSA (then the machine has the development files and this says so).
# 2. The documented command, which tells cargo to link the runtime library
#    by its name, must install a nocturne that runs and links
#    libasound.so.2.
# It takes a debug build of every dependency (several minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cargo package --locked --no-verify --allow-dirty --quiet
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
tar -xzf "target/package/nocturne-$version.crate" -C "$scratch"
crate="$scratch/nocturne-$version"
host=$(rustc -vV | sed -n 's/^host: //p')

if pkg-config --exists alsa 2>/dev/null; then
    echo "note: pkg-config finds ALSA here, so the plain build cannot show the failure"
else
    # Built from inside the scratch folder: cargo reads the configuration
    # of the folder it runs in, and this repository's would link ALSA.
    if (cd "$crate" && CARGO_TARGET_DIR="$scratch/target" cargo build --locked) \
        >"$scratch/plain.log" 2>&1; then
        echo "unexpected: the plain build passed without ALSA's development files"
        exit 1
    fi
    if ! grep -q "failed to run custom build command for .alsa-sys" "$scratch/plain.log"; then
        echo "the plain build failed, but not at alsa-sys:"
        tail -20 "$scratch/plain.log"
        exit 1
    fi
    echo "ok: a plain build stops at alsa-sys, which finds no ALSA development files"
fi

(cd "$crate" && CARGO_TARGET_DIR="$scratch/target" cargo install --locked --debug --quiet \
    --path . --root "$scratch/root" \
    --config "target.$host.alsa.rustc-link-lib=[\"dylib:+verbatim=libasound.so.2\"]")
"$scratch/root/bin/nocturne" --version
ldd "$scratch/root/bin/nocturne" | grep -q 'libasound.so.2'
echo "ok: installed with the runtime library alone; it links libasound.so.2"
