#!/usr/bin/env bash
# Install the Debian TeX packages answerkey needs, only when latexmk is missing.
set -euo pipefail
command -v latexmk >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && exit 0
pkgs="latexmk texlive-latex-base texlive-latex-recommended texlive-fonts-recommended poppler-utils"
if [ "$(id -u)" -eq 0 ]; then
  run=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run="sudo"
else
  echo "answerkey needs LaTeX: please run (as root): apt-get install -y --no-install-recommends $pkgs" >&2
  exit 1
fi
echo "Installing TeX packages: $pkgs"
$run apt-get update -qq || true
DEBIAN_FRONTEND=noninteractive $run apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
