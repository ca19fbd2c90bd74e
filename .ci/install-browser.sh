#!/bin/sh
# Install the headless browser used by tests/e2e/test_browser_post.py: Debian's chromium and
# chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver). No browser download from the web.
# Idempotent: when both binaries already answer --version, it does nothing.
set -eu

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] \
    && /usr/bin/chromium --version >/dev/null 2>&1 \
    && /usr/bin/chromedriver --version >/dev/null 2>&1; then
    echo "install-browser: $(/usr/bin/chromium --version 2>/dev/null); $(/usr/bin/chromedriver --version 2>/dev/null | head -n 1)"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO="sudo"
    else
        echo "install-browser: must run as root (or with sudo available) to apt-get install chromium" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends chromium chromium-driver

/usr/bin/chromium --version 2>/dev/null
/usr/bin/chromedriver --version
