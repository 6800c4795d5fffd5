#!/usr/bin/env bash
# Install the Debian packages answerkey needs (TeX, poppler, librsvg for the figures' PDFs)
# and its browser test needs (chromium), only when they are missing.
set -euo pipefail
pkgs=()
command -v latexmk >/dev/null 2>&1 || pkgs+=(latexmk texlive-latex-base texlive-latex-recommended texlive-fonts-recommended)
command -v pdftotext >/dev/null 2>&1 || pkgs+=(poppler-utils)
command -v rsvg-convert >/dev/null 2>&1 || pkgs+=(librsvg2-bin)
[ "${ANSWERKEY_NO_BROWSER:-}" = 1 ] || [ -x /usr/bin/chromium ] || pkgs+=(chromium)
[ ${#pkgs[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  run=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run=(sudo)
else
  echo "answerkey needs these Debian packages; please run as root:" >&2
  echo "  apt-get install -y --no-install-recommends ${pkgs[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${pkgs[*]}"
"${run[@]}" apt-get update -qq || true
DEBIAN_FRONTEND=noninteractive "${run[@]}" apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
